"""Family visits (家庭探访, docs/households.md): one visit to a household with several children counts once for
the contract's family target and is a visit for each child; the monthly compliance and the period figures
count families."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from children.households import create_household
from children.models import Household, RiskLevel
from children.tests.factories import ChildFactory
from visits import services, stats
from visits.models import Visit

from .conftest import make_visit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                             tick=False):
        yield


@pytest.fixture
def siblings(worker):
    children = [ChildFactory(name=name, guardian_name="张建国", social_worker=worker, risk_level=RiskLevel.HIGH)
                for name in ("张小花", "张小草")]
    return create_household(children=children, name="张建国家", by=worker), children


def visit_form(**extra):
    return {"type": "home", "visited_on": "2026-04-10", "duration_minutes": "50", "child_seen": "True",
            "findings": "两个孩子都在家，祖父照看", **extra}


def test_two_siblings_one_visit_is_one_family_and_two_child_visits(client_for, worker, lead, siblings):
    household, children = siblings
    client = client_for(worker)
    form = client.get(reverse("visits:household_visit_create", args=[household.pk]))
    assert form.status_code == 200 and "记录家庭探访" in form.content.decode()
    response = client.post(reverse("visits:household_visit_create", args=[household.pk]),
                           visit_form(children=[c.pk for c in children]))
    assert response.status_code == 302
    visits = list(Visit.objects.order_by("child_id"))
    assert [v.child for v in visits] == children
    assert visits[0].household_visit == visits[1].household_visit is not None
    assert {v.household_id for v in visits} == {household.pk}
    assert visits[0].findings == "两个孩子都在家，祖父照看"  # each child's record holds the visit
    # each child's next home visit is scheduled from it
    assert all(c.due_visits.get(kind="home").last_visit_on == D(2026, 4, 10) for c in children)

    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["total_visits"], ctx["child_visits"]) == (1, 2)     # one family visit, two child visits
    assert (ctx["families"], ctx["families_visited"]) == (1, 1)
    assert (ctx["children"], ctx["visited"]) == (2, 2)
    rows = {r.label: (r.families, r.families_visited, r.children, r.visits, r.child_visits) for r in ctx["by_worker"]}
    assert rows == {str(worker): (1, 1, 2, 1, 2)}
    counties = {r.label: (r.families, r.visits, r.child_visits) for r in ctx["by_county"]}
    assert counties == {"赤坎区": (1, 1, 2)}
    page = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").content.decode()
    assert "家庭探访" in page and "儿童探访2人次" in page and "本月至少探访一次的家庭" in page
    # the home card counts the same way
    summary = services.compliance_summary(user=lead, month=D(2026, 4, 1))
    assert (summary["total_visits"], summary["child_visits"], summary["families"], summary["families_visited"],
            summary["children"], summary["visited"]) == (1, 2, 1, 1, 2, 2)
    # and the period figures the reports read
    figures = stats.period_figures(D(2026, 4, 1), D(2026, 4, 15))
    assert (figures.total, figures.family_visits, figures.children_visited, figures.families_visited) == (2, 1, 2, 1)
    assert (figures.high_risk_children, figures.high_risk_visited) == (2, 2)
    assert (figures.high_risk_families, figures.high_risk_families_visited) == (1, 1)


def test_a_second_post_of_the_same_family_visit_form_saves_nothing_more(client_for, worker, siblings):
    household, children = siblings
    client = client_for(worker)
    token = client.get(reverse("visits:household_visit_create", args=[household.pk])).context["form"][
        "submission_token"].value()
    data = visit_form(children=[c.pk for c in children], submission_token=token)
    url = reverse("visits:household_visit_create", args=[household.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Visit.objects.count() == 2


def test_siblings_visited_separately_are_two_family_visits_until_grouped(client_for, worker, lead):
    """Without a household (or before it is confirmed) each child is a family of its own."""
    a = ChildFactory(name="甲", risk_level=RiskLevel.HIGH, social_worker=worker)
    b = ChildFactory(name="乙", risk_level=RiskLevel.HIGH, social_worker=worker)
    make_visit(a, worker, on=D(2026, 4, 3))
    make_visit(b, worker, on=D(2026, 4, 3))
    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["families"], ctx["families_visited"], ctx["total_visits"], ctx["child_visits"]) == (2, 2, 2, 2)
    proposed = Household.objects.create(name="甲乙家", status=Household.Status.PROPOSED)
    a.household = b.household = proposed
    a.save()
    b.save()
    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert ctx["families"] == 2  # 待确认 does not count yet
    proposed.status = Household.Status.CONFIRMED
    proposed.save()
    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["families"], ctx["families_visited"]) == (1, 1)
    assert ctx["total_visits"] == 2  # recorded as two visits, not as one family visit


def test_a_family_with_one_child_missed_is_visited_but_the_child_is_listed(client_for, worker, lead, siblings):
    household, children = siblings
    client_for(worker).post(reverse("visits:household_visit_create", args=[household.pk]),
                            visit_form(children=[children[0].pk]))
    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["families"], ctx["families_visited"], ctx["total_visits"], ctx["child_visits"]) == (1, 1, 1, 1)
    assert [c.name for c in ctx["missed"]] == [children[1].name]


def test_family_visit_needs_children_of_the_household(client_for, worker, siblings):
    household, _children = siblings
    stranger = ChildFactory(name="外人")
    response = client_for(worker).post(reverse("visits:household_visit_create", args=[household.pk]),
                                       visit_form(children=[stranger.pk]))
    assert response.status_code == 200 and Visit.objects.count() == 0
    response = client_for(worker).post(reverse("visits:household_visit_create", args=[household.pk]), visit_form())
    assert "请勾选本次探访到的该家庭儿童" in response.content.decode()
    assert Visit.objects.count() == 0


def test_visit_detail_names_the_other_children_of_the_family_visit(client_for, worker, other_worker, siblings):
    household, children = siblings
    client = client_for(worker)
    client.post(reverse("visits:household_visit_create", args=[household.pk]),
                visit_form(children=[c.pk for c in children]))
    visit = Visit.objects.get(child=children[0])
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "家庭探访" in page and children[1].name in page
    assert client_for(other_worker).get(visit.get_absolute_url()).status_code == 404
    assert client_for(other_worker).get(
        reverse("visits:household_visit_create", args=[household.pk])).status_code == 404


def test_a_proposed_household_cannot_be_visited_as_a_family(client_for, worker):
    a, b = ChildFactory(), ChildFactory()
    household = create_household(children=[a, b], name="待定家", by=worker, status=Household.Status.PROPOSED)
    assert client_for(worker).get(reverse("visits:household_visit_create", args=[household.pk])).status_code == 404
