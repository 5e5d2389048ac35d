"""The contract-target tracker: each rule met and unmet, Shanghai day boundaries, mid-month years."""

import datetime

import pytest

from activities.models import Activity, ActivityKind, Article, ContractYear, Target
from activities.services import create_contract_year
from activities.targets import State, contract_months, contract_year_end, evaluate
from divisions.models import Division

from .factories import ActivityFactory, ArticleFactory, shanghai

pytestmark = pytest.mark.django_db

D = datetime.date
COUNTIES = ["440802", "440803", "440804", "440811", "440823", "440825", "440881", "440882", "440883"]


@pytest.fixture
def year():
    """Signed on 15 March 2026: contract months run 15th → 14th; the year ends 14 March 2027."""
    return create_contract_year(name="2026—2027 合同年度", signed_on=D(2026, 3, 15))


def result(tracker, rule):
    return next(r for r in tracker.results if r.target.rule == rule)


def month_of(tracker, index):
    return result(tracker, Target.Rule.EACH_MONTH).months[index - 1]


# ---------------------------------------------------------------- the contract year and its months

def test_year_starting_mid_month_has_contract_months_from_the_signing_day():
    months = contract_months(D(2026, 3, 15))
    assert (months[0].start, months[0].end) == (D(2026, 3, 15), D(2026, 4, 14))
    assert (months[1].start, months[1].end) == (D(2026, 4, 15), D(2026, 5, 14))
    assert (months[11].start, months[11].end) == (D(2027, 2, 15), D(2027, 3, 14))
    assert contract_year_end(D(2026, 3, 15)) == D(2027, 3, 14)


