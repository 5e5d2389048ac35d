"""Load test of the pages a social worker and a project lead use most (issue 17), against gunicorn on
the loopback only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tonghu_bench DJANGO_SETTINGS_MODULE=config.settings.local \\
        DJANGO_DEBUG=false .venv/bin/gunicorn config.wsgi -w 4 -b 127.0.0.1:8017 &
    pip install -r benchmarks/requirements.txt   # into a separate virtualenv: locust is not a dependency
    BENCH_PASSWORD=… locust -f benchmarks/locustfile.py --headless -H http://127.0.0.1:8017 \\
        -u 20 -r 5 -t 2m --csv var/locust     # 20 users, each waiting 1–3 s

`-u 1` gives the one-user figures; `--wait 0` (below) the saturation throughput. The users log in
through the login form as the demo personas (seed_demo); set BENCH_PASSWORD to their password.
Never point this at a server other people use.
"""

import os
import random

from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
SEARCHES = ["陈", "明", "小明", "陈明华", "明华", "chen", "cmh", "lixiao"]
WAIT = constant(0) if os.environ.get("BENCH_NO_WAIT") else between(1, 3)


class Staff(HttpUser):
    abstract = True
    username = ""
    wait_time = WAIT

    def on_start(self):
        self.client.get("/accounts/login/")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post("/accounts/login/", {"username": self.username, "password": PASSWORD,
                                              "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{self.host}/accounts/login/"})


class Lead(Staff):
    username = "lead"

    @task(3)
    def child_list(self):
        self.client.get("/children/", name="child list")

    @task(3)
    def search(self):
        self.client.get(f"/children/?q={random.choice(SEARCHES)}", name="search")

    @task(1)
    def home(self):
        self.client.get("/", name="home")

    @task(1)
    def record(self):
        self.client.get(f"/children/{random.randint(1, 20000)}/", name="个人档案")


class Worker(Staff):
    username = "worker1"

    @task(3)
    def worklist(self):
        self.client.get("/visits/", name="work list")

    @task(1)
    def home(self):
        self.client.get("/", name="home")
