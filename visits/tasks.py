from celery import shared_task

from . import followups, photos, services


@shared_task
def daily_visit_run() -> str:
    """Nightly: recompute due visits, keep what is due this month (due versus done), then escalate what is
    overdue (idempotent: notifications are keyed)."""
    refreshed = services.refresh_all_due_visits()
    services.snapshot_due_months()
    notified = services.escalate_overdue()
    reminded = followups.remind_feedback()
    return f"{refreshed} children scheduled, {notified} notifications, {reminded} follow-up feedback reminders"


@shared_task
def purge_abandoned_photos() -> str:
    """Nightly: photos kept for a visit form that was never saved, older than VISIT_PENDING_PHOTO_DAYS, removed
    with their files (docs/privacy.md, minimum retention); never a photo of a saved visit. Idempotent."""
    removed, missing = photos.purge_abandoned()
    return f"{removed} abandoned visit photos removed ({missing} files already missing)"
