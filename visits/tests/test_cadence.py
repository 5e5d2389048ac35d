"""Cadence by risk level (docs/domain.md §4): intervals, level changes, holidays, month ends, calendar gaps."""

import datetime

import pytest

from accounts.models import Notification
from children.models import RiskLevel, RiskPolicy
from children.tests.factories import ChildFactory
from visits import cadence, services
from visits.models import DueVisit

from .conftest import make_visit

pytestmark = pytest.mark.django_db
D = datetime.date


def due(child, kind=DueVisit.Kind.HOME):
    return DueVisit.objects.get(child=child, kind=kind).due_on


@pytest.mark.parametrize(("level", "expected"), [
    (RiskLevel.HIGH, D(2026, 3, 16)),         # +14 days, a Monday
    (RiskLevel.MEDIUM_HIGH, D(2026, 4, 1)),   # +30 days, a Wednesday
    (RiskLevel.MEDIUM_LOW, D(2026, 5, 29)),   # +90 = Sunday 31 May → Friday before
    (RiskLevel.LOW, D(2026, 8, 28)),          # +180 = Saturday 29 August → Friday before
])
def test_next_home_visit_follows_the_level(worker, level, expected):
    child = ChildFactory(risk_level=level)
    make_visit(child, worker, on=D(2026, 3, 2))
    assert due(child) == expected


def test_high_risk_also_has_a_call_due_every_two_weeks_counting_phone_visits(worker):
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    make_visit(child, worker, on=D(2026, 3, 2))
    make_visit(child, worker, on=D(2026, 3, 9), type="phone")
    assert due(child) == D(2026, 3, 16)                       # the phone call does not count as a home visit
    assert due(child, DueVisit.Kind.CALL) == D(2026, 3, 23)   # but it does count as the call


def test_policy_edit_by_the_lead_changes_the_interval(worker):
    policy = RiskPolicy.current()
    policy.visit_days_medium_high = 21
    policy.save()
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH)
    make_visit(child, worker, on=D(2026, 3, 2))
    assert due(child) == D(2026, 3, 23)


def test_a_level_change_recomputes_the_due_visit(worker, supervisor):
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_LOW)
    make_visit(child, worker, on=D(2026, 3, 2))
    assert due(child) == D(2026, 5, 29)
    assert not DueVisit.objects.filter(child=child, kind=DueVisit.Kind.CALL).exists()

    child.set_risk_level(RiskLevel.HIGH, by=supervisor)
    assert due(child) == D(2026, 3, 16)
    assert due(child, DueVisit.Kind.CALL) == D(2026, 3, 16)

    child.set_risk_level(RiskLevel.LOW, by=supervisor)
    assert due(child) == D(2026, 8, 28)
    assert not DueVisit.objects.filter(child=child, kind=DueVisit.Kind.CALL).exists()


def test_never_visited_child_is_due_one_interval_after_entering_the_registry(db):
    child = ChildFactory(risk_level=RiskLevel.HIGH, created_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))
    assert due(child) == D(2026, 3, 16)


def test_ungraded_child_is_due_for_a_first_visit_on_entry_and_then_monthly_until_graded(worker, supervisor):
    """Issue 13 item 9: an ungraded child visited once had no due visit at all."""
    child = ChildFactory(risk_level="", created_at=datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC))
    assert due(child) == D(2026, 3, 3)
    make_visit(child, worker, on=D(2026, 3, 4))
    assert due(child) == D(2026, 4, 3)   # +30 days (the medium-high cadence), a Friday
    services.refresh_all_due_visits()
    assert due(child) == D(2026, 4, 3)   # the nightly run agrees
    child.set_risk_level(RiskLevel.LOW, by=supervisor)
    assert due(child) == D(2026, 8, 31)  # graded: its own cadence (+180 = Monday 31 August)


def test_due_date_on_national_day_moves_to_the_working_day_before(worker):
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    make_visit(child, worker, on=D(2026, 9, 17))   # +14 = 1 October, National Day
    assert due(child) == D(2026, 9, 30)


def test_holidays_are_skipped_even_when_weekends_are_not(worker):
    policy = RiskPolicy.current()
    policy.skip_weekends = False
    policy.save()
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    make_visit(child, worker, on=D(2026, 9, 19))   # +14 = 3 October, inside the National Day holiday
    assert due(child) == D(2026, 9, 30)
    other = ChildFactory(risk_level=RiskLevel.MEDIUM_LOW)
    make_visit(other, worker, on=D(2026, 3, 2))    # +90 = Sunday 31 May, an ordinary weekend day
    assert due(other) == D(2026, 5, 31)


