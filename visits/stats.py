"""Visit figures for a report period (docs/reports.md): database aggregates only, a fixed number of queries
whatever the number of visits, returned as plain dataclasses that `reports/` composes.

`start` and `end` are Asia/Shanghai dates, both included; `area` a division code or None (the city).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Substr

from children.models import Child, Household, RiskLevel
from children.stats import Row, in_area, level_on, registered_on
from divisions.models import Division

from .models import DueVisit, DueVisitMonth, FamilyCall, FollowUpContact, ParentsContact, Visit

CONTRACT_LEVELS = [RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH]  # visited at home every month (docs/visits.md)


@dataclass
class VisitFigures:
    total: int = 0  # visit records: one per child (a family visit to two siblings is two)
    family_visits: int = 0  # 家庭探访: a visit recorded for a household once (docs/households.md)
    children_visited: int = 0
    families_visited: int = 0  # confirmed households once, children in none one each
    hours: float = 0
    child_not_seen: int = 0
    with_hazards: int = 0
    by_type: list[Row] = field(default_factory=list)
    by_county: list[Row] = field(default_factory=list)
    by_risk: list[Row] = field(default_factory=list)  # the level recorded at the visit
    by_parents_contact: list[Row] = field(default_factory=list)
    # the contract's monthly rule for the last month of the period (the month holding `end`)
    month_start: datetime.date | None = None
    high_risk_children: int = 0  # high and medium-high in the registry on `end`
    high_risk_visited: int = 0  # …of whom visited at home in that month
    high_risk_families: int = 0  # the same children as families (a confirmed household once)
    high_risk_families_visited: int = 0
    overdue_due_visits: int = 0  # due visits still open with a date before `end`
    # due versus done: the months of the period as the nightly run kept them (DueVisitMonth)
    due_in_period: int = 0  # child × kind × month due in a month that begins within the period
    due_done_in_period: int = 0  # …of which done in its month, by `end`
    due_home_in_period: int = 0  # home visits only
    due_home_done_in_period: int = 0
    follow_up_contacts: int = 0  # 随访
    follow_up_children: int = 0
    follow_up_fed_back: int = 0
    follow_up_by_method: list[Row] = field(default_factory=list)
    family_calls: int = 0  # 亲情连线
    family_call_children: int = 0
    family_call_by_mode: list[Row] = field(default_factory=list)

    @property
    def high_risk_missed(self) -> int:
        return self.high_risk_children - self.high_risk_visited

    @property
    def high_risk_families_missed(self) -> int:
        return self.high_risk_families - self.high_risk_families_visited


CONFIRMED = Q(household__status=Household.Status.CONFIRMED)
ALONE = ~CONFIRMED | Q(household__isnull=True)
VISIT_CONFIRMED = Q(child__household__status=Household.Status.CONFIRMED)
VISIT_ALONE = ~VISIT_CONFIRMED | Q(child__household__isnull=True)


def _high_risk_missed_q(month_start: datetime.date, end: datetime.date) -> Q:
    visited = Visit.objects.filter(child=OuterRef("pk"), type=Visit.Type.HOME, visited_on__gte=month_start,
                                   visited_on__lte=end)
    return ~Q(Exists(visited))


def contract_children(end: datetime.date, area: str | None = None):
    """The children the contract's monthly rule covers on `end`: in the registry, high or medium-high as at that
    day (`children.stats.level_on`: the current level when `end` is today)."""
    return in_area(Child.objects.filter(registered_on(end)), area).alias(level_then=level_on(end)).filter(
        level_then__in=CONTRACT_LEVELS)


def missed_high_risk(end: datetime.date, *, area: str | None = None):
    """High and medium-high children in the registry on `end` not visited at home in that calendar month
    (for the xlsx): one query, a values() queryset ordered by residence and name."""
    month_start = end.replace(day=1)
    return contract_children(end, area).filter(_high_risk_missed_q(month_start, end)).annotate(
        level=F("level_then")).order_by("residence_id", "name").values_list(
        "name", "residence__name", "level", "social_worker__username")


def missed_high_risk_by_county(end: datetime.date, *, area: str | None = None) -> list[Row]:
    """Per county, the high and medium-high children in the registry on `end` not yet visited at home in that
    calendar month (the dashboard; the children are `missed_high_risk`): one grouped query, counties in code
    order, only those with a child to visit (`Row.n` missed, keyed by the 6-digit code)."""
    month_start = end.replace(day=1)
    names = dict(Division.objects.counties().values_list("code", "name"))
    missed = Count("id", filter=_high_risk_missed_q(month_start, end))
    rows = (contract_children(end, area).annotate(county=Substr("residence_id", 1, 6)).values_list("county").annotate(n=missed)
            .order_by("county"))
    return [Row(names.get(code, code), n, code) for code, n in rows]


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> VisitFigures:
    visits = in_area(Visit.objects.filter(visited_on__gte=start, visited_on__lte=end), area, "child__residence")
    f = VisitFigures()
    # 1. totals
    totals = visits.aggregate(n=Count("id"), children=Count("child_id", distinct=True),
                              minutes=Sum("duration_minutes"), not_seen=Count("id", filter=Q(child_seen=False)),
                              hazards=Count("id", filter=~Q(hazards=[])),
                              keyed=Count("household_visit", distinct=True),
                              single=Count("id", filter=Q(household_visit__isnull=True)),
                              households=Count("child__household", distinct=True, filter=VISIT_CONFIRMED),
                              alone=Count("child_id", distinct=True, filter=VISIT_ALONE))
    f.total, f.children_visited = totals["n"], totals["children"]
    f.family_visits = totals["keyed"] + totals["single"]
    f.families_visited = totals["households"] + totals["alone"]
    f.hours = round((totals["minutes"] or 0) / 60, 1)
    f.child_not_seen, f.with_hazards = totals["not_seen"], totals["hazards"]
    # 2–5. by type, county, risk at the visit, parents' contact
    types = dict(Visit.Type.choices)
    f.by_type = [Row(str(types.get(t, t)), n, t) for t, n in
                 visits.values_list("type").annotate(n=Count("id")).order_by("type")]
    names = dict(Division.objects.counties().values_list("code", "name"))
    f.by_county = [Row(names.get(c, c), n, c) for c, n in visits.annotate(county=Substr("child__residence_id", 1, 6))
                   .values_list("county").annotate(n=Count("id")).order_by("county")]
    per_level = dict(visits.values_list("risk_level").annotate(n=Count("id")).order_by())
    f.by_risk = [Row(str(label), per_level.get(level, 0), level) for level, label in RiskLevel.choices]
    contacts = dict(ParentsContact.choices)
    f.by_parents_contact = [Row(str(contacts.get(c, c)) if c else "—", n, c) for c, n in visits.values_list(
        "parents_contact").annotate(n=Count("id")).order_by("parents_contact")]
    # 6. the monthly home visits to high and medium-high families, for the month holding `end`
    f.month_start = max(start, end.replace(day=1))
    registry = in_area(Child.objects.filter(registered_on(end)), area)
    visited = Visit.objects.filter(child=OuterRef("pk"), type=Visit.Type.HOME, visited_on__gte=f.month_start,
                                   visited_on__lte=end)
    seen = Q(Exists(visited))
    rule = contract_children(end, area).aggregate(
        n=Count("id"), visited=Count("id", filter=seen),
        households=Count("household", distinct=True, filter=CONFIRMED),
        alone=Count("id", filter=ALONE),
        households_visited=Count("household", distinct=True, filter=CONFIRMED & seen),
        alone_visited=Count("id", filter=ALONE & seen))
    f.high_risk_children, f.high_risk_visited = rule["n"], rule["visited"]
    f.high_risk_families = rule["households"] + rule["alone"]
    f.high_risk_families_visited = rule["households_visited"] + rule["alone_visited"]
    # 7. due visits still open and late on `end` (the due dates of the past are not kept)
    f.overdue_due_visits = in_area(DueVisit.objects.filter(due_on__lt=end, child__in=registry), area,
                                   "child__residence").count()
    # 7b. due versus done, from the monthly history of due visits
    months = in_area(DueVisitMonth.objects.filter(month__gte=start.replace(day=1), month__lte=end), area,
                     "child__residence")
    done, home = Q(done_on__isnull=False, done_on__lte=end), Q(kind=DueVisit.Kind.HOME)
    dv = months.aggregate(n=Count("id"), done=Count("id", filter=done), home=Count("id", filter=home),
                          home_done=Count("id", filter=home & done))
    f.due_in_period, f.due_done_in_period = dv["n"], dv["done"]
    f.due_home_in_period, f.due_home_done_in_period = dv["home"], dv["home_done"]
    # 8–9. 随访 contacts with village and town, by method
    follow_ups = in_area(FollowUpContact.objects.filter(contacted_on__gte=start, contacted_on__lte=end), area,
                         "division")
    fu = follow_ups.aggregate(n=Count("id", distinct=True), fed_back=Count("id", filter=Q(fed_back=True), distinct=True),
                              children=Count("children", distinct=True))
    f.follow_up_contacts, f.follow_up_fed_back, f.follow_up_children = fu["n"], fu["fed_back"], fu["children"]
    methods = dict(FollowUpContact.Method.choices)
    f.follow_up_by_method = [Row(str(methods.get(m, m)), n, m) for m, n in follow_ups.values_list("method").annotate(
        n=Count("id")).order_by("method")]
    # 10–11. 亲情连线
    calls = in_area(FamilyCall.objects.filter(held_on__gte=start, held_on__lte=end), area, "child__residence")
    fc = calls.aggregate(n=Count("id"), children=Count("child_id", distinct=True))
    f.family_calls, f.family_call_children = fc["n"], fc["children"]
    modes = dict(FamilyCall.Mode.choices)
    f.family_call_by_mode = [Row(str(modes.get(m, m)), n, m) for m, n in calls.values_list("mode").annotate(
        n=Count("id")).order_by("mode")]
    return f
