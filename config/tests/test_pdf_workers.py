"""PDF workers collect garbage after rendering and are recycled (issue 17, item 2; docs/deployment.md,
"PDFs and memory").

- A PDF served over HTTP leaves none of WeasyPrint's objects behind, even with the automatic collector
  off: `accounts.pdf.html_to_pdf` collects them (a render makes thousands, in reference cycles).
- Every PDF of the project is rendered by that one function.
- A real Celery worker replaces its pool process after `CELERY_WORKER_MAX_TASKS_PER_CHILD` tasks, set
  from the environment the way the deployment sets it; and gunicorn recycles its workers (jittered)."""

import gc
import importlib.util
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from children.tests.factories import ChildCategoryFactory, ChildFactory
from config.tests.test_killed_worker import broker_url, wait_for

LIBRARIES = ("weasyprint", "pydyf")


def weasyprint_objects() -> int:
    return sum(1 for o in gc.get_objects() if str(getattr(type(o), "__module__", "")).split(".")[0] in LIBRARIES)


@pytest.mark.django_db
def test_a_pdf_leaves_no_weasyprint_objects_behind(worker, client_for):
    child = ChildFactory(social_worker=worker, name="林小雨")
    ChildCategoryFactory(child=child)
    client = client_for(worker)
    url = reverse("children:pdf", args=[child.pk])
    assert client.get(url).status_code == 200  # the first render fills WeasyPrint's caches (fonts, stylesheets)
    gc.collect()
    before = weasyprint_objects()
    was_enabled = gc.isenabled()
    gc.disable()  # only the render's own collection may free its cycles
    try:
        response = client.get(url)
        after = weasyprint_objects()
    finally:
        if was_enabled:
            gc.enable()
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert after - before < 100, f"{after - before} WeasyPrint objects left after one PDF"


def test_every_pdf_is_rendered_by_the_one_function_that_collects_garbage():
    base = Path(settings.BASE_DIR)
    renders = [str(path.relative_to(base)) for path in base.rglob("*.py")
               if ".venv" not in path.parts and "tests" not in path.parts and "write_pdf(" in path.read_text()]
    assert renders == ["accounts/pdf.py"]


def test_gunicorn_recycles_its_workers_with_jitter():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests


def test_the_celery_settings_recycle_pool_processes():
    from config.celery import app

    assert app.conf.worker_max_tasks_per_child == settings.CELERY_WORKER_MAX_TASKS_PER_CHILD > 0
    assert app.conf.worker_max_memory_per_child == settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0
    unit = (Path(settings.BASE_DIR) / "deploy" / "systemd" / "tonghu-worker.service").read_text()
    assert "--max-tasks-per-child" not in unit and "--max-memory-per-child" not in unit  # no second value to drift


def test_a_real_worker_replaces_its_process_after_the_configured_number_of_tasks(tmp_path):
    url = broker_url()
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"needs a Redis broker ({url} does not answer: {exc})")
    deadline = time.monotonic() + 120  # a worker starts slowly on a loaded machine
    queue = f"recycletest-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_BROKER_URL": url,
           "CELERY_MAX_TASKS_PER_CHILD": "1"}
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1", "-Q", queue,
         "-I", "config.tests.celery_probe", "-n", f"{queue}@%h", "--without-mingle", "--without-gossip",
         "--without-heartbeat", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    from celery import Celery

    sender = Celery(broker=url)
    deliveries = tmp_path / "deliveries"
    try:
        for _ in range(2):
            sender.send_task("config.tests.celery_probe.probe", args=[str(tmp_path)], queue=queue)
        wait_for(lambda: deliveries.exists() and len(deliveries.read_text().splitlines()) == 2, deadline,
                 f"both tasks to run (log: {log.read_text()[-2000:] if log.exists() else ''})")
        pids = [line.split("pid=")[1] for line in deliveries.read_text().splitlines()]
        assert pids[0] != pids[1], "the second task ran in the same pool process: it was not recycled"
        assert str(worker.pid) not in pids  # prefork: tasks run in pool processes, the main process stays
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        sender.close()
