"""Registry figures for a report period (docs/reports.md): database aggregates only, a fixed number of
queries whatever the number of children, returned as plain dataclasses that `reports/` composes.

`start` and `end` are Asia/Shanghai dates, both included; pass the period's `as_of` as `end` for a
period still running. `area` is a division code (a county, say) or None for the whole city.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case as CaseWhen
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Substr

from accounts.dates import day_start, local_today
from divisions.models import Division, code_prefix

from .models import BenefitEnrolment, Category, Child, ChildCategory, RiskAssessment, RiskLevel
from .models.benefits import benefit_gap_q
from .models.child import birthday_years_ago

# Age bands of the analysis report (whole years on the last day counted).
AGE_BANDS = [(0, 5, "0–5岁"), (6, 11, "6–11岁"), (12, 15, "12–15岁"), (16, 17, "16–17岁")]


@dataclass
class Row:
    label: str
    n: int
    key: str = ""
    hours: float | None = None


@dataclass
class RegistryFigures:
    total: int = 0
    by_category: list[Row] = field(default_factory=list)
    by_risk: list[Row] = field(default_factory=list)
    unassessed: int = 0  # in the registry without a confirmed level
    by_county: list[Row] = field(default_factory=list)
    by_county_risk: dict = field(default_factory=dict)  # {county code: {risk level: n}}
    by_age_band: list[Row] = field(default_factory=list)
    by_sex: list[Row] = field(default_factory=list)
    by_school_stage: list[Row] = field(default_factory=list)
    lives_alone: int = 0
    entered: int = 0
    exited: int = 0
    exits_by_reason: list[Row] = field(default_factory=list)
    # risk assessments
    assessments_done: int = 0
    assessments_by_level: list[Row] = field(default_factory=list)
    assessments_overdue: int = 0  # in the registry on the last day, reassessment date passed or never assessed
    level_raised: int = 0
    level_lowered: int = 0
    # benefits
    benefits_started: list[Row] = field(default_factory=list)
    benefits_stopped: list[Row] = field(default_factory=list)
    benefit_gap: int = 0  # 应享未享 on the last day


def in_area(queryset, area: str | None, field_name: str = "residence"):
    return queryset.filter(**{f"{field_name}__code__startswith": code_prefix(area)}) if area else queryset


def registered_on(day: datetime.date) -> Q:
    """Children in the registry at the end of `day`: entered by then, not yet exited."""
    return Q(created_at__lt=day_start(day + datetime.timedelta(days=1))) & (
        Q(status=Child.Status.REGISTERED) | Q(exited_on__gt=day))


_LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM_LOW: 2, RiskLevel.MEDIUM_HIGH: 3, RiskLevel.HIGH: 4}


def _rank(expression):
    return CaseWhen(*[When(**{expression: level}, then=Value(rank)) for level, rank in _LEVEL_RANK.items()],
                    default=Value(0), output_field=IntegerField())


def counties_with_children(day: datetime.date) -> list[str]:
    """The 6-digit codes of the county-level units holding a child of the registry on `day` (the counties whose
    analysis report the beat drafts): one query."""
    return list(Child.objects.filter(registered_on(day)).annotate(county=Substr("residence_id", 1, 6))
                .order_by("county").values_list("county", flat=True).distinct())


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> RegistryFigures:
    children = in_area(Child.objects.all(), area)
    registry = children.filter(registered_on(end))
    end_excl = day_start(end + datetime.timedelta(days=1))
    f = RegistryFigures()

    # 1. one aggregate over the registry on the last day, plus entries and exits in the period
    latest_next = RiskAssessment.objects.filter(child=OuterRef("pk"), assessed_on__lte=end).order_by(
        "-assessed_on", "-id").values("next_reassessment_on")[:1]
    bands = {f"band_{i}": Count("id", filter=Q(birth_date__lte=birthday_years_ago(end, low),
                                                birth_date__gt=birthday_years_ago(end, high + 1)))
             for i, (low, high, _label) in enumerate(AGE_BANDS)}
    # the risk level as at the last day (the latest assessment confirmed by then); for a period ending today
    # that is the current level, which the registry list filters on (the dashboard's links)
    levelled = registry.annotate(level_then=level_on(end))
    levels = {f"risk_{level}": Count("id", filter=Q(level_then=level)) for level in RiskLevel.values}
    sexes = {f"sex_{sex}": Count("id", filter=Q(sex=sex)) for sex in Child.Sex.values}
    totals = levelled.annotate(next_due=Subquery(latest_next)).aggregate(
        total=Count("id"), unassessed=Count("id", filter=Q(level_then="")),
        lives_alone=Count("id", filter=Q(lives_alone=True)),
        overdue=Count("id", filter=Q(next_due__isnull=True) | Q(next_due__lt=end)),
        **bands, **levels, **sexes)
    f.total, f.unassessed, f.lives_alone = totals["total"], totals["unassessed"], totals["lives_alone"]
    f.assessments_overdue = totals["overdue"]
    f.by_age_band = [Row(label, totals[f"band_{i}"]) for i, (_l, _h, label) in enumerate(AGE_BANDS)]
    f.by_risk = [Row(str(label), totals[f"risk_{level}"], level) for level, label in RiskLevel.choices]
    f.by_sex = [Row(str(label), totals[f"sex_{sex}"], sex) for sex, label in Child.Sex.choices]

    moves = children.aggregate(
        entered=Count("id", filter=Q(created_at__gte=day_start(start), created_at__lt=end_excl)),
        exited=Count("id", filter=Q(exited_on__gte=start, exited_on__lte=end)))
    f.entered, f.exited = moves["entered"], moves["exited"]
    # 2. exits by reason
    reasons = dict(Child.ExitReason.choices)
    f.exits_by_reason = [Row(str(reasons.get(r, r)), n, r) for r, n in children.filter(
        exited_on__gte=start, exited_on__lte=end).values_list("exit_reason").annotate(n=Count("id")).order_by("exit_reason")]
    # 3–4. by county (names: one query on the reference table)
    names = dict(Division.objects.counties().values_list("code", "name"))
    f.by_county = [Row(names.get(code, code), n, code) for code, n in registry.annotate(
        county=Substr("residence_id", 1, 6)).values_list("county").annotate(n=Count("id")).order_by("county")]
    # 4b. county × risk level
    for code, level, n in levelled.annotate(county=Substr("residence_id", 1, 6)).values_list(
            "county", "level_then").annotate(n=Count("id")).order_by():
        f.by_county_risk.setdefault(code, {})[level] = n
    # 5. by category (a child may hold several)
    per_category = dict(ChildCategory.objects.filter(child__in=registry).values_list("category_id").annotate(
        n=Count("id")).order_by())
    f.by_category = [Row(name, per_category.get(pk, 0), code)
                     for pk, code, name in Category.objects.order_by("order", "pk").values_list("pk", "code", "name")]
    # 6. schooling
    stages = dict(Child.SchoolStage.choices)
    f.by_school_stage = [Row(str(stages.get(s, s)) if s else "—", n, s) for s, n in registry.values_list(
        "school_stage").annotate(n=Count("id")).order_by("school_stage")]

    # 7. risk assessments confirmed in the period, by level, and level changes against the one before
    previous = RiskAssessment.objects.filter(child=OuterRef("child_id")).filter(
        Q(assessed_on__lt=OuterRef("assessed_on")) | Q(assessed_on=OuterRef("assessed_on"), id__lt=OuterRef("id"))
    ).order_by("-assessed_on", "-id").values("confirmed_level")[:1]
    assessments = RiskAssessment.objects.filter(child__in=children, assessed_on__gte=start, assessed_on__lte=end)
    level_counts = {f"lvl_{level}": Count("id", filter=Q(confirmed_level=level)) for level in RiskLevel.values}
    done = assessments.annotate(previous=Subquery(previous)).annotate(
        now_rank=_rank("confirmed_level"), before_rank=_rank("previous")).aggregate(
        n=Count("id"), raised=Count("id", filter=Q(before_rank__gt=0, now_rank__gt=0) & Q(
            now_rank__gt=F("before_rank"))),
        lowered=Count("id", filter=Q(before_rank__gt=0, now_rank__gt=0) & Q(now_rank__lt=F("before_rank"))),
        **level_counts)
    f.assessments_done, f.level_raised, f.level_lowered = done["n"], done["raised"], done["lowered"]
    f.assessments_by_level = [Row(str(label), done[f"lvl_{level}"], level) for level, label in RiskLevel.choices]

    # 8–9. benefits started and stopped in the period, by benefit
    enrolments = BenefitEnrolment.objects.filter(child__in=children)
    f.benefits_started = [Row(name, n) for name, n in enrolments.filter(started_on__gte=start, started_on__lte=end)
                          .values_list("benefit__name").annotate(n=Count("id")).order_by("benefit__name")]
    f.benefits_stopped = [Row(name, n) for name, n in enrolments.filter(stopped_on__gte=start, stopped_on__lte=end)
                          .values_list("benefit__name").annotate(n=Count("id")).order_by("benefit__name")]
    # 10–11. 应享未享 on the last day (the benefit list is one query on the reference table)
    f.benefit_gap = registry.filter(benefit_gap_q(end)).count()
    return f



# ---------------------------------------------------------------- the analysis report (工作分析报告)

# A dimension counts as a reason for a child's risk when their assessment scores it 2 or 3 (of 0–3).
REASON_SCORE = 2


@dataclass
class CrossRow:
    category: str
    risk: str
    bands: list[int]
    total: int


@dataclass
class AnalysisFigures:
    """Registry structure on the last day, levels as at that day (docs/reports.md, "Analysis report")."""

    cross: list[CrossRow] = field(default_factory=list)  # category × risk level (as at the last day) × age band
    at_risk_assessed: int = 0  # high / medium-high as at the last day, with an assessment
    reasons: list[Row] = field(default_factory=list)  # of those: the dimensions scored REASON_SCORE or more
    gap_by_benefit: list[Row] = field(default_factory=list)  # 应享未享 by benefit on the last day


def level_on(end: datetime.date):
    """The risk level as at `end` (`_level_as_at`), or the current level when `end` is today or later: the same
    thing then, and what the registry list filters on, so that the dashboard's numbers match their lists."""
    return _level_as_at(end) if end < local_today() else F("risk_level")


