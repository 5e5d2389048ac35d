"""Case and discovery-report figures for a report period (docs/reports.md): database aggregates only, a fixed
number of queries whatever the number of cases, returned as plain dataclasses that `reports/` composes.

`start` and `end` are Asia/Shanghai dates, both included; `area` a division code or None (the city).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum, TextField
from django.db.models.functions import Cast

from accounts.dates import day_start
from children.stats import Row, in_area

from .models import (
    Case,
    Closure,
    DirectService,
    FollowUp,
    GoalEvaluation,
    Incident,
    IncidentNotice,
    Recipient,
    Referral,
    ServiceRecord,
    Situation,
    SupervisionNote,
)


@dataclass
class CaseFigures:
    opened: int = 0
    closed: int = 0
    active: int = 0  # open on `end`
    opened_by_source: list[Row] = field(default_factory=list)
    active_by_stage: list[Row] = field(default_factory=list)  # the case's stage today
    closures_by_reason: list[Row] = field(default_factory=list)
    services: int = 0
    service_hours: float = 0
    services_by_type: list[Row] = field(default_factory=list)  # n, hours; case services and those without a case
    services_without_case: int = 0  # family guidance and mediation recorded on the child (DirectService)
    referrals: int = 0
    referrals_by_type: list[Row] = field(default_factory=list)
    referrals_by_status: list[Row] = field(default_factory=list)
    goal_results: list[Row] = field(default_factory=list)
    follow_ups_done: int = 0  # 回访
    follow_ups_overdue: int = 0  # due by `end`, neither done nor cancelled
    follow_ups_reopen: int = 0
    supervision_notes: int = 0


@dataclass
class IncidentFigures:
    total: int = 0
    by_situation: list[Row] = field(default_factory=list)
    immediate_danger: int = 0
    reported_within_hour: int = 0  # filed within an hour of being seen
    reported_within_day: int = 0
    handled: int = 0
    handled_within_day: int = 0  # every required recipient told within 24 hours of filing
    police_told: int = 0
    police_feedback_in_time: int = 0  # within `police_feedback_days` (3) of telling the police
    police_feedback_missing: int = 0


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> CaseFigures:
    cases = in_area(Case.objects.all(), area, "child__residence")
    f = CaseFigures()
    # 1. opened, closed, active on `end`
    totals = cases.aggregate(
        opened=Count("id", filter=Q(opened_on__gte=start, opened_on__lte=end)),
        closed=Count("id", filter=Q(closed_on__gte=start, closed_on__lte=end)),
        active=Count("id", filter=Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))))
    f.opened, f.closed, f.active = totals["opened"], totals["closed"], totals["active"]
    # 2. opened by source
    sources = dict(Case.Source.choices)
    f.opened_by_source = [Row(str(sources.get(s, s)), n, s) for s, n in cases.filter(
        opened_on__gte=start, opened_on__lte=end).values_list("source").annotate(n=Count("id")).order_by("source")]
    # 3. active by stage
    per_stage = dict(cases.filter(Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end)))
                     .values_list("stage").annotate(n=Count("id")).order_by())
    f.active_by_stage = [Row(str(label), per_stage.get(stage, 0), stage) for stage, label in Case.Stage.choices
                         if stage not in Case.CLOSED_STAGES or per_stage.get(stage)]
    window = {"created_at__gte": day_start(start), "created_at__lt": day_start(end + datetime.timedelta(days=1))}
    # 4. closures by reason
    reasons = dict(Closure.Reason.choices)
    f.closures_by_reason = [Row(str(reasons.get(r, r)), n, r) for r, n in Closure.objects.filter(
        case__in=cases, **window).values_list("reason").annotate(n=Count("id")).order_by("reason")]
    # 5. services by type, with hours
    # Family guidance and mediation recorded without a case count in the same figures (issue 13 item 6).
    per_type: dict[str, list[int]] = {}
    services = ServiceRecord.objects.filter(case__in=cases, served_on__gte=start, served_on__lte=end)
    direct = in_area(DirectService.objects.all(), area, "child__residence").filter(
        served_on__gte=start, served_on__lte=end)
    for queryset in (services, direct):
        for name, n, minutes in queryset.values_list("service_type__name").annotate(
                n=Count("id"), minutes=Sum("duration_minutes")).order_by("service_type__name"):
            counts = per_type.setdefault(name, [0, 0])
            counts[0] += n
            counts[1] += minutes or 0
            if queryset is direct:
                f.services_without_case += n
    f.services_by_type = [Row(name, n, hours=round(minutes / 60, 1)) for name, (n, minutes) in sorted(per_type.items())]
    f.services = sum(r.n for r in f.services_by_type)
    f.service_hours = round(sum(r.hours for r in f.services_by_type), 1)
    # 6–7. referrals sent in the period, by resource type and by status today
    referrals = Referral.objects.filter(case__in=cases, sent_on__gte=start, sent_on__lte=end)
    f.referrals_by_type = [Row(name, n) for name, n in referrals.values_list("resource__type__name").annotate(
        n=Count("id")).order_by("resource__type__name")]
    f.referrals = sum(r.n for r in f.referrals_by_type)
    per_status = dict(referrals.values_list("status").annotate(n=Count("id")).order_by())
    f.referrals_by_status = [Row(str(label), per_status.get(s, 0), s) for s, label in Referral.Status.choices]
    # 8. goal results of evaluations in the period
    results = dict(GoalEvaluation.objects.filter(
        evaluation__case__in=cases, evaluation__evaluated_on__gte=start, evaluation__evaluated_on__lte=end)
        .values_list("result").annotate(n=Count("id")).order_by())
    f.goal_results = [Row(str(label), results.get(r, 0), r) for r, label in GoalEvaluation.Result.choices]
    # 9. 回访
    fu = FollowUp.objects.filter(case__in=cases).aggregate(
        done=Count("id", filter=Q(done_on__gte=start, done_on__lte=end)),
        reopen=Count("id", filter=Q(done_on__gte=start, done_on__lte=end, needs_reopening=True)),
        overdue=Count("id", filter=Q(due_on__lt=end, done_on__isnull=True, cancelled=False)))
    f.follow_ups_done, f.follow_ups_reopen, f.follow_ups_overdue = fu["done"], fu["reopen"], fu["overdue"]
    # 10. supervision notes (notes about a worker, not a case, count for the city only)
    notes = SupervisionNote.objects.filter(supervised_on__gte=start, supervised_on__lte=end)
    f.supervision_notes = (notes.filter(case__in=cases) if area else notes).count()
    return f


def _filed(start: datetime.date, end: datetime.date):
    return Incident.objects.filter(
        reported_at__gte=day_start(start), reported_at__lt=day_start(end + datetime.timedelta(days=1)))


def incident_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> IncidentFigures:
    """Discovery reports filed in the period (by the place where the child was seen)."""
    from .models.incident import IncidentPolicy

    incidents = in_area(_filed(start, end), area, "place")
    f = IncidentFigures()
    # 1. one aggregate: totals, delays, and each situation (a report may name several; JSON read as text)
    situations = {f"s_{s.value}": Count("id", filter=Q(situations_text__contains=f'"{s.value}"')) for s in Situation}
    totals = incidents.annotate(situations_text=Cast("situations", TextField())).aggregate(
        n=Count("id"), danger=Count("id", filter=Q(immediate_danger=True)),
        hour=Count("id", filter=Q(reported_at__lte=F("discovered_at") + datetime.timedelta(hours=1))),
        day=Count("id", filter=Q(reported_at__lte=F("discovered_at") + datetime.timedelta(days=1))),
        handled=Count("id", filter=Q(status=Incident.Status.HANDLED)),
        handled_day=Count("id", filter=Q(status=Incident.Status.HANDLED,
                                         handled_at__lte=F("reported_at") + datetime.timedelta(days=1))),
        **situations)
    f.total, f.immediate_danger = totals["n"], totals["danger"]
    f.reported_within_hour, f.reported_within_day = totals["hour"], totals["day"]
    f.handled, f.handled_within_day = totals["handled"], totals["handled_day"]
    f.by_situation = [Row(str(s.label), totals[f"s_{s.value}"], s.value) for s in Situation]
    # 2. police feedback within the policy's days (one more query for the policy row)
    days = IncidentPolicy.current().police_feedback_days
    police = IncidentNotice.objects.filter(incident__in=incidents, recipient=Recipient.POLICE,
                                           notified_at__isnull=False).aggregate(
        told=Count("id"),
        in_time=Count("id", filter=Q(feedback_at__lte=F("notified_at") + datetime.timedelta(days=days))),
        missing=Count("id", filter=Q(feedback_at__isnull=True)))
    f.police_told, f.police_feedback_in_time, f.police_feedback_missing = (
        police["told"], police["in_time"], police["missing"])
    return f


def incidents_of_area(start: datetime.date, end: datetime.date, *, area: str | None = None) -> int:
    """Discovery reports filed in the period that the area's bureau sees (`Incident.objects.of_area`: about a
    child living there, or with no child linked, seen there): a county bureau's dashboard count, equal to its
    list. Not `incident_figures`' count by the place seen, which takes in children of other counties; for the
    city (None) both are every report. One query."""
    incidents = _filed(start, end)
    return (incidents.of_area(area) if area else incidents).count()
