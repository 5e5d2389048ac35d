"""Per-page timings and query counts of the pages issue 17 names, in process (Django's test client, no
server): median and p95 of N runs, SQL share, query count and page size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tonghu_bench \\
        .venv/bin/python benchmarks/pages.py --runs 20 [--project DIR]

It reads the configured database (filled by `manage.py seed_demo` then `manage.py generate_dataset
--children N --history`) and writes nothing but sessions. `--project DIR` runs another checkout's code
against the same database (how the "before" column of docs/benchmarks.md is measured). It prints
figures and asserts nothing; record them in docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=20)
parser.add_argument("--project", default=str(Path(__file__).resolve().parent.parent),
                    help="the checkout whose code is measured (default: this one)")
parser.add_argument("--only", help="only pages whose name contains this")
parser.add_argument("--cold", action="store_true",
                    help="empty the cache before each run: the counts kept a minute per user are recomputed")
args = parser.parse_args()

sys.path.insert(0, args.project)
os.chdir(args.project)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def main():
    from accounts.models import User
    from children.models import Child, Parent

    users = {u.username: u for u in User.objects.filter(username__in=["lead", "worker1", "supervisor"])}
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    some = Child.objects.exclude(id_number="").order_by("pk")[1000]
    phone = some.guardian_phone or Parent.objects.exclude(phone="").first().phone
    pages = [
        ("child list, page 1", "lead", "/children/"),
        ("search 陈", "lead", "/children/?q=陈"),
        ("search 明", "lead", "/children/?q=明"),
        ("search 小明", "lead", "/children/?q=小明"),
        ("search 陈明华", "lead", "/children/?q=陈明华"),
        ("search 明华", "lead", "/children/?q=明华"),
        ("search by phone", "lead", f"/children/?q={phone}"),
        ("search pinyin chen", "lead", "/children/?q=chen"),
        ("search initials cmh", "lead", "/children/?q=cmh"),
        ("search ID number", "lead", f"/children/?q={some.id_number}"),
        ("lead's home page", "lead", "/"),
        ("worker's home page", "worker1", "/"),
        ("worker's work list", "worker1", "/visits/"),
        ("admin child changelist, page 100", "supervisor", "/admin/children/child/?p=100"),
        ("个人档案", "lead", f"/children/{some.pk}/"),
        ("case list", "lead", "/cases/"),
    ]
    print(f"{'page':36} {'median':>8} {'p95':>8} {'SQL %':>6} {'queries':>8} {'KB':>7}")
    for title, who, url in pages:
        if args.only and args.only not in title:
            continue
        client = clients[who]
        response = client.get(url)  # warm
        if response.status_code != 200:
            print(f"{title:36} HTTP {response.status_code} {url}")
            continue
        times, sql_shares, queries = [], [], 0
        for _run in range(args.runs):
            if args.cold:
                cache.clear()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - start
            sql = sum(float(q["time"]) for q in captured.captured_queries)
            times.append(elapsed)
            sql_shares.append(sql / elapsed if elapsed else 0)
            queries = len(captured.captured_queries)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"{title:36} {statistics.median(times) * 1000:7.0f}ms {p95 * 1000:7.0f}ms "
              f"{statistics.median(sql_shares) * 100:5.0f}% {queries:8d} {len(response.content) / 1024:7.0f}")


main()
