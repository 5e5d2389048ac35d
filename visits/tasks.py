from celery import shared_task

from . import followups, services


@shared_task
def daily_visit_run() -> str:
    """Nightly: recompute due visits, keep what is due this month (due versus done), then escalate what is
    overdue (idempotent: notifications are keyed)."""
    refreshed = services.refresh_all_due_visits()
    services.snapshot_due_months()
    notified = services.escalate_overdue()
    reminded = followups.remind_feedback()
    return f"{refreshed} children scheduled, {notified} notifications, {reminded} follow-up feedback reminders"
