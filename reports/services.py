"""Everything that changes a Report: generate (one job however many clicks), render (the Celery task's body),
sign off, submit, receive or return, and a new version. Refusals are ValidationErrors in the active language."""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dates import add_months, local_today
from accounts.policy import REPORT_REVIEWER, Can
from accounts.services import (
    approve,
    audit,
    is_approved,
    latest_approval,
    notify,
    pending_approval,
    request_approval,
    return_for_revision,
    users_who_can,
)

from .figures import build
from .models import Report
from .periods import Kind, county_division, parse_period
from .render import render_pdf, render_xlsx


def reports_dir() -> Path:
    return Path(settings.PROTECTED_MEDIA_ROOT) / "reports"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def lease() -> datetime.timedelta:
    """How long a render holds its job row without a sign of life (settings.REPORT_LEASE_SECONDS)."""
    return datetime.timedelta(seconds=settings.REPORT_LEASE_SECONDS)


def _stale() -> Q:
    """Jobs that nobody is doing: running with an expired lease (a killed worker), or waiting / failed below the
    attempt cap past their deadline (a lost message: the filesystem broker cannot redeliver)."""
    now = timezone.now()
    return (Q(job_status__in=[Report.Job.RUNNING, Report.Job.QUEUED], lease_until__lt=now)
            | Q(job_status=Report.Job.FAILED, attempts__lt=Report.MAX_ATTEMPTS, lease_until__lt=now))


def resume_stale() -> list[int]:
    """The sweep (beat, every 5 minutes): each stale job goes back to waiting with a new deadline, attempts kept
    (the cap still counts the killed ones), and its task is sent again after the commit. Running it twice sends
    nothing twice: the first run moved the deadline."""
    from .tasks import render_report

    sent = []
    for pk in Report.objects.filter(_stale()).values_list("pk", flat=True):
        with transaction.atomic():
            if Report.objects.filter(_stale(), pk=pk).update(job_status=Report.Job.QUEUED, progress=0,
                                                             lease_until=timezone.now() + lease()):
                transaction.on_commit(lambda pk=pk: render_report.delay(pk))
                sent.append(pk)
    return sent


def _content_for(report: Report):
    period = parse_period(report.kind, report.period)
    area = county_division(report.county_id, report.kind)
    return build(report.kind, period, area=area)


def request_report(*, kind: str, period: str, county: str | None, by) -> tuple[Report, bool]:
    """The current version of this report, queued for rendering if it is a draft not rendering yet.

    Two clicks make one job: while a version is queued or rendering the same row comes back, created=False.
    Returns (report, queued) — queued is True when the caller must send the task.
    """
    parsed = parse_period(kind, period)
    area = county_division(county, kind)
    with transaction.atomic():
        current = (Report.objects.select_for_update().filter(kind=kind, period=parsed.code, county=area)
                   .order_by("-version").first())
        if current and current.rendering and not (current.lease_until and current.lease_until < timezone.now()):
            return current, False  # a live job (a dead one's lease has expired: the retry takes it over)
        if current and current.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
            raise ValidationError(_("This report has been signed off; it can no longer be re-rendered."))
        if current and current.status == Report.Status.RETURNED:
            current = _new_version(current, by)
        elif current:
            current.as_of, current.period_end = parsed.as_of, parsed.end
            current.job_status, current.progress, current.attempts, current.error = Report.Job.QUEUED, 0, 0, ""
            current.lease_until = timezone.now() + lease()  # the deadline for a worker to take it
            current.save()
        else:
            try:
                with transaction.atomic():
                    current = Report.objects.create(kind=kind, period=parsed.code, county=area, created_by=by,
                                                    period_start=parsed.start, period_end=parsed.end,
                                                    as_of=parsed.as_of, lease_until=timezone.now() + lease())
            except IntegrityError:  # a concurrent click created it first
                return Report.objects.filter(kind=kind, period=parsed.code, county=area).order_by(
                    "-version").first(), False
    return current, True


def _new_version(previous: Report, by) -> Report:
    return Report.objects.create(
        kind=previous.kind, period=previous.period, county=previous.county, version=previous.version + 1,
        period_start=previous.period_start, period_end=previous.period_end, as_of=min(previous.period_end, local_today()),
        narratives=dict(previous.narratives), created_by=by, lease_until=timezone.now() + lease())


