"""Risk levels as at the last day outside the analysis section (issue 15): the registry section's "by risk
level" and county × level tables and the contract's monthly visit rule count each child at the level of its
latest assessment confirmed by the last day — and, for a period ending today, at the current level, which is
what the registry list filters on (the dashboard's links)."""

import datetime

import pytest
from django.utils import timezone

from accounts.dates import local_today
from children import stats as child_stats
from children.models import Child, RiskLevel
from children.tests.factories import ChildFactory
from visits import stats as visit_stats

from .conftest import assessment

pytestmark = pytest.mark.django_db

H, MH, L = RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH, RiskLevel.LOW


@pytest.fixture
def raised_after_the_period(worker):
    """The period ends 20 days ago. 甲 was medium-high then and is high now; 乙 was low then and is high now;
    丙 was never assessed (low, imported): counted at its current level."""
    today = local_today()
    end = today - datetime.timedelta(days=20)
    for name, then, now in [("甲", MH, H), ("乙", L, H), ("丙", None, L)]:
        child = ChildFactory(name=name, risk_level=now)
        Child.objects.filter(pk=child.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
        if then:
            assessment(child, worker, end - datetime.timedelta(days=5), then)
            assessment(child, worker, today - datetime.timedelta(days=2), now)
    return end


def levels(figures) -> dict:
    return {row.key: row.n for row in figures.by_risk if row.n}


def test_the_registry_counts_the_level_as_at_the_last_day(raised_after_the_period):
    end = raised_after_the_period
    past = child_stats.period_figures(end - datetime.timedelta(days=30), end)
    assert levels(past) == {MH: 1, L: 2} and past.by_county_risk == {"440802": {MH: 1, L: 2}}
    today = child_stats.period_figures(end, local_today())
    assert levels(today) == {H: 2, L: 1} and today.by_county_risk == {"440802": {H: 2, L: 1}}


def test_the_monthly_visit_rule_covers_the_children_high_or_medium_high_then(raised_after_the_period):
    end = raised_after_the_period
    past = visit_stats.period_figures(end.replace(day=1), end)
    assert (past.high_risk_children, past.high_risk_missed) == (1, 1)
    assert [(name, level) for name, _place, level, _worker in visit_stats.missed_high_risk(end)] == [("甲", MH)]
    now = visit_stats.period_figures(local_today().replace(day=1), local_today())
    assert now.high_risk_children == 2
    assert [row.n for row in visit_stats.missed_high_risk_by_county(local_today())] == [2]
