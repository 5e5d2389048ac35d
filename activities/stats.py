"""Year counters for the tracker page and for the periodic reports: what was held, by kind."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from accounts.dates import day_start

from .models import Activity, ActivityKind, Article, ContractYear, TrainingAttendee


@dataclass
class KindSummary:
    kind: str
    label: str
    held: int = 0
    planned: int = 0
    registered_children: int = 0
    other_children: int = 0
    parents: int = 0
    others: int = 0
    volunteers: int = 0
    volunteer_hours: float = 0

    @property
    def participants(self) -> int:
        return self.registered_children + self.other_children + self.parents + self.others


def period_summary(start: datetime.date, end: datetime.date, *, area: str | None = None) -> dict:
    """Activities held from `start` to `end` (inclusive, Shanghai dates), by kind, and who was trained.

    Three queries whatever the number of activities. Counts of registered children are attendances
    (a child at two activities counts twice), which is what the reports ask for; people trained are
    distinct persons (the same 儿童主任 at two trainings counts once).
    """
    window = Q(starts_at__gte=day_start(start), starts_at__lt=day_start(end + datetime.timedelta(days=1)))
    if area:
        window &= Q(county_id=area[:6])
    rows = Activity.objects.filter(window).values("kind").annotate(
        held=Count("id", filter=Q(status=Activity.Status.HELD)),
        planned=Count("id", filter=Q(status=Activity.Status.PLANNED)),
        other_children=Sum("other_children_count", filter=Q(status=Activity.Status.HELD)),
        parents=Sum("parents_count", filter=Q(status=Activity.Status.HELD)),
        others=Sum("others_count", filter=Q(status=Activity.Status.HELD)),
        volunteers=Sum("volunteer_count", filter=Q(status=Activity.Status.HELD)),
        volunteer_hours=Sum("volunteer_hours", filter=Q(status=Activity.Status.HELD)),
    ).order_by()
    attendances = dict(Activity.registered_children.through.objects.filter(
        activity__in=Activity.objects.filter(window, status=Activity.Status.HELD)).values("activity__kind").annotate(
        n=Count("id")).values_list("activity__kind", "n").order_by())
    kinds = {value: KindSummary(kind=value, label=label) for value, label in ActivityKind.choices}
    for row in rows:
        summary = kinds[row["kind"]]
        summary.held, summary.planned = row["held"], row["planned"]
        summary.other_children, summary.parents = row["other_children"] or 0, row["parents"] or 0
        summary.others, summary.volunteers = row["others"] or 0, row["volunteers"] or 0
        summary.volunteer_hours = float(row["volunteer_hours"] or 0)
        summary.registered_children = attendances.get(row["kind"], 0)
    # People, not attendances: a contact trained twice counts once (rows without a contact, position
    # "other", count one each).
    trained = {row["position"]: row["people"] + row["others"] for row in TrainingAttendee.objects.filter(
        activity__in=Activity.objects.filter(window, status=Activity.Status.HELD)).values("position").annotate(
        people=Count("contact", distinct=True), others=Count("id", filter=Q(contact__isnull=True))).order_by()}
    return {"kinds": list(kinds.values()), "trained": {
        TrainingAttendee.Position(position).label: n for position, n in sorted(trained.items())}}


@dataclass
class TargetLine:
    title: str
    done: int
    required: int
    state: str


@dataclass
class ActivityFigures:
    kinds: list[KindSummary] = field(default_factory=list)
    trained: dict = field(default_factory=dict)  # position label → distinct people trained
    articles_approved: int = 0
    articles_published: int = 0
    targets: list[TargetLine] = field(default_factory=list)  # the contract year holding `end`, judged on `end`

    @property
    def held(self) -> int:
        return sum(k.held for k in self.kinds)

    @property
    def participants(self) -> int:
        return sum(k.participants for k in self.kinds)

    @property
    def people_trained(self) -> int:
        return sum(self.trained.values())


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> ActivityFigures:
    """Activities, trainings and articles of the period, and the contract targets as they stand on `end`.

    A fixed number of queries (`period_summary`'s three, one for articles, the tracker's three).
    Articles and targets are project-wide: they are not split by county.
    """
    from .targets import evaluate

    summary = period_summary(start, end, area=area)
    window = {"approved_at__gte": day_start(start), "approved_at__lt": day_start(end + datetime.timedelta(days=1))}
    articles = Article.objects.filter(**window).aggregate(
        approved=Count("id"), published=Count("id", filter=Q(status=Article.Status.PUBLISHED)))
    year = ContractYear.current(end)
    targets = [TargetLine(str(r.title), r.done, r.required, str(r.state_label))
               for r in evaluate(year, today=end).results] if year else []
    return ActivityFigures(kinds=summary["kinds"], trained=summary["trained"], articles_approved=articles["approved"],
                           articles_published=articles["published"], targets=targets)