def claim(report_id: int) -> Report | None:
    """Take the job's lease: queued, failed below the attempt cap, or running with an expired lease (a killed
    worker). None when someone else holds it, it is done, or it has failed too often."""
    now = timezone.now()
    claimable = (Q(job_status=Report.Job.QUEUED)
                 | Q(job_status=Report.Job.RUNNING, lease_until__lt=now)
                 | Q(job_status=Report.Job.FAILED, attempts__lt=Report.MAX_ATTEMPTS))
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(claimable, pk=report_id).first()
        if report is None:
            return None
        if report.attempts >= Report.MAX_ATTEMPTS:
            report.job_status, report.error = Report.Job.FAILED, _("Gave up after %(n)s attempts.") % {
                "n": report.attempts}
            report.save(update_fields=["job_status", "error"])
            return None
        report.job_status, report.lease_until = Report.Job.RUNNING, now + lease()
        report.attempts += 1
        report.progress = 5
        report.save(update_fields=["job_status", "lease_until", "attempts", "progress"])
    return report


def _progress(report: Report, value: int) -> None:
    Report.objects.filter(pk=report.pk).update(progress=value, lease_until=timezone.now() + lease())


def render(report_id: int) -> bool:
    """The task's body: claim, compute, render to temporary files, rename, mark done. True when it rendered."""
    report = claim(report_id)
    if report is None:
        return False
    try:
        content = _content_for(report)
        _progress(report, 30)
        pdf = render_pdf(content, narratives=report.narratives, version=report.version)
        _progress(report, 80)
        xlsx = render_xlsx(content)
        stem = f"{report.kind}-{report.period}{'-' + report.county_id if report.county_id else ''}-v{report.version}"
        write_atomically(reports_dir() / f"{stem}.pdf", pdf)
        write_atomically(reports_dir() / f"{stem}.xlsx", xlsx)
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(job_status=Report.Job.FAILED, error=str(exc)[:2000],
                                                   lease_until=timezone.now() + lease())
        raise
    Report.objects.filter(pk=report.pk).update(
        job_status=Report.Job.DONE, progress=100, lease_until=None, error="", rendered_at=timezone.now(),
        as_of=content.period.as_of,
        figures_hash=content.figures_hash, pdf_path=f"reports/{stem}.pdf", xlsx_path=f"reports/{stem}.xlsx")
    report.refresh_from_db()
    if report.created_by_id:
        notify(recipients=[report.created_by], title=_("Report ready: %(report)s") % {"report": report},
               url=report.get_absolute_url(), key=f"report:{report.pk}:ready:{report.attempts}")
    return True


def save_narratives(*, report: Report, narratives: dict, by) -> None:
    if report.status not in (Report.Status.DRAFT, Report.Status.RETURNED):
        raise ValidationError(_("Only a draft can be edited."))
    report.narratives = narratives
    report.save(update_fields=["narratives"])
    audit(user=by, action="report.narratives", target=report)


REVIEW = "report_review"


def request_review(*, report: Report, by, note: str = "", request=None) -> None:
    """The lead asks the supervisor to review the rendered draft first (the approval mechanism; the review is
    tied to the figures' hash, so a re-render with other figures needs a new review)."""
    if not by.can(Can.LEAD_PROJECT):
        raise PermissionDenied
    if report.status != Report.Status.DRAFT or not report.ready:
        raise ValidationError(_("Only a rendered draft can be reviewed."))
    request_approval(obj=report, kind=REVIEW, by=by, approver_role=REPORT_REVIEWER, note=note,
                     fingerprint=report.figures_hash,
                     title=_("Report to review: %(report)s") % {"report": report})
    audit(user=by, action="report.review_requested", target=report, request=request)


def review(*, report: Report, by, approved: bool, comment: str = "", request=None) -> None:
    approval = pending_approval(report, REVIEW)
    if approval is None:
        raise ValidationError(_("No review of this report is waiting."))
    if approved:
        approve(approval=approval, by=by, comment=comment)
    else:
        return_for_revision(approval=approval, by=by, comment=comment)
    audit(user=by, action="report.reviewed", target=report, request=request, approved=approved)


def review_state(report: Report):
    """The latest review request of this report, or None when none was asked."""
    return latest_approval(report, REVIEW)


def sign_off(*, report: Report, by, request=None) -> None:
    if not by.can(Can.LEAD_PROJECT):
        raise PermissionDenied
    if report.status != Report.Status.DRAFT:
        raise ValidationError(_("Only a draft can be signed off."))
    if not report.ready:
        raise ValidationError(_("The report has not been rendered yet."))
    if local_today() <= report.period_end:
        raise ValidationError(_("The period has not ended yet (it ends on %(day)s); a draft as at today cannot be "
                                "signed off.") % {"day": f"{report.period_end:%Y-%m-%d}"})
    if report.in_progress or _content_for(report).figures_hash != report.figures_hash:
        raise ValidationError(_("The figures have changed since the report was rendered. Render it again first."))
    if review_state(report) is not None and not is_approved(report, REVIEW, report.figures_hash):
        raise ValidationError(_("The supervisor's review of these figures is not approved yet."))
    report.status, report.signed_by, report.signed_at = Report.Status.SIGNED_OFF, by, timezone.now()
    report.save(update_fields=["status", "signed_by", "signed_at"])
    audit(user=by, action="report.sign_off", target=report, request=request, figures=report.figures_hash)


