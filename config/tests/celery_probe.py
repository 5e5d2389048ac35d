"""A task for test_killed_worker.py that the test can watch and hold: it records each delivery, waits while
a hold file exists (so the worker can be killed in the middle), then does its work once however often it
is delivered, the way every task of the project must (docs/development.md, "Celery")."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(bind=True)  # late acks come from the project settings, which this test is about
def probe(self, folder: str) -> None:
    folder = Path(folder)
    with open(folder / "deliveries", "a") as log:
        log.write(f"{self.request.id} pid={os.getpid()}\n")
    while (folder / "hold").exists():
        time.sleep(0.1)
    try:  # the work, claimed once: a rerun after a completed run does nothing
        os.close(os.open(folder / "claimed", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return
    with open(folder / "work", "a") as log:
        log.write(f"done by pid={os.getpid()}\n")
