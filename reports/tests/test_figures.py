"""Each app's period figures against numbers worked out by hand on reports/tests/conftest.py's dataset.

November 2026 (1–30 Nov, Shanghai): 甲, 乙 and 戊 are in the registry on 30 Nov (乙 entered at 23:59
on 30 Nov, 丙 only at 00:00 on 1 Dec, 丁 left on 15 Nov, 戊 only on 1 Dec).
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import stats as case_stats
from children import stats as child_stats
from reports.figures import build
from reports.periods import Kind, parse_period
from visits import stats as visit_stats

from .conftest import make_dataset

NOV = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def by_key(rows):
    return {r.key: r.n for r in rows}


def test_registry_figures(dataset):
    f = child_stats.period_figures(*NOV)
    assert (f.total, f.entered, f.exited) == (3, 1, 1)
    assert by_key(f.by_risk) == {"high": 1, "medium_high": 2, "medium_low": 0, "low": 0}
    assert by_key(f.by_sex) == {"F": 2, "M": 1}
    assert by_key(f.by_county) == {"440802": 2, "440883": 1}
    assert [r.n for r in f.by_age_band] == [0, 1, 2, 0]
    assert by_key(f.exits_by_reason) == {"moved_away": 1}
    # 甲 assessed 3 Nov (MH → H); 乙 never assessed; 戊's reassessment falls on 18 Jan 2027
    assert (f.assessments_done, f.level_raised, f.level_lowered) == (1, 1, 0)
    assert by_key(f.assessments_by_level)["high"] == 1
    assert f.assessments_overdue == 1


def test_registry_figures_by_county(dataset):
    f = child_stats.period_figures(*NOV, area="440883")
    assert (f.total, f.entered, f.exited) == (1, 1, 0)
    assert f.by_county[0].label == "吴川市"


def test_october_sees_the_lowering(dataset):
    f = child_stats.period_figures(datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
    # 甲 (entered 1 Oct), 丁 (left only on 15 Nov) and 戊
    assert (f.total, f.assessments_done, f.level_raised, f.level_lowered) == (3, 2, 0, 1)


def test_visit_figures(dataset):
    f = visit_stats.period_figures(*NOV)
    assert (f.total, f.children_visited, f.hours) == (2, 2, 1.5)
    assert by_key(f.by_type) == {"home": 1, "phone": 1}
    assert by_key(f.by_county) == {"440802": 1, "440883": 1}
    assert by_key(f.by_risk) == {"high": 1, "medium_high": 1, "medium_low": 0, "low": 0}
    # 甲, 乙, 戊 are high or medium-high on 30 Nov; only 甲 had a home visit in November
    assert (f.high_risk_children, f.high_risk_visited, f.high_risk_missed) == (3, 1, 2)
    missed = list(visit_stats.missed_high_risk(NOV[1]))
    assert [row[0] for row in missed] == ["戊", "乙"]
    assert missed[1][1] == "塘㙍村委会"


def test_case_and_incident_figures(dataset):
    f = case_stats.period_figures(*NOV)
    assert (f.opened, f.closed, f.active) == (1, 1, 1)
    assert (f.services, f.service_hours) == (2, 2.0)
    assert by_key(f.active_by_stage)["intervention"] == 1
    i = case_stats.incident_figures(*NOV)
    assert (i.total, i.reported_within_hour) == (1, 1)
    assert by_key(i.by_situation)["alone"] == 1
    assert by_key(i.by_situation)["injury"] == 1
    assert by_key(i.by_situation)["guardian"] == 0


def test_activity_figures_count_2359_shanghai(dataset):
    from activities import stats as activity_stats

    f = activity_stats.period_figures(*NOV)
    assert f.held == 1
    assert f.participants == 20


def test_query_count_does_not_grow_with_the_data(contract, worker, django_assert_num_queries):
    period = parse_period(Kind.ANNUAL, "C2026", today=datetime.date(2026, 12, 1))
    make_dataset(worker)
    build(Kind.ANNUAL, period)  # once to create the one-row policies and fill the caches
    with CaptureQueriesContext(connection) as small:
        build(Kind.ANNUAL, period)
    for n in range(3):
        make_dataset(worker, suffix=str(n))
    with django_assert_num_queries(len(small.captured_queries)):
        build(Kind.ANNUAL, period)
