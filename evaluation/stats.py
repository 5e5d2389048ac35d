"""Evaluation figures for a report period: database aggregates only, a fixed number of queries whatever the
number of rows, returned as plain dataclasses that `reports/` composes (docs/evaluation.md).

`start` and `end` are Asia/Shanghai dates, both included; `area` a division code (county, town or village)
or None for the whole city. Answers, feedback and help are counted by the day they were given.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Min, Q, Sum

from accounts.dates import day_start
from activities.models import Activity
from cases.models import Case
from divisions.models import code_prefix
from visits.models import Visit

from .models import (
    MaterialHelp,
    Partner,
    PartnerFeedback,
    SamplingTarget,
    Screening,
    Survey,
    SurveyAnswer,
    WorkerFeedback,
)


@dataclass
class Row:
    key: str
    label: str
    n: int = 0


@dataclass
class ItemScore:
    """One survey item (the same wording across versions counts as one item) or partner rating item."""

    text: str
    answers: int = 0
    mean: float | None = None


@dataclass
class Coverage:
    """Of the occasions in the period (cases closed, activities held, visits made), how many were surveyed."""

    context: str
    label: str
    eligible: int = 0
    surveyed: int = 0
    target_percent: int | None = None

    @property
    def percent(self) -> float | None:
        return round(100 * self.surveyed / self.eligible, 1) if self.eligible else None

    @property
    def met(self) -> bool | None:
        if self.target_percent is None or not self.eligible:
            return None
        return self.surveyed * 100 >= self.target_percent * self.eligible


@dataclass
class SurveyFigures:
    total: int = 0
    children: int = 0
    by_context: list[Row] = field(default_factory=list)
    by_respondent: list[Row] = field(default_factory=list)
    by_method: list[Row] = field(default_factory=list)
    items: list[ItemScore] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)


@dataclass
class WorkerFeedbackFigures:
    reports: int = 0
    workers: int = 0
    responded: int = 0


@dataclass
class PartnerFeedbackFigures:
    total: int = 0
    partners: int = 0
    items: list[ItemScore] = field(default_factory=list)
    by_partner_kind: list[Row] = field(default_factory=list)


@dataclass
class ScreeningFigures:
    rounds: int = 0
    villages: int = 0
    screened: int = 0
    entered: int = 0
    not_entered: list[Row] = field(default_factory=list)  # by reason


@dataclass
class HelpFigures:
    total: int = 0
    children: int = 0
    donors: int = 0
    value: Decimal = Decimal("0")
    money: Decimal = Decimal("0")
    items_value: Decimal = Decimal("0")


@dataclass
class EvaluationFigures:
    start: datetime.date
    end: datetime.date
    area: str | None
    surveys: SurveyFigures
    worker_feedback: WorkerFeedbackFigures
    partner_feedback: PartnerFeedbackFigures
    screening: ScreeningFigures
    material_help: HelpFigures


def _in_area(field_name: str, area: str | None) -> Q:
    return Q(**{f"{field_name}__startswith": code_prefix(area)}) if area else Q()


def _rows(queryset, key: str, choices) -> list[Row]:
    counts = dict(queryset.values_list(key).annotate(n=Count("id")).order_by())
    return [Row(value, str(label), counts.get(value, 0)) for value, label in choices]


def survey_coverage(start: datetime.date, end: datetime.date, *, area: str | None = None) -> list[Coverage]:
    """Cases closed, activities held and visits made in the period, and how many were surveyed: four queries."""
    targets = dict(SamplingTarget.objects.values_list("context", "percent"))
    window = Q(starts_at__gte=day_start(start), starts_at__lt=day_start(end + datetime.timedelta(days=1)))
    counted = {
        Survey.Context.CASE_CLOSURE: Case.objects.filter(_in_area("child__residence__code", area),
                                                         closed_on__gte=start, closed_on__lte=end),
        Survey.Context.ACTIVITY: Activity.objects.filter(window, _in_area("place__code", area),
                                                         status=Activity.Status.HELD),
        Survey.Context.VISIT: Visit.objects.filter(_in_area("child__residence__code", area), visited_on__gte=start,
                                                   visited_on__lte=end),
    }
    result = []
    for context, label in Survey.Context.choices:
        figures = counted[context].aggregate(eligible=Count("id", distinct=True),
                                             surveyed=Count("id", distinct=True, filter=Q(surveys__isnull=False)))
        result.append(Coverage(context=context, label=str(label), target_percent=targets.get(context), **figures))
    return result


def survey_figures(start, end, *, area=None) -> SurveyFigures:
    surveys = Survey.objects.filter(_in_area("child__residence__code", area), done_on__gte=start, done_on__lte=end)
    totals = surveys.aggregate(total=Count("id"), children=Count("child", distinct=True))
    items = (SurveyAnswer.objects.filter(survey__in=surveys).values("question__text")
             .annotate(answers=Count("id"), mean=Avg("score"), first=Min("question__order"))
             .order_by("first", "question__text"))
    return SurveyFigures(
        **totals,
        by_context=_rows(surveys, "context", Survey.Context.choices),
        by_respondent=_rows(surveys, "respondent", Survey.Respondent.choices),
        by_method=_rows(surveys, "method", Survey.Method.choices),
        items=[ItemScore(row["question__text"], row["answers"], round(float(row["mean"]), 2)) for row in items],
        coverage=survey_coverage(start, end, area=area))


def worker_feedback_figures(start, end, *, area=None) -> WorkerFeedbackFigures:
    reports = WorkerFeedback.objects.filter(month__gte=start.replace(day=1), month__lte=end)
    if area:
        reports = reports.filter(worker__areas__code__startswith=code_prefix(area)[:6])
    return WorkerFeedbackFigures(**reports.aggregate(
        reports=Count("id", distinct=True), workers=Count("worker", distinct=True),
        responded=Count("id", distinct=True, filter=Q(responded_at__isnull=False))))


def partner_feedback_figures(start, end, *, area=None) -> PartnerFeedbackFigures:
    feedback = PartnerFeedback.objects.filter(_in_area("partner__county__code", area), received_on__gte=start,
                                              received_on__lte=end)
    totals = feedback.aggregate(total=Count("id"), partners=Count("partner", distinct=True),
                                **{f"{name}_mean": Avg(name) for name in PartnerFeedback.SCORE_FIELDS})
    items = [ItemScore(str(PartnerFeedback._meta.get_field(name).verbose_name), totals["total"],
                       round(float(totals[f"{name}_mean"]), 2) if totals[f"{name}_mean"] is not None else None)
             for name in PartnerFeedback.SCORE_FIELDS]
    return PartnerFeedbackFigures(total=totals["total"], partners=totals["partners"], items=items,
                                  by_partner_kind=_rows(feedback, "partner__kind", Partner.Kind.choices))


def screening_figures(start, end, *, area=None) -> ScreeningFigures:
    rounds = Screening.objects.filter(_in_area("village__code", area), ended_on__gte=start, ended_on__lte=end)
    sums = rounds.aggregate(rounds=Count("id"), villages=Count("village", distinct=True), screened=Sum("screened"),
                            entered=Sum("entered"), **{name: Sum(name) for name in Screening.REASON_FIELDS})
    return ScreeningFigures(
        rounds=sums["rounds"], villages=sums["villages"], screened=sums["screened"] or 0,
        entered=sums["entered"] or 0,
        not_entered=[Row(name, str(Screening._meta.get_field(name).verbose_name), sums[name] or 0)
                     for name in Screening.REASON_FIELDS])


def help_figures(start, end, *, area=None) -> HelpFigures:
    given = MaterialHelp.objects.filter(_in_area("child__residence__code", area), given_on__gte=start,
                                        given_on__lte=end)
    # the aliases differ from the field's name: an aggregate may not be called like the field it sums
    sums = given.aggregate(total=Count("id"), children=Count("child", distinct=True),
                           donors=Count("donor", distinct=True), all_value=Sum("value"),
                           money_value=Sum("value", filter=Q(kind=MaterialHelp.Kind.MONEY)),
                           in_items=Sum("value", filter=Q(kind=MaterialHelp.Kind.ITEMS)))
    return HelpFigures(total=sums["total"], children=sums["children"], donors=sums["donors"],
                       value=sums["all_value"] or Decimal("0"), money=sums["money_value"] or Decimal("0"),
                       items_value=sums["in_items"] or Decimal("0"))


def period_figures(start: datetime.date, end: datetime.date, *, area: str | None = None) -> EvaluationFigures:
    """Everything the reports' 服务成效评估 section needs, in a fixed number of queries (about 17)."""
    return EvaluationFigures(
        start=start, end=end, area=area,
        surveys=survey_figures(start, end, area=area),
        worker_feedback=worker_feedback_figures(start, end, area=area),
        partner_feedback=partner_feedback_figures(start, end, area=area),
        screening=screening_figures(start, end, area=area),
        material_help=help_figures(start, end, area=area))
