"""Discovery and mandatory reports: filing, logging each recipient, follow-through, deadline checks."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.concurrency import already_submitted, create_once
from accounts.dates import local_date, not_in_future
from accounts.models import User
from accounts.policy import Can, roles_with
from accounts.services import audit, notify, users_who_can
from children.models import Child, RiskEvent
from children.services import record_risk_event
from divisions.models import Division

from ..models import (
    Case,
    Incident,
    IncidentMeasure,
    IncidentNotice,
    IncidentPolicy,
    Need,
    Recipient,
    route,
)
from ..models.incident import FUTURE_TOLERANCE
from ..services import open_case


def _not_future(value: datetime.datetime, field: str) -> None:
    """A few minutes of clock drift between a phone and the server are tolerated (FUTURE_TOLERANCE)."""
    try:
        not_in_future(value - FUTURE_TOLERANCE, _("This time is in the future: enter the time it happened."))
    except ValidationError as exc:
        raise ValidationError({field: exc.error_list}) from None


def _supervisors():
    return users_who_can(Can.SUPERVISE)


def _area_civil_affairs(code: str):
    """Civil affairs users who receive reports for an area they are scoped to (the county bureau)."""
    return users_who_can(Can.RECEIVE_REPORTS, within_code=code).filter(role__in=roles_with(Can.SEE_AREA))


@transaction.atomic
def file_incident(*, by: User, situations: list[str], discovered_at: datetime.datetime, place: Division,
                  description: str, child: Child | None = None, child_description: str = "",
                  place_detail: str = "", immediate_danger: bool = False,
                  reporter_kind: str = Incident.ReporterKind.SELF, reporter_name: str = "",
                  reporter_phone: str = "", visit_id: int | None = None, token=None) -> Incident:
    """Store the report, lay out its recipients from the routing table, and tell the county bureau.

    `token` is the form's one-time token: the same form posted twice (a double click, a resent request,
    two tabs) returns the report the first post filed, with one checklist and one notification."""
    earlier = already_submitted(Incident, token)
    if earlier is not None:
        return earlier
    incident = Incident(
        situations=list(dict.fromkeys(situations)), discovered_at=discovered_at, place=place,
        description=description, child=child, child_description=child_description, place_detail=place_detail,
        immediate_danger=immediate_danger, reporter_kind=reporter_kind, reporter_name=reporter_name,
        reporter_phone=reporter_phone, visit_id=visit_id, reported_by=by, submission_token=token,
        risk_decision=Incident.RiskDecision.PROPOSED if child else Incident.RiskDecision.NO_CHILD,
    )
    incident.full_clean(exclude=["submission_token"])
    incident, created = create_once(Incident, token, lambda: _save_new(incident))
    if not created:
        return incident
    IncidentNotice.objects.bulk_create(
        IncidentNotice(incident=incident, recipient=recipient, need=need)
        for recipient, need in route(incident.situations).items()
    )
    audit(user=by, action="incident.file", target=incident)
    if child is not None:  # risk follows events: the child is reassessed at once (issue 13 item 2)
        record_risk_event(child=child, kind=RiskEvent.Kind.REPORT, occurred_on=local_date(discovered_at), by=by,
                          note="、".join(incident.situation_labels()), situations=incident.situations)
    county_bureau = _area_civil_affairs(incident.county_code)
    # The city bureau (receives reports across the project's city) and the project lead are told too.
    city_bureau = users_who_can(Can.RECEIVE_REPORTS).filter(role__in=roles_with(Can.SEE_PROJECT))
    notify(recipients=[*county_bureau, *city_bureau, *users_who_can(Can.LEAD_PROJECT), *_supervisors()],
           title=_("New discovery report: %(situations)s") % {"situations": "、".join(incident.situation_labels())},
           url=incident.get_absolute_url(), level="danger", key=f"incident:{incident.pk}:filed")
    return incident


def _save_new(incident: Incident) -> Incident:
    incident.save()
    return incident


@transaction.atomic
def log_notice(*, incident: Incident, recipient: str, by: User, notified_at: datetime.datetime, channel: str,
               receiver: str, receipt_number: str = "") -> IncidentNotice:
    """Record that a recipient was told. Each recipient is logged once: a second log is refused."""
    _not_future(notified_at, "notified_at")
    if notified_at < incident.discovered_at - FUTURE_TOLERANCE:
        raise ValidationError({"notified_at": _("This is before the situation was seen: check the date and time.")})
    if not channel or not receiver.strip():
        raise ValidationError(_("Give the channel and the receiving person."))
    label = Recipient(recipient).label
    updated = IncidentNotice.objects.filter(incident=incident, recipient=recipient, notified_at__isnull=True).update(
        notified_at=notified_at, channel=channel, receiver=receiver.strip(), receipt_number=receipt_number.strip(),
        logged_by=by, logged_at=timezone.now())
    if not updated:
        raise ValidationError(
            _("The report to %(recipient)s is already logged; it cannot be logged twice. "
              "Add any correction to the report's notes.") % {"recipient": label})
    incident.refresh_status()
    notice = incident.notices.get(recipient=recipient)
    audit(user=by, action="incident.notice", target=incident, recipient=recipient)
    return notice


@transaction.atomic
def record_police_feedback(*, incident: Incident, by: User, received_at: datetime.datetime,
                           feedback: str) -> IncidentNotice:
    notice = incident.notices.select_for_update().get(recipient=Recipient.POLICE)
    if not notice.notified_at:
        raise ValidationError(_("Log the report to the police first, then their feedback."))
    if notice.feedback_at:
        raise ValidationError(_("The police feedback is already recorded."))
    _not_future(received_at, "feedback_at")
    if received_at < notice.notified_at:
        raise ValidationError({"feedback_at": _("The feedback cannot come before the police were told.")})
    if not feedback.strip():
        raise ValidationError({"feedback": _("Write what the police said.")})
    notice.feedback_at, notice.feedback = received_at, feedback.strip()
    notice.save(update_fields=["feedback_at", "feedback"])
    incident.refresh_status()
    audit(user=by, action="incident.police_feedback", target=incident)
    return notice


@transaction.atomic
def add_measure(*, incident: Incident, by: User, kind: str, taken_at: datetime.datetime,
                note: str = "") -> IncidentMeasure:
    _not_future(taken_at, "taken_at")
    measure = IncidentMeasure(incident=incident, kind=kind, taken_at=taken_at, note=note.strip(), recorded_by=by)
    measure.full_clean()
    measure.save()
    audit(user=by, action="incident.measure", target=incident, kind=kind)
    return measure


def _open_or_link_case(*, incident: Incident, by: User) -> Case:
    """open_case returns the child's open case when there is one, so a second report joins it."""
    if incident.case_id:
        return incident.case
    situations = "、".join(incident.situation_labels())
    case = open_case(child=incident.child, by=by, source=Case.Source.INCIDENT, source_note=situations,
                     incident=incident)
    incident.case = case
    incident.save(update_fields=["case"])
    return case


