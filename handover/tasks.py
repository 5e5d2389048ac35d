"""Celery tasks of the hand-over: the browser's export, and the daily reminder before the contract ends."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def run_export(self, export_id: int) -> bool:
    from .services import run_export as run

    return run(export_id)


@shared_task
def contract_end_reminder() -> int:
    """Beat, daily: 60 days before the last contract year ends, tell the project lead once to prepare the
    hand-over (notify with a key: rerunning sends nothing twice)."""
    from .services import remind_contract_end

    return remind_contract_end()
