"""The dashboard reads its figures from a stored row per scope (reports.DashboardFigures), refreshed by the beat
task `refresh_dashboards` and recomputed by a view when stale (issue 15, "dashboard ≤ 300 ms")."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.models import Child
from children.tests.factories import ChildFactory
from reports.dashboard import compute
from reports.models import DashboardFigures
from reports.tasks import refresh_dashboards

pytestmark = pytest.mark.django_db

SUIXI_VILLAGE = "440823001001"
# The view with fresh stored figures: the session, the user, the one stored row, the navigation's counts
# (notifications, …) — none of them grows with the registry (computing the figures takes ~60).
LEAD_QUERIES = 9


def headline(response):
    assert response.status_code == 200
    return {str(label): value for label, value, _url in response.context["headline"]}


@pytest.mark.parametrize("children", [3, 30])
def test_after_the_beat_task_a_view_runs_a_fixed_small_number_of_queries(children, contract, lead, client_for,
                                                                         django_assert_num_queries):
    ChildFactory.create_batch(children)
    assert refresh_dashboards() == ["city"]
    client = client_for(lead)
    with django_assert_num_queries(LEAD_QUERIES):
        response = client.get(reverse("reports:dashboard"))
    assert headline(response)["期末在册儿童"] == children
    assert "数据更新于" in response.content.decode()


def test_the_task_is_idempotent_and_covers_each_county_bureau(contract, county_bureau):
    assert refresh_dashboards() == ["city", "440823"]
    assert refresh_dashboards() == ["city", "440823"]
    assert DashboardFigures.objects.count() == 2


def test_a_stale_row_is_recomputed_on_view(contract, lead, client_for):
    ChildFactory.create_batch(2)
    refresh_dashboards()
    ChildFactory()
    client = client_for(lead)
    assert headline(client.get(reverse("reports:dashboard")))["期末在册儿童"] == 2  # fresh: the stored figures
    old = timezone.now() - datetime.timedelta(minutes=11)
    DashboardFigures.objects.filter(scope="city").update(computed_at=old)
    assert headline(client.get(reverse("reports:dashboard")))["期末在册儿童"] == 3
    assert DashboardFigures.objects.get(scope="city").computed_at > old


def test_a_missing_row_is_computed_and_stored_on_view(contract, lead, client_for):
    ChildFactory()
    assert headline(client_for(lead).get(reverse("reports:dashboard")))["期末在册儿童"] == 1
    assert DashboardFigures.objects.get(scope="city").data["total"] == 1


def test_a_county_bureau_gets_its_countys_figures_not_the_citys(contract, county_bureau, lead, client_for):
    ChildFactory.create_batch(4)  # 赤坎区
    ChildFactory.create_batch(2, residence_id=SUIXI_VILLAGE)
    refresh_dashboards()
    county = client_for(county_bureau).get(reverse("reports:dashboard"))
    assert headline(county)["期末在册儿童"] == 2
    assert [c["code"] for c in county.context["counties"]] == ["440823"]
    assert headline(client_for(lead).get(reverse("reports:dashboard")))["期末在册儿童"] == 6


def test_the_numbers_shown_equal_the_registry_list_they_link_to(contract, lead, client_for):
    ChildFactory.create_batch(3)
    ChildFactory(status=Child.Status.EXITED, exit_reason=Child.ExitReason.MOVED_AWAY,
                 exited_on=timezone.localdate() - datetime.timedelta(days=40))
    refresh_dashboards()
    client = client_for(lead)
    response = client.get(reverse("reports:dashboard"))
    for label, value, url in response.context["headline"]:
        if url.startswith(reverse("children:list")):
            assert client.get(url).context["page"].paginator.count == value, label


def test_computing_the_figures_takes_the_same_queries_at_two_sizes(contract, django_assert_num_queries):
    ChildFactory.create_batch(3)
    compute(None)  # the first call fills per-process caches (divisions' names, …)
    with CaptureQueriesContext(connection) as few:
        compute(None)
    ChildFactory.create_batch(27, residence_id=SUIXI_VILLAGE)
    with django_assert_num_queries(len(few.captured_queries)):
        assert compute(None)["total"] == 30
