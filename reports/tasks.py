"""Celery tasks of the reports: render one report (idempotent, survives a killed worker) and the monthly draft."""

from celery import shared_task


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=2, default_retry_delay=30)
def render_report(self, report_id: int) -> bool:
    """Render a Report's PDF and xlsx. acks_late + reject_on_worker_lost: a killed worker's message goes back to
    the queue; the job row's lease (services.claim) lets the next delivery take over once it has expired, and
    makes a second delivery of a job already done a no-op. Files are written to a temporary name and renamed."""
    from .services import render

    try:
        return render(report_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def period_report_drafts() -> list[int]:
    """Beat, daily: a draft of each report whose period ended yesterday (the month on the 1st, the quarter,
    the contract half-year and year), rendered for the lead to complete."""
    from .services import period_drafts

    reports = period_drafts()
    for report in reports:
        render_report.delay(report.pk)
    return [report.pk for report in reports]


@shared_task
def resume_stale_renders() -> list[int]:
    """Beat, every 5 minutes: send again the render of each job whose worker died (expired lease) or whose
    message was lost, within the attempt cap (services.resume_stale)."""
    from .services import resume_stale

    return resume_stale()


@shared_task
def refresh_dashboards() -> list[str]:
    """Beat, every 5 minutes: compute and store the dashboard's figures of the city and of the county of each
    active county bureau (reports.dashboard.refresh; idempotent, one row per scope)."""
    from accounts.models import User
    from accounts.policy import county_overview_roles

    from .dashboard import area_of, refresh

    areas = {None} | {area_of(user) for user in User.objects.filter(is_active=True, role__in=county_overview_roles())}
    return [refresh(area).scope for area in sorted(areas, key=lambda a: a or "")]
