"""Due versus done (docs/reports.md): the nightly run keeps what was due each month, and `visits.stats`
counts it. Numbers worked out by hand below."""

import datetime

import pytest

from children.models import RiskLevel
from children.tests.factories import ChildFactory
from visits import services, stats
from visits.models import DueVisit, DueVisitMonth, Visit
from visits.tasks import daily_visit_run
from visits.tests.conftest import make_visit

D = datetime.date
LEIZHOU = "440882"


def due(child, kind, on, level=RiskLevel.HIGH):
    DueVisit.objects.update_or_create(child=child, kind=kind, defaults={"due_on": on, "risk_level": level})


def snapshot():
    return sorted(DueVisitMonth.objects.values_list("child__name", "kind", "month", "due_on", "risk_level", "done_on"))


@pytest.fixture
def world(db, worker):
    a = ChildFactory(name="甲", risk_level=RiskLevel.HIGH)
    b = ChildFactory(name="乙", risk_level=RiskLevel.MEDIUM_HIGH)
    c = ChildFactory(name="丙")
    d = ChildFactory(name="丁", residence_id="440882001001", risk_level=RiskLevel.HIGH)
    make_visit(a, worker, on=D(2026, 11, 8))  # home: A's November home visit done
    make_visit(d, worker, on=D(2026, 11, 12), type=Visit.Type.PHONE)  # counts for D's call, not for a home visit
    DueVisit.objects.all().delete()  # the due dates of the story, set by hand
    due(b, DueVisit.Kind.HOME, D(2026, 10, 20), RiskLevel.MEDIUM_HIGH)
    services.snapshot_due_months(D(2026, 10, 15))  # October: B due on 20 Oct, never visited
    due(a, DueVisit.Kind.HOME, D(2026, 11, 10))
    due(c, DueVisit.Kind.HOME, D(2026, 12, 5), RiskLevel.MEDIUM_LOW)  # December: not due in November
    due(d, DueVisit.Kind.HOME, D(2026, 11, 25))
    due(d, DueVisit.Kind.CALL, D(2026, 11, 1))
    services.snapshot_due_months(D(2026, 11, 20))  # November: A, B (still owed), D home, D call
    return {"a": a, "b": b, "c": c, "d": d}


def test_rows_kept_for_each_month(world):
    assert snapshot() == [
        ("丁", "call", D(2026, 11, 1), D(2026, 11, 1), RiskLevel.HIGH, D(2026, 11, 12)),
        ("丁", "home", D(2026, 11, 1), D(2026, 11, 25), RiskLevel.HIGH, None),
        ("乙", "home", D(2026, 10, 1), D(2026, 10, 20), RiskLevel.MEDIUM_HIGH, None),
        ("乙", "home", D(2026, 11, 1), D(2026, 10, 20), RiskLevel.MEDIUM_HIGH, None),
        ("甲", "home", D(2026, 11, 1), D(2026, 11, 10), RiskLevel.HIGH, D(2026, 11, 8)),
    ]


def test_rerun_changes_nothing_even_after_the_due_date_moved(world):
    before = snapshot()
    due(world["a"], DueVisit.Kind.HOME, D(2026, 12, 8))  # what the refresh does after A's visit
    assert services.snapshot_due_months(D(2026, 11, 20)) == 0
    assert services.snapshot_due_months(D(2026, 11, 21)) == 0
    assert snapshot() == before


def test_a_visit_next_month_does_not_mark_last_month_done(world, worker):
    make_visit(world["b"], worker, on=D(2026, 12, 2))
    DueVisit.objects.filter(child=world["b"]).update(due_on=D(2026, 10, 20))
    services.snapshot_due_months(D(2026, 12, 3))
    rows = dict(DueVisitMonth.objects.filter(child=world["b"]).values_list("month", "done_on"))
    assert rows == {D(2026, 10, 1): None, D(2026, 11, 1): None, D(2026, 12, 1): D(2026, 12, 2)}


def test_a_late_entry_for_last_month_is_counted_in_its_month(world, worker):
    """A visit made on 30 Nov but recorded on 1 Dec still marks November done (the run looks one month back)."""
    make_visit(world["d"], worker, on=D(2026, 11, 30))
    services.snapshot_due_months(D(2026, 12, 1))
    assert DueVisitMonth.objects.get(child=world["d"], kind="home", month=D(2026, 11, 1)).done_on == D(2026, 11, 30)


def test_period_figures_due_versus_done(world):
    f = stats.period_figures(D(2026, 11, 1), D(2026, 11, 30))
    assert (f.due_in_period, f.due_done_in_period, f.due_home_in_period, f.due_home_done_in_period) == (4, 2, 3, 1)
    # as at 10 November: D's call was done on the 12th, after the period's end
    f = stats.period_figures(D(2026, 11, 1), D(2026, 11, 10))
    assert (f.due_in_period, f.due_done_in_period) == (4, 1)
    # the quarter holds October's row for B as well
    f = stats.period_figures(D(2026, 10, 1), D(2026, 12, 31))
    assert (f.due_in_period, f.due_done_in_period, f.due_home_in_period) == (5, 2, 4)
    # by county: 雷州 has D's two rows, one done
    f = stats.period_figures(D(2026, 11, 1), D(2026, 11, 30), area=LEIZHOU)
    assert (f.due_in_period, f.due_done_in_period) == (2, 1)
    # October alone
    f = stats.period_figures(D(2026, 10, 1), D(2026, 10, 31))
    assert (f.due_in_period, f.due_done_in_period) == (1, 0)


def test_the_nightly_run_keeps_this_month(db, worker):
    child = ChildFactory(name="戊", risk_level=RiskLevel.HIGH)
    daily_visit_run()
    first = snapshot()
    assert [row[0] for row in first] == ["戊"] * len(first) and first  # a new high-risk child is due at once
    daily_visit_run()
    assert snapshot() == first
    assert DueVisitMonth.objects.filter(child=child).count() == len(first)
