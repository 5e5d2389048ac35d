from celery import shared_task


@shared_task
def remind_contract_targets() -> int:
    """Daily: tell the project lead when a contract month is about to end without its activity."""
    from .services import remind_missing_targets

    return len(remind_missing_targets())
