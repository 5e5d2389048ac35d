"""A worker killed in the middle of rendering a report: afterwards there is exactly one good report (issue 15,
"Must show"; docs/reports.md, "A killed worker").

A real Celery worker (solo pool: the render runs in the process that is killed) renders the November report;
`reports.tests.render_hold` holds the render between the PDF and the xlsx, the test SIGKILLs the worker there,
releases the hold and waits out the lease (4 s here, REPORT_LEASE_SECONDS), then starts a second worker:

- on Redis the killed worker's message is delivered again (late acks, reject on worker lost, visibility
  timeout 3 s) and the second worker takes the expired lease over;
- on the filesystem broker the message died with the worker (kombu deletes the file when a worker takes it),
  so the job stays "rendering" until the sweep (`reports.tasks.resume_stale_renders`, beat every 5 minutes)
  finds its expired lease and sends the render again — within the attempt cap.

Either way: one Report row, rendered, two attempts, a whole PDF holding the report's heading and the xlsx, and
no temporary file. The worker shares the test's database: PostgreSQL's test database itself, or a file copy of
SQLite's in-memory test database (read back with sqlite3)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from reports import services

LIMIT = 240  # seconds for the whole test (two worker start-ups and two WeasyPrint renders on a busy machine)
LEASE = 4

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def redis_broker_url() -> str:
    url = settings.CELERY_BROKER_URL
    return url if url.startswith("redis") else os.environ.get("KILL_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")


class SharedDatabase:
    """The test's database as the worker can reach it: its URL, and the report rows read back."""

    def __init__(self, tmp_path):
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.path = tmp_path / "tonghu.sqlite3"
            with closing(sqlite3.connect(self.path)) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{self.path}"
        else:
            self.path = None
            s = connection.settings_dict
            auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def reports(self) -> list[tuple]:
        sql = "SELECT job_status, attempts, pdf_path, xlsx_path, error FROM reports_report ORDER BY id"
        if self.path:
            with closing(sqlite3.connect(self.path)) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()


def wait_for(condition, deadline, what, logs=()):
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_a_report_render_killed_mid_way_ends_with_exactly_one_good_report(broker, dataset, lead, tmp_path,
                                                                          monkeypatch):
    deadline = time.monotonic() + LIMIT
    from celery import Celery

    if broker == "redis":
        url = redis_broker_url()
        try:
            import redis
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except Exception as exc:  # noqa: BLE001
            pytest.skip(f"needs Redis ({url} does not answer: {exc})")
        queue = f"killreport-{uuid.uuid4().hex[:8]}"
        options = {"visibility_timeout": 3}
    else:
        url, queue = "filesystem://", "celery"  # a broker folder of this test's own: nobody else's queue
        folders = {name: tmp_path / "broker" / name for name in ("out", "control", "processed")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        options = {"data_folder_in": str(folders["out"]), "data_folder_out": str(folders["out"]),
                   "control_folder": str(folders["control"]), "processed_folder": str(folders["processed"]),
                   "store_processed": False}

    report, queued = services.request_report(kind="monthly", period="2026-11", county=None, by=lead)
    assert queued
    database = SharedDatabase(tmp_path)
    hold_dir = tmp_path / "hold-dir"
    hold_dir.mkdir()
    (hold_dir / "hold").touch()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database.url,
           "CELERY_BROKER_URL": url, "CELERY_BROKER_DIR": str(tmp_path / "broker"), "CELERY_VISIBILITY_TIMEOUT": "3",
           "REPORT_LEASE_SECONDS": str(LEASE), "REPORT_HOLD_DIR": str(hold_dir),
           "PROTECTED_MEDIA_ROOT": str(settings.PROTECTED_MEDIA_ROOT)}
    logs = [tmp_path / "first.log", tmp_path / "second.log"]

    def start_worker(name):
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
             "-I", "reports.tests.render_hold", "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h", "--without-mingle",
             "--without-gossip", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=open(tmp_path / f"{name}.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True)

    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery prefers this variable to the broker it is given
    sender = Celery(broker=url)
    sender.conf.broker_transport_options = options
    first = start_worker("first")
    second = None
    try:
        sender.send_task("reports.tasks.render_report", args=[report.pk], queue=queue)
        started = hold_dir / "started"
        wait_for(started.exists, deadline, "the first worker to reach the middle of the render", logs)
        assert database.reports()[0][:2] == ("running", 1)
        os.killpg(first.pid, signal.SIGKILL)  # the PDF is rendered in memory, the xlsx not begun, nothing written
        first.wait(timeout=10)
        assert not services.reports_dir().exists() or not any(services.reports_dir().iterdir())
        (hold_dir / "hold").unlink()
        time.sleep(LEASE + 0.5)  # the dead worker's lease runs out
        second = start_worker("second")
        if broker == "filesystem":
            time.sleep(3)  # nothing comes back by itself: the message is gone
            assert database.reports()[0][:2] == ("running", 1)
            sender.send_task("reports.tasks.resume_stale_renders", queue=queue)  # what beat does every 5 min
        wait_for(lambda: database.reports()[0][0] in ("done", "failed"), deadline, "the render to finish", logs)
        time.sleep(1.5)  # a further delivery, if there were one, would show now
        if broker == "filesystem":
            sender.send_task("reports.tasks.resume_stale_renders", queue=queue)  # the sweep again: nothing to do
            time.sleep(1.5)
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        sender.close()

    rows = database.reports()
    assert len(rows) == 1, rows
    status, attempts, pdf_path, xlsx_path, error = rows[0]
    assert (status, attempts, error) == ("done", 2, ""), logs[1].read_text()[-3000:]
    assert len(started.read_text().splitlines()) == 2  # the killed render and the one that finished
    files = sorted(p.name for p in services.reports_dir().iterdir())
    assert files == ["monthly-2026-11-v1.pdf", "monthly-2026-11-v1.xlsx"]  # no temporary file left
    pdf = services.reports_dir().parent / pdf_path
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.read_bytes().rstrip().endswith(b"%%EOF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "月度工作总结" in text
    assert (services.reports_dir().parent / xlsx_path).read_bytes().startswith(b"PK")
