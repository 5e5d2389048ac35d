from celery import shared_task


@shared_task
def send_case_reminders() -> int:
    """Daily: follow-ups (回访) due soon or overdue, and overdue service plans; keyed, so each is sent once."""
    from .services import send_reminders

    return send_reminders()
