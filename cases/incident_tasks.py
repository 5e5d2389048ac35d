from celery import shared_task

from . import incident_services


@shared_task
def check_incident_deadlines() -> dict[str, int]:
    """Beat runs this every few minutes; each alert and reminder still goes out once."""
    return incident_services.check_deadlines()