def submit(*, report: Report, by, request=None) -> None:
    if not by.can(Can.LEAD_PROJECT):
        raise PermissionDenied
    if report.status != Report.Status.SIGNED_OFF:
        raise ValidationError(_("Only a signed-off report can be submitted."))
    report.status, report.submitted_at = Report.Status.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    audit(user=by, action="report.submit", target=report, request=request)
    notify(recipients=users_who_can(Can.RECEIVE_REPORTS, within_code=report.county_id) if report.county_id
           else users_who_can(Can.RECEIVE_REPORTS),
           title=_("Report submitted: %(report)s") % {"report": report}, url=report.get_absolute_url(),
           key=f"report:{report.pk}:submitted")


def may_decide(report: Report, user) -> bool:
    """The city bureau receives every report; a county bureau only its own county's analysis report."""
    return user.can(Can.RECEIVE_REPORTS) and (user.can(Can.SEE_PROJECT) or report.county_id is not None)


def decide(*, report: Report, by, received: bool, comment: str = "", request=None) -> None:
    """The bureau receives the report, or returns it with comments (the lead then makes a new version)."""
    if not may_decide(report, by):
        raise PermissionDenied
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be received or returned."))
    if not received and not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change when returning a report.")})
    report.status = Report.Status.RECEIVED if received else Report.Status.RETURNED
    report.decided_by, report.decided_at, report.comment = by, timezone.now(), comment
    report.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit(user=by, action="report.received" if received else "report.returned", target=report, request=request)
    if not received and report.created_by_id:
        notify(recipients=[report.created_by, *users_who_can(Can.LEAD_PROJECT)],
               title=_("Report returned: %(report)s") % {"report": report}, body=comment,
               url=report.get_absolute_url(), level="warning", key=f"report:{report.pk}:returned")


def periods_ended_yesterday(today: datetime.date) -> list[tuple[str, str]]:
    """(kind, period) of every report whose period ended yesterday (Shanghai): the calendar month on the 1st and
    the quarter on the 1st of Jan/Apr/Jul/Oct — or, in a contract year set to contract months, the day after a
    contract month or quarter ends — and a contract half-year or year on the day after its last day."""
    from .periods import contract_months, contract_year_rows

    yesterday = today - datetime.timedelta(days=1)
    rows = contract_year_rows()
    holding = next((row for row in reversed(rows) if row[0] <= yesterday), rows[0] if rows else None)
    due = []
    if today.day == 1 and not (holding and holding[2]):
        due.append(("monthly", f"{yesterday:%Y-%m}"))
        if today.month in (1, 4, 7, 10):
            due.append(("quarterly", f"{yesterday.year}-Q{(yesterday.month - 1) // 3 + 1}"))
    for signed, last, by_contract_month in rows:
        if by_contract_month and signed <= yesterday <= last:
            for month in [n for n in range(1, 13) if contract_months(signed, n, n)[1] == yesterday]:
                due.append(("monthly", f"C{signed.year}-M{month:02d}"))
                if month % 3 == 0:
                    due.append(("quarterly", f"C{signed.year}-Q{month // 3}"))
        if yesterday == last:
            due.append(("semiannual", f"C{signed.year}-H2"))
            due.append(("annual", f"C{signed.year}"))
        elif yesterday == add_months(signed, 6) - datetime.timedelta(days=1):
            due.append(("semiannual", f"C{signed.year}-H1"))
    return due


def period_drafts(today: datetime.date | None = None) -> list[Report]:
    """The beat job (daily): a draft of each city report whose period ended yesterday, and of the city's and
    each county's analysis report when a quarter ended (the quarterly report's period, for every county holding
    children of the registry on its last day), queued for rendering."""
    from children.stats import counties_with_children

    today = today or local_today()
    due = [(kind, period, None) for kind, period in periods_ended_yesterday(today)]
    quarters = [period for kind, period, _county in due if kind == Kind.QUARTERLY]
    if quarters:
        counties = counties_with_children(today - datetime.timedelta(days=1))
        due += [(Kind.ANALYSIS, period, county) for period in quarters for county in [None, *counties]]
    queued = []
    for kind, period, county in due:
        try:
            report, sent = request_report(kind=kind, period=period, county=county, by=None)
        except ValidationError:
            continue
        if sent:
            queued.append(report)
    return queued
