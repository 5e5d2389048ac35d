"""A worker killed in the middle of a task: the task is delivered again and its work is done exactly once
(issue 11, item 6; docs/development.md, "Celery").

A real worker (solo pool, so the task runs in the process that is killed) takes the probe task, which
waits on a hold file; the test SIGKILLs it, releases the hold, starts a second worker and waits for the
redelivery. Runs on Redis — CELERY_BROKER_URL when it names Redis, else KILL_TEST_BROKER_URL (default
redis://127.0.0.1:6379/13) — and is skipped when no Redis answers. Not on the filesystem broker: kombu's
filesystem transport deletes a message when a worker takes it, so a killed worker's task is lost there
(a limit of the embedded default, written in docs/development.md)."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings

LIMIT = 180  # seconds for the whole test: two workers start Django on a machine that may be busy


def broker_url() -> str:
    url = settings.CELERY_BROKER_URL
    return url if url.startswith("redis") else os.environ.get("KILL_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_url():
    url = broker_url()
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"needs a Redis broker for redelivery ({url} does not answer: {exc})")
    return url


def wait_for(condition, deadline, what):
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_task_of_a_killed_worker_is_redelivered_and_done_once(redis_url, tmp_path):
    deadline = time.monotonic() + LIMIT
    queue = f"killtest-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_BROKER_URL": redis_url,
           "CELERY_VISIBILITY_TIMEOUT": "3"}

    def start_worker(name):
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
             "-I", "config.tests.celery_probe", "-n", f"{name}-{queue}@%h", "--without-mingle",
             "--without-gossip", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=open(tmp_path / f"{name}.log", "w"), stderr=subprocess.STDOUT,
            start_new_session=True)

    from celery import Celery
    sender = Celery(broker=redis_url)
    sender.conf.broker_transport_options = {"visibility_timeout": 3}
    (tmp_path / "hold").touch()
    deliveries = tmp_path / "deliveries"
    first = start_worker("first")
    second = None
    try:
        sender.send_task("config.tests.celery_probe.probe", args=[str(tmp_path)], queue=queue)
        wait_for(deliveries.exists, deadline, "the first worker to take the task "
                 f"(log: {(tmp_path / 'first.log').read_text()[-2000:] if (tmp_path / 'first.log').exists() else ''})")
        os.killpg(first.pid, signal.SIGKILL)  # mid-task: the task is waiting on the hold file
        first.wait(timeout=10)
        (tmp_path / "hold").unlink()
        second = start_worker("second")
        wait_for(lambda: (tmp_path / "work").exists(), deadline,
                 f"the redelivered task to finish (log: {(tmp_path / 'second.log').read_text()[-2000:]})")
        time.sleep(1)  # a third delivery, if there were one, would show now
        assert len(deliveries.read_text().splitlines()) == 2
        assert len((tmp_path / "work").read_text().splitlines()) == 1
    finally:
        for worker in (first, second):
            if worker and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        sender.close()
