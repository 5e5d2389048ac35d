"""Periodic tasks of the kernel (Celery autodiscovers this module)."""

from celery import shared_task

from . import services


@shared_task
def audit_checkpoint() -> int:
    """Sign the audit chain's head into a checkpoint row and the log output (hourly, beat)."""
    return services.write_audit_checkpoint().pk
