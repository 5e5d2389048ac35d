"""evaluation.stats.period_figures against numbers worked out by hand, and a query count that does not grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.dates import local_today
from children.tests.factories import ChildFactory
from evaluation import services, stats
from evaluation.models import MaterialHelp, Partner, PartnerFeedback, QuestionSet, Screening, Survey, WorkerFeedback

from .conftest import LEIZHOU_VILLAGE, closed_case_for

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def survey_of(case, worker, scores, *, done_on=TODAY, respondent="guardian"):
    questions = QuestionSet.current()
    survey = Survey(child=case.child, case=case, context="case_closure", question_set=questions, done_on=done_on,
                    respondent=respondent, method="phone")
    return services.record_survey(survey=survey, scores=dict(zip(questions.questions.values_list("pk", flat=True),
                                                                 scores, strict=True)), by=worker)


def build(worker, other_worker, supervisor, n=1):
    """n rounds of: two closed cases in 赤坎 (one surveyed today, one yesterday), one in 雷州 surveyed today,
    feedback, partner feedback, a screening and two gifts."""
    for i in range(n):
        survey_of(closed_case_for(worker, supervisor), worker, [5, 4, 3, 5])
        survey_of(closed_case_for(worker, supervisor), worker, [1, 1, 1, 1], done_on=YESTERDAY)
        survey_of(closed_case_for(other_worker, supervisor, residence_id=LEIZHOU_VILLAGE), other_worker,
                  [3, 4, 5, 3], respondent="child")
        partner = Partner.objects.create(name=f"学校{Partner.objects.count()}", kind="school", county_id="440802",
                                         created_by=worker)
        for day, scores in ((TODAY, (5, 4, 3)), (TODAY, (3, 4, 5)), (YESTERDAY, (1, 1, 1))):
            PartnerFeedback.objects.create(partner=partner, received_on=day, channel="call",
                                           given_by=f"校长{day}{scores}", cooperation=scores[0],
                                           responsiveness=scores[1], effect=scores[2], entered_by=worker)
        Screening.objects.create(village_id="440802001001",
                                 started_on=TODAY - datetime.timedelta(days=Screening.objects.count()),
                                 ended_on=TODAY, screened=10, entered=4, not_eligible=5, declined=1,
                                 entered_by=worker)
        child = ChildFactory(social_worker=worker)
        MaterialHelp.objects.create(child=child, donor=partner, kind="money", description=f"助学金{partner.pk}", value=500,
                                    given_on=TODAY, recorded_by=worker)
        MaterialHelp.objects.create(child=child, donor=partner, kind="items", description=f"书包{partner.pk}", value=120,
                                    given_on=TODAY, recorded_by=worker)
    WorkerFeedback.objects.get_or_create(worker=worker, month=TODAY.replace(day=1), defaults={"workload": "忙"})
    WorkerFeedback.objects.get_or_create(worker=other_worker, month=TODAY.replace(day=1),
                                         defaults={"workload": "忙", "response": "好", "responded_at": "2026-01-01T00:00Z"})


def test_figures_for_today_in_the_whole_city(worker, other_worker, supervisor):
    build(worker, other_worker, supervisor)
    figures = stats.period_figures(TODAY, TODAY)
    s = figures.surveys
    assert (s.total, s.children) == (2, 2)  # yesterday's survey is outside the period
    assert {r.key: r.n for r in s.by_respondent}["child"] == 1
    assert [(i.answers, i.mean) for i in s.items] == [(2, 4.0), (2, 4.0), (2, 4.0), (2, 4.0)]
    closure = next(c for c in s.coverage if c.context == "case_closure")
    assert (closure.eligible, closure.surveyed, closure.target_percent, closure.met) == (3, 3, 30, True)
    assert (figures.worker_feedback.reports, figures.worker_feedback.workers,
            figures.worker_feedback.responded) == (2, 2, 1)
    p = figures.partner_feedback
    assert (p.total, p.partners, [i.mean for i in p.items]) == (2, 1, [4.0, 4.0, 4.0])
    sc = figures.screening
    assert (sc.rounds, sc.villages, sc.screened, sc.entered) == (1, 1, 10, 4)
    assert {r.key: r.n for r in sc.not_entered} == {"not_eligible": 5, "already_registered": 0, "moved_away": 0,
                                                    "declined": 1, "other_reason": 0}
    h = figures.material_help
    assert (h.total, h.children, h.donors, h.value, h.money, h.items_value) == (
        2, 1, 1, Decimal("620"), Decimal("500"), Decimal("120"))


def test_figures_for_one_county(worker, other_worker, supervisor):
    build(worker, other_worker, supervisor)
    leizhou = stats.period_figures(YESTERDAY, TODAY, area="440882")
    assert (leizhou.surveys.total, [i.mean for i in leizhou.surveys.items]) == (1, [3.0, 4.0, 5.0, 3.0])
    assert (leizhou.partner_feedback.total, leizhou.material_help.total, leizhou.screening.rounds) == (0, 0, 0)
    assert (leizhou.worker_feedback.reports, leizhou.worker_feedback.responded) == (1, 1)
    chikan = stats.period_figures(YESTERDAY, TODAY, area="440802")
    assert (chikan.surveys.total, chikan.partner_feedback.total, chikan.material_help.value) == (2, 3, Decimal("620"))


def test_the_query_count_does_not_grow_with_the_data(worker, other_worker, supervisor):
    build(worker, other_worker, supervisor, n=1)
    with CaptureQueriesContext(connection) as small:
        stats.period_figures(YESTERDAY, TODAY)
    build(worker, other_worker, supervisor, n=3)
    with CaptureQueriesContext(connection) as large:
        stats.period_figures(YESTERDAY, TODAY, area="440802")
    assert len(small) == len(large) <= 20