def test_months_of_a_year_signed_on_the_31st_neither_overlap_nor_leave_gaps():
    months = contract_months(D(2026, 1, 31))
    assert (months[0].start, months[0].end) == (D(2026, 1, 31), D(2026, 2, 27))
    assert months[1].start == D(2026, 2, 28) and months[2].start == D(2026, 3, 31)
    for before, after in zip(months, months[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)
    assert months[-1].end == D(2027, 1, 30)


def test_new_contract_year_gets_the_contracts_targets(year):
    assert sorted((t.rule, t.activity_kind, t.minimum) for t in year.targets.all()) == sorted([
        ("each_month", "community_education", 1), ("each_county", "community_education", 1),
        ("year_total", "community_education", 12), ("approved_articles", "", 12)])


def test_current_contract_year_is_the_one_containing_today(year):
    later = create_contract_year(name="2027—2028 合同年度", signed_on=D(2027, 3, 15))
    assert ContractYear.current(today=D(2027, 3, 14)) == year
    assert ContractYear.current(today=D(2027, 3, 15)) == later
    assert ContractYear.current(today=D(2026, 1, 1)) == year  # before any year: the first one


# ---------------------------------------------------------------- one activity each contract month

def test_each_month_met_when_every_contract_month_has_an_activity(year):
    for month in contract_months(year.signed_on):
        ActivityFactory(starts_at=shanghai(month.start.year, month.start.month, month.start.day, 9))
    tracker = evaluate(year, today=D(2027, 3, 20))
    rule = result(tracker, Target.Rule.EACH_MONTH)
    assert rule.state == State.MET and rule.done == 12 and rule.missing == []


def test_each_month_missed_names_the_month_that_had_none(year):
    for month in contract_months(year.signed_on):
        if month.index != 3:
            ActivityFactory(starts_at=shanghai(month.start.year, month.start.month, month.start.day, 9))
    rule = result(evaluate(year, today=D(2027, 3, 20)), Target.Rule.EACH_MONTH)
    assert rule.state == State.MISSED and rule.done == 11
    assert len(rule.missing) == 1 and "2026-05-15" in rule.missing[0] and "2026-06-14" in rule.missing[0]


def test_current_month_without_activity_says_how_many_by_when(year):
    ActivityFactory(starts_at=shanghai(2026, 4, 20, 9), status=Activity.Status.PLANNED)
    rule = result(evaluate(year, today=D(2026, 4, 16)), Target.Rule.EACH_MONTH)
    assert month_of(evaluate(year, today=D(2026, 4, 16)), 1).state == State.MISSED
    assert rule.state == State.MISSED  # month 1 (15 March–14 April) passed without an activity
    assert month_of(evaluate(year, today=D(2026, 4, 16)), 2).state == State.DUE
    assert any("2026-05-14" in line for line in rule.missing)


def test_first_month_due_then_on_track_once_held(year):
    rule = result(evaluate(year, today=D(2026, 3, 20)), Target.Rule.EACH_MONTH)
    assert rule.state == State.DUE and rule.deadline == D(2026, 4, 14)
    ActivityFactory(starts_at=shanghai(2026, 3, 18, 9))
    rule = result(evaluate(year, today=D(2026, 3, 20)), Target.Rule.EACH_MONTH)
    assert rule.state == State.ON_TRACK and rule.missing == []


def test_activity_at_2330_on_the_last_day_of_a_contract_month_counts_for_that_month(year):
    # 14 April 23:30 in Zhanjiang is 15:30 UTC the same day; 15 April 00:30 is 16:30 UTC on the 14th.
    late = ActivityFactory(starts_at=datetime.datetime(2026, 4, 14, 15, 30, tzinfo=datetime.UTC))
    tracker = evaluate(year, today=D(2026, 5, 1))
    assert (month_of(tracker, 1).held, month_of(tracker, 2).held) == (1, 0)
    late.starts_at = datetime.datetime(2026, 4, 14, 16, 30, tzinfo=datetime.UTC)
    late.save()
    tracker = evaluate(year, today=D(2026, 5, 1))
    assert (month_of(tracker, 1).held, month_of(tracker, 2).held) == (0, 1)


def test_activity_on_the_last_day_of_a_calendar_month_in_a_year_signed_on_the_first():
    year = create_contract_year(name="2026 年度", signed_on=D(2026, 1, 1))
    ActivityFactory(starts_at=shanghai(2026, 1, 31, 23, 30))  # 15:30 UTC on 31 January
    ActivityFactory(starts_at=shanghai(2026, 3, 1, 0, 30))  # 16:30 UTC on 28 February: still March here
    tracker = evaluate(year, today=D(2026, 3, 10))
    assert [month_of(tracker, i).held for i in (1, 2, 3)] == [1, 0, 1]
    assert month_of(tracker, 2).state == State.MISSED


def test_activity_on_the_last_evening_of_the_contract_year_counts_and_the_next_morning_does_not(year):
    for i in range(11):
        ActivityFactory(starts_at=shanghai(2026, 4, 1 + i, 10))
    last = ActivityFactory(starts_at=shanghai(2027, 3, 14, 23, 30))
    total = result(evaluate(year, today=D(2027, 3, 15)), Target.Rule.YEAR_TOTAL)
    assert total.done == 12 and total.state == State.MET
    last.starts_at = shanghai(2027, 3, 15, 0, 30)  # 16:30 UTC on the 14th, but the next contract year here
    last.save()
    total = result(evaluate(year, today=D(2027, 3, 15)), Target.Rule.YEAR_TOTAL)
    assert total.done == 11 and total.state == State.MISSED


def test_planned_cancelled_and_other_kinds_do_not_count(year):
    ActivityFactory(starts_at=shanghai(2026, 3, 20, 9), status=Activity.Status.PLANNED)
    ActivityFactory(starts_at=shanghai(2026, 3, 21, 9), status=Activity.Status.CANCELLED)
    ActivityFactory(starts_at=shanghai(2026, 3, 22, 9), kind=ActivityKind.TRAINING)
    assert month_of(evaluate(year, today=D(2026, 3, 25)), 1).held == 0


def test_targets_are_data_the_lead_can_raise(year):
    ActivityFactory(starts_at=shanghai(2026, 3, 20, 9))
    assert month_of(evaluate(year, today=D(2026, 3, 25)), 1).state == State.MET
    Target.objects.filter(contract_year=year, rule=Target.Rule.EACH_MONTH).update(minimum=2)
    month = month_of(evaluate(year, today=D(2026, 3, 25)), 1)
    assert month.state == State.DUE and month.needed == 2


def test_a_target_for_trainings_counts_trainings_only(year):
    Target.objects.create(contract_year=year, rule=Target.Rule.YEAR_TOTAL, activity_kind=ActivityKind.TRAINING,
                          minimum=4)
    ActivityFactory(starts_at=shanghai(2026, 3, 22, 9), kind=ActivityKind.TRAINING)
    ActivityFactory(starts_at=shanghai(2026, 3, 23, 9))
    trainings = next(r for r in evaluate(year, today=D(2026, 3, 25)).results
                     if r.target.activity_kind == ActivityKind.TRAINING)
    assert (trainings.done, trainings.required, trainings.state) == (1, 4, State.DUE)


# ---------------------------------------------------------------- each county-level unit

def test_each_county_met_when_all_nine_have_an_activity(year):
    assert Division.objects.counties().count() == 9
    for i, code in enumerate(COUNTIES):
        ActivityFactory(starts_at=shanghai(2026, 4, 1 + i, 9), place_id=code)
    rule = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.EACH_COUNTY)
    assert (rule.done, rule.required, rule.state) == (9, 9, State.MET)