def test_a_weekend_made_a_working_day_counts_as_a_working_day(worker):
    child = ChildFactory(risk_level=RiskLevel.HIGH)
    make_visit(child, worker, on=D(2026, 9, 6))    # +14 = Sunday 20 September, a 调休 working day
    assert due(child) == D(2026, 9, 20)


def test_month_end_high_and_medium_high_are_visited_every_calendar_month(worker):
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH)
    make_visit(child, worker, on=D(2025, 1, 31))   # +30 = 2 March would leave February without a visit
    assert due(child) == D(2025, 2, 28)


def test_month_end_cap_with_a_longer_policy_interval(worker):
    policy = RiskPolicy.current()
    policy.visit_days_medium_high = 45
    policy.save()
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH)
    make_visit(child, worker, on=D(2026, 3, 20))   # +45 = 4 May; April must still have a visit
    assert due(child) == D(2026, 4, 30)
    low = ChildFactory(risk_level=RiskLevel.MEDIUM_LOW)
    make_visit(low, worker, on=D(2026, 1, 30))     # quarterly families have no monthly cap
    assert due(low) == D(2026, 4, 30)


@pytest.mark.parametrize(("day", "expected"), [
    (D(2026, 1, 31), D(2026, 2, 28)), (D(2024, 1, 31), D(2024, 2, 29)), (D(2025, 12, 31), D(2026, 1, 31)),
    (D(2026, 3, 1), D(2026, 4, 30)),
])
def test_end_of_next_month(day, expected):
    assert cadence.end_of_next_month(day) == expected


def test_moving_back_never_lands_on_or_before_the_last_visit():
    # A one-day cadence before a long holiday: the day before would be the visit itself, so go forward.
    missing: set[int] = set()
    result = cadence.next_due(level=RiskLevel.HIGH, interval_days=1, last_visit=D(2026, 9, 30),
                              entered=D(2026, 1, 1), skip_weekends=True, missing_years=missing)
    assert result == D(2026, 10, 8)


def test_year_without_holiday_data_falls_back_to_weekends_and_warns_the_admin_once(worker, sysadmin):
    child = ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH)
    make_visit(child, worker, on=D(2026, 12, 4))   # +30 = Sunday 3 January 2027
    assert due(child) == D(2027, 1, 1)             # weekends only: the calendar has no 2027 holidays yet
    make_visit(ChildFactory(risk_level=RiskLevel.MEDIUM_HIGH), worker, on=D(2026, 12, 7))
    services.refresh_due_visits(child=child)
    warnings = Notification.objects.filter(recipient=sysadmin, key="visits:holiday-calendar:2027")
    assert warnings.count() == 1
    assert "2027" in warnings.get().title
    assert not Notification.objects.filter(recipient=worker).exists()


def test_nightly_refresh_matches_the_per_child_rule_in_a_few_queries(worker, django_assert_max_num_queries):
    from visits.models import Visit

    levels = [RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH, RiskLevel.MEDIUM_LOW, RiskLevel.LOW, ""]
    children = [ChildFactory(risk_level=levels[i % 5]) for i in range(15)]
    for index, child in enumerate(children[:10]):
        make_visit(child, worker, on=D(2026, 3, 2 + index), type="phone" if index % 3 else "home")
    # Rows go stale behind the scheduler's back: a policy edit, a lost row, a level set without the signal.
    policy = RiskPolicy.current()
    policy.visit_days_low = 170
    policy.save()
    DueVisit.objects.filter(child=children[0]).delete()
    Child = type(children[1])
    Child.objects.filter(pk=children[1].pk).update(risk_level=RiskLevel.LOW)
    Visit.objects.filter(child=children[2]).update(visited_on=D(2026, 2, 2))
    for child in children:
        child.refresh_from_db()
        services.refresh_due_visits(child=child)
    expected = set(DueVisit.objects.values_list("child_id", "kind", "due_on", "last_visit_on", "risk_level"))
    DueVisit.objects.all().update(due_on=D(2020, 1, 1))
    DueVisit.objects.filter(child=children[3]).delete()
    DueVisit.objects.create(child=children[4], kind=DueVisit.Kind.CALL, due_on=D(2020, 1, 1))  # not high: goes

    # policy, exited rows, children, last visits, existing rows, savepoint, delete, insert, update, release
    with django_assert_max_num_queries(12):
        assert services.refresh_all_due_visits() == 15
    assert set(DueVisit.objects.values_list("child_id", "kind", "due_on", "last_visit_on", "risk_level")) == expected
