"""Run by test_sqlite_concurrency.py in a subprocess: N threads record a visit each, through HTTP, against
the SQLite file named by DATABASE_URL. Prints JSON: how many visits were made, and every error."""

import json
import os
import sys
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from children.models import Child  # noqa: E402
from visits.models import Visit  # noqa: E402


def main(threads: int) -> dict:
    setup_test_environment()  # testserver allowed, mail kept in memory
    worker = User.objects.get(username=sys.argv[2])
    child = Child.objects.get(pk=int(sys.argv[3]))
    url = reverse("visits:visit_create", args=[child.pk])
    errors: list[str] = []
    start = threading.Barrier(threads)

    def save(number):
        try:
            client = Client(raise_request_exception=True)
            client.force_login(worker)  # a session row written too, as at a real login
            start.wait()
            response = client.post(url, {
                "type": "home", "visited_on": timezone.localdate().isoformat(), "duration_minutes": "30",
                "child_seen": "True", "parents_contact": "weekly", "findings": f"第{number}次保存"})
            if response.status_code != 302:
                errors.append(f"thread {number}: HTTP {response.status_code}")
        except Exception as exc:  # noqa: BLE001 — every failure is the finding
            errors.append(f"thread {number}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    pool = [threading.Thread(target=save, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"visits": Visit.objects.filter(child=child).count(), "errors": errors,
            "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1])), ensure_ascii=False))