def test_each_county_unmet_lists_the_counties_missing_and_the_deadline(year):
    for i, code in enumerate(COUNTIES[:-1]):
        town = Division.objects.filter(parent_id=code).first()  # a town counts for its county
        ActivityFactory(starts_at=shanghai(2026, 4, 1 + i, 9), place_id=town.code)
    ActivityFactory(starts_at=shanghai(2026, 12, 1, 9), place_id="440883", status=Activity.Status.PLANNED)
    rule = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.EACH_COUNTY)
    assert (rule.done, rule.state, rule.deadline) == (8, State.DUE, D(2027, 3, 14))
    assert "吴川市" in rule.missing[0] and "赤坎区" not in rule.missing[0] and "1" in rule.missing[0]
    rule = result(evaluate(year, today=D(2027, 3, 15)), Target.Rule.EACH_COUNTY)
    assert rule.state == State.MISSED


def test_activity_before_the_contract_year_does_not_count_for_a_county(year):
    ActivityFactory(starts_at=shanghai(2026, 3, 14, 23, 30), place_id="440825")
    rule = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.EACH_COUNTY)
    assert dict((c.code, n) for c, n, _p in rule.counties)["440825"] == 0


# ---------------------------------------------------------------- at least 12 in the year

def test_year_total_unmet_with_eleven_says_one_more_by_year_end(year):
    for i in range(11):
        ActivityFactory(starts_at=shanghai(2026, 3, 16 + i, 9))
    rule = result(evaluate(year, today=D(2026, 6, 1)), Target.Rule.YEAR_TOTAL)
    assert (rule.done, rule.required, rule.state, rule.deadline) == (11, 12, State.DUE, D(2027, 3, 14))
    assert "1" in rule.missing[0] and "2027-03-14" in rule.missing[0]
    ActivityFactory(starts_at=shanghai(2026, 6, 1, 9))
    assert result(evaluate(year, today=D(2026, 6, 2)), Target.Rule.YEAR_TOTAL).state == State.MET


# ---------------------------------------------------------------- 12 approved articles

def approved(at):
    return ArticleFactory(status=Article.Status.APPROVED, approved_at=at, uses_pseudonyms=True, no_faces=True,
                          no_school=True, no_address=True)


def test_approved_articles_met_with_twelve(year):
    for i in range(12):
        approved(shanghai(2026, 4, 1 + i, 10))
    rule = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.APPROVED_ARTICLES)
    assert (rule.done, rule.state) == (12, State.MET)


def test_submitted_articles_do_not_count_until_approved(year):
    for i in range(11):
        approved(shanghai(2026, 4, 1 + i, 10))
    ArticleFactory(status=Article.Status.SUBMITTED, uses_pseudonyms=True, no_faces=True, no_school=True,
                   no_address=True)
    rule = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.APPROVED_ARTICLES)
    assert (rule.done, rule.state) == (11, State.DUE)
    assert "1" in rule.missing[0] and "2027-03-14" in rule.missing[0]


def test_waiting_articles_are_shown_only_for_the_running_year(year):
    """Issue 13 item 9: a past year's note counted the articles waiting today, which can only count
    toward the running year."""
    ArticleFactory(status=Article.Status.SUBMITTED, uses_pseudonyms=True, no_faces=True, no_school=True,
                   no_address=True)
    create_contract_year(name="2027—2028 合同年度", signed_on=D(2027, 3, 15))
    running = result(evaluate(year, today=D(2026, 5, 1)), Target.Rule.APPROVED_ARTICLES)
    assert any(word in running.missing[0] for word in ("waiting for the bureau", "待民政局审核"))
    past = result(evaluate(year, today=D(2027, 5, 1)), Target.Rule.APPROVED_ARTICLES)
    assert past.state == State.MISSED
    assert not any(word in past.missing[0] for word in ("waiting for the bureau", "待民政局审核"))


def test_article_approved_late_on_the_last_day_counts_for_that_year(year):
    approved(datetime.datetime(2027, 3, 14, 15, 30, tzinfo=datetime.UTC))  # 23:30 in Zhanjiang
    approved(datetime.datetime(2027, 3, 14, 16, 30, tzinfo=datetime.UTC))  # 00:30 on the 15th: next year
    assert result(evaluate(year, today=D(2027, 3, 20)), Target.Rule.APPROVED_ARTICLES).done == 1


def test_tracker_runs_in_a_fixed_number_of_queries(year, django_assert_num_queries):
    for i, code in enumerate(COUNTIES):
        ActivityFactory(starts_at=shanghai(2026, 4, 1 + i, 9), place_id=code)
    year = ContractYear.objects.get(pk=year.pk)
    # targets, activities of the year, counties, approved articles, articles waiting for the bureau
    with django_assert_num_queries(5):
        evaluate(year, today=D(2026, 5, 1))