@transaction.atomic
def confirm_high_risk(*, incident: Incident, by: User) -> Case:
    """A person confirms the proposed high risk; the child gets a case (an open one is linked)."""
    if not incident.child_id:
        raise ValidationError(_("The child is not in the registry yet: register the child, then link the report."))
    if not incident.can_change(by):
        raise PermissionDenied
    if incident.risk_decision != Incident.RiskDecision.CONFIRMED:
        incident.confirm_high_risk(by=by)
        audit(user=by, action="incident.confirm_high_risk", target=incident)
    return _open_or_link_case(incident=incident, by=by)


@transaction.atomic
def link_child(*, incident: Incident, child: Child, by: User) -> Incident:
    """A report about a child not yet registered, linked once the child is in the registry."""
    if incident.child_id:
        raise ValidationError(_("This report is already linked to a child."))
    incident.child = child
    incident.risk_decision = Incident.RiskDecision.PROPOSED
    incident.save(update_fields=["child", "risk_decision"])
    audit(user=by, action="incident.link_child", target=incident, child=child.pk)
    record_risk_event(child=child, kind=RiskEvent.Kind.REPORT, occurred_on=local_date(incident.discovered_at),
                      by=by, note="、".join(incident.situation_labels()), situations=incident.situations)
    return incident


# ---------------------------------------------------------------- deadlines (Celery beat)

def check_deadlines(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Alert on required recipients still untold after the policy time, and remind about missing police
    feedback. Each alert and reminder goes out once, however often this runs."""
    now = now or timezone.now()
    policy = IncidentPolicy.current()
    supervisors = list(_supervisors())
    late = 0
    for recipient in Recipient.values:
        overdue = (IncidentNotice.objects
                   .filter(recipient=recipient, need=Need.REQUIRED, notified_at__isnull=True, alerted_at__isnull=True,
                           incident__discovered_at__lt=now - policy.alert_after(recipient))
                   .select_related("incident__child", "incident__reported_by"))
        for notice in overdue:
            incident = notice.incident
            notify(recipients=[incident.reported_by, *supervisors],
                   title=_("Not yet reported to %(recipient)s: %(incident)s") % {
                       "recipient": notice.get_recipient_display(), "incident": incident},
                   body=_("Report it now and log it on the report's page."),
                   url=incident.get_absolute_url(), level="danger", key=f"incident:{incident.pk}:late:{recipient}")
            IncidentNotice.objects.filter(pk=notice.pk).update(alerted_at=now)
            late += 1
    reminders = 0
    missing_feedback = (IncidentNotice.objects
                        .filter(recipient=Recipient.POLICE, notified_at__lt=now - policy.police_feedback,
                                feedback_at__isnull=True, feedback_reminded_at__isnull=True)
                        .select_related("incident__child", "incident__reported_by"))
    for notice in missing_feedback:
        incident = notice.incident
        notify(recipients=[incident.reported_by, *supervisors],
               title=_("Police feedback is %(days)s days late: %(incident)s") % {
                   "days": policy.police_feedback_days, "incident": incident},
               body=_("Ask the police for their feedback (receipt %(receipt)s) and record it.") % {
                   "receipt": notice.receipt_number or "—"},
               url=incident.get_absolute_url(), level="warning", key=f"incident:{incident.pk}:police-feedback")
        IncidentNotice.objects.filter(pk=notice.pk).update(feedback_reminded_at=now)
        reminders += 1
    return {"late_alerts": late, "feedback_reminders": reminders}