def _level_as_at(end: datetime.date):
    """The confirmed level of the child's latest assessment on or before `end`; the current level for a child
    with none (levels imported without an assessment carry no date)."""
    from django.db.models.functions import Coalesce

    latest = RiskAssessment.objects.filter(child=OuterRef("pk"), assessed_on__lte=end).order_by(
        "-assessed_on", "-id").values("confirmed_level")[:1]
    return Coalesce(Subquery(latest), F("risk_level"))


def analysis_figures(end: datetime.date, *, area: str | None = None) -> AnalysisFigures:
    """Four queries whatever the data size (plus two on the benefit reference tables)."""
    from .models import SCORE_FIELDS
    from .models.benefits import benefit_gaps

    registry = in_area(Child.objects.all(), area).filter(registered_on(end))
    f = AnalysisFigures()
    # 1. category × risk level as at the last day × age band: one grouped aggregate over the category links
    bands = {f"band_{i}": Count("id", filter=Q(child__birth_date__lte=birthday_years_ago(end, low),
                                                child__birth_date__gt=birthday_years_ago(end, high + 1)))
             for i, (low, high, _label) in enumerate(AGE_BANDS)}
    level_ids = registry.annotate(level_then=_level_as_at(end))
    links = ChildCategory.objects.filter(child__in=registry).annotate(
        level_then=Subquery(level_ids.filter(pk=OuterRef("child_id")).values("level_then")[:1]))
    grouped = links.values("category__order", "category__name", "level_then").annotate(
        total=Count("id"), **bands).order_by("category__order", "category__name")
    levels = dict(RiskLevel.choices)
    order = {level: i for i, level in enumerate(RiskLevel.values)}
    rows = sorted(grouped, key=lambda r: (r["category__order"], r["category__name"], order.get(r["level_then"], 9)))
    f.cross = [CrossRow(r["category__name"], str(levels.get(r["level_then"], "")) or "—",
                        [r[f"band_{i}"] for i in range(len(AGE_BANDS))], r["total"]) for r in rows]
    # 2. reasons for risk: the latest assessment by the last day of each high / medium-high child
    latest_pk = RiskAssessment.objects.filter(child=OuterRef("child_id"), assessed_on__lte=end).order_by(
        "-assessed_on", "-id").values("pk")[:1]
    latest = RiskAssessment.objects.filter(child__in=registry, assessed_on__lte=end, pk=Subquery(latest_pk),
                                           confirmed_level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH])
    reasons = latest.aggregate(n=Count("id"), **{name: Count("id", filter=Q(**{f"{name}__gte": REASON_SCORE}))
                                                 for name in SCORE_FIELDS})
    f.at_risk_assessed = reasons["n"]
    f.reasons = [Row(str(RiskAssessment._meta.get_field(name).verbose_name), reasons[name], name.removeprefix("score_"))
                 for name in SCORE_FIELDS]
    # 3. 应享未享 benefit by benefit
    gaps = benefit_gaps(end)
    if gaps:
        counts = registry.aggregate(**{f"b{benefit.pk}": Count("id", filter=missing) for benefit, missing in gaps})
        f.gap_by_benefit = [Row(benefit.name, counts[f"b{benefit.pk}"], str(benefit.pk)) for benefit, _q in gaps]
    return f
