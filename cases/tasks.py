from celery import shared_task


@shared_task
def send_case_reminders() -> int:
    """Daily: follow-ups (回访) due soon or overdue, and overdue service plans; keyed, so each is sent once."""
    from .services import send_reminders

    return send_reminders()


# The name it had in cases/incident_tasks.py: the beat schedule and any message already queued use it.
@shared_task(name="cases.incident_tasks.check_incident_deadlines")
def check_incident_deadlines() -> dict[str, int]:
    """Beat runs this every few minutes; each alert and reminder still goes out once."""
    from .incidents.services import check_deadlines

    return check_deadlines()
