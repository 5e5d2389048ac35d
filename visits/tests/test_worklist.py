"""Work lists, the overview by worker and county, monthly compliance, home cards and the timeline."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import RiskLevel
from children.tests.factories import ChildFactory
from visits import services
from visits.models import DueVisit, FamilyCall, FollowUpContact

from .conftest import make_visit

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 4, 15)   # a Wednesday


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 4, 15, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                             tick=False):
        yield


def child_visited(worker, on, level=RiskLevel.MEDIUM_HIGH, **extra):
    child = ChildFactory(risk_level=level, **extra)
    make_visit(child, worker, on=on)
    return child


def section_children(response, name):
    return [due.child for due in {n: items for n, items, _count in response.context["sections"]}[name]]


def test_worker_list_has_overdue_today_this_week_and_later(client_for, worker):
    overdue = child_visited(worker, D(2026, 3, 2))     # due 1 April
    today = child_visited(worker, D(2026, 3, 16))      # due 15 April
    this_week = child_visited(worker, D(2026, 3, 18))  # due 17 April (Friday)
    later = child_visited(worker, D(2026, 4, 1))       # due 1 May → 30 April (holiday)
    response = client_for(worker).get(reverse("visits:worklist"))
    assert response.status_code == 200
    assert section_children(response, "overdue") == [overdue]
    assert section_children(response, "today") == [today]
    assert section_children(response, "this_week") == [this_week]
    assert section_children(response, "later") == [later]
    page = response.content.decode()
    assert "逾期14天" in page and "应访 4月17日" in page and "上次探访 3月18日" in page


def test_overdue_section_alone(client_for, worker):
    overdue = child_visited(worker, D(2026, 3, 2))
    child_visited(worker, D(2026, 3, 16))
    response = client_for(worker).get(reverse("visits:worklist") + "?section=overdue")
    assert [name for name, _items, _count in response.context["sections"]] == ["overdue"]
    assert section_children(response, "overdue") == [overdue]


def test_worker_list_leaves_out_other_counties_and_colleagues_caseloads(client_for, worker, other_worker):
    mine = child_visited(worker, D(2026, 3, 2))
    child_visited(other_worker, D(2026, 3, 2), residence_id="440882001001")
    from conftest import make_user

    colleague = make_user("colleague", "social_worker", ["440802"])
    child_visited(worker, D(2026, 3, 2), social_worker=colleague)
    response = client_for(worker).get(reverse("visits:worklist"))
    assert section_children(response, "overdue") == [mine]


def test_child_added_without_signals_appears_after_the_nightly_run_not_as_a_side_effect_of_a_get(
        client_for, worker):
    from children.models import Child
    from visits.tasks import daily_visit_run

    Child.objects.bulk_create([Child(name="批量导入", sex="F", birth_date=D(2015, 1, 1), residence_id="440802001001",
                                     risk_level=RiskLevel.HIGH, created_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))])
    client = client_for(worker)
    assert section_children(client.get(reverse("visits:worklist")), "overdue") == []
    assert not DueVisit.objects.exists()  # a GET writes nothing
    daily_visit_run()
    response = client.get(reverse("visits:worklist"))
    assert [c.name for c in section_children(response, "overdue")] == ["批量导入", "批量导入"]  # home visit and call


def test_children_imported_from_a_ledger_are_scheduled_at_import(worker):
    from children.management.commands.generate_dataset import create, synthetic_rows

    assert create(synthetic_rows(3, seed=17)) == 3
    assert DueVisit.objects.count() == 3  # imported without a level: the intake home visit


def test_a_long_work_list_is_paged_and_stays_small(client_for, worker, django_assert_max_num_queries):
    """2,000 due visits: the page shows a few of each section with a link to the rest, in a constant
    number of queries, and stays small enough for a phone."""
    from children.models import Child

    children = Child.objects.bulk_create([
        Child(name=f"儿童{n:04d}", sex="F", birth_date=D(2015, 1, 1), residence_id="440802001001",
              risk_level=RiskLevel.MEDIUM_HIGH, social_worker=worker) for n in range(2000)])
    DueVisit.objects.bulk_create([DueVisit(child=child, kind=DueVisit.Kind.HOME, risk_level=RiskLevel.MEDIUM_HIGH,
                                           due_on=TODAY - datetime.timedelta(days=n % 40 - 20))
                                  for n, child in enumerate(children)])
    client = client_for(worker)
    client.get(reverse("visits:worklist"))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("visits:worklist"))
    assert len(response.content) < 150_000
    counts = response.context["counts"]
    assert counts["overdue"] == 950 and sum(counts.values()) == 2000
    assert len(section_children(response, "overdue")) == services.SECTION_PREVIEW
    assert "?section=overdue" in response.content.decode()
    with django_assert_max_num_queries(11):
        second = client.get(reverse("visits:worklist") + "?section=overdue&page=2")
    assert len(second.content) < 150_000
    overdue = section_children(second, "overdue")
    assert len(overdue) == services.SECTION_PAGE and overdue[0] != section_children(response, "overdue")[0]


def worklist_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("visits:worklist")).status_code == 200
    return len(ctx.captured_queries)


def test_worklist_query_count_does_not_grow_with_visits(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    for day in (2, 16, 18):
        child_visited(worker, D(2026, 3, day))
    worklist_queries(client)   # warm: the session and the policy row exist from now on
    # 1 session, 2 user, 3 savepoint (ATOMIC_REQUESTS), 4 user's areas (scope), 5 section counts,
    # 6–9 a page of each of the four sections with child, village and town, 10 unread notifications
    # (nav bell), 11 release savepoint
    with django_assert_num_queries(11):
        client.get(reverse("visits:worklist"))
    for index in range(12):
        child = child_visited(worker, D(2026, 3, 2 + index))
        make_visit(child, worker, on=D(2026, 3, 1), type="phone")
    with django_assert_num_queries(11):
        client.get(reverse("visits:worklist"))


def test_overview_query_count_does_not_grow(client_for, worker, supervisor, django_assert_num_queries):
    client = client_for(supervisor)
    child_visited(worker, D(2026, 3, 2))
    client.get(reverse("visits:worklist"))
    # 1 session, 2 user, 3 savepoint, 4 by worker, 5 by county, 6 county names, 7 longest overdue,
    # 8 bell, 9 release savepoint
    with django_assert_num_queries(9):
        client.get(reverse("visits:worklist"))
    for _ in range(8):
        child_visited(worker, D(2026, 3, 2), residence_id="440882001001")
    with django_assert_num_queries(9):
        client.get(reverse("visits:worklist"))


def test_supervisor_sees_overdue_counts_by_worker_and_county(client_for, worker, other_worker, supervisor):
    child_visited(worker, D(2026, 3, 2), social_worker=worker)
    child_visited(worker, D(2026, 3, 2), social_worker=worker)
    child_visited(other_worker, D(2026, 4, 10), residence_id="440882001001", social_worker=other_worker)
    response = client_for(supervisor).get(reverse("visits:worklist"))
    assert response.status_code == 200
    by_worker = {row["child__social_worker__username"]: (row["total"], row["overdue"])
                 for row in response.context["by_worker"]}
    assert by_worker == {worker.username: (2, 2), other_worker.username: (1, 0)}
    by_county = {row["name"]: (row["total"], row["overdue"]) for row in response.context["by_county"]}
    assert by_county == {"赤坎区": (2, 2), "雷州市": (1, 0)}


def test_county_bureau_overview_is_limited_to_its_county(client_for, worker, county_bureau):
    child_visited(worker, D(2026, 3, 2))
    response = client_for(county_bureau).get(reverse("visits:worklist"))
    assert response.status_code == 200 and response.context["by_county"] == []


def test_monthly_compliance_counts_visits_against_the_target_and_names_who_was_missed(
        client_for, worker, other_worker, lead):
    visited = [child_visited(worker, D(2026, 4, d), social_worker=worker) for d in (1, 2, 3)]
    make_visit(visited[0], worker, on=D(2026, 4, 10))                      # a second visit counts as a visit
    child_visited(worker, D(2026, 4, 2), level=RiskLevel.LOW, social_worker=worker)  # low risk: not counted
    make_visit(visited[1], worker, on=D(2026, 4, 6), type="phone")          # not a home visit
    missed = ChildFactory(name="未探访", risk_level=RiskLevel.HIGH, residence_id="440882001001",
                          social_worker=other_worker)
    make_visit(missed, other_worker, on=D(2026, 3, 30))                     # last month
    response = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04")
    ctx = response.context
    assert response.status_code == 200
    assert (ctx["total_visits"], ctx["target"], ctx["target_met"]) == (4, 10, False)
    assert (ctx["children"], ctx["visited"]) == (4, 3)
    assert [c.name for c in ctx["missed"]] == ["未探访"]
    rows = {r.label: (r.children, r.visited, r.missed, r.visits) for r in ctx["by_worker"]}
    assert rows == {str(worker): (3, 3, 0, 4), str(other_worker): (1, 0, 1, 0)}
    counties = {r.label: (r.children, r.visited, r.visits) for r in ctx["by_county"]}
    assert counties == {"赤坎区": (3, 3, 4), "雷州市": (1, 0, 0)}
    march = client_for(lead).get(reverse("visits:compliance") + "?month=2026-03").context
    assert march["total_visits"] == 1
    # The home card's numbers come from two aggregate queries; they agree with the report.
    summary = services.compliance_summary(user=lead, month=D(2026, 4, 1))
    assert (summary["total_visits"], summary["children"], summary["visited"], summary["missed"]) == (4, 4, 3, 1)


def test_compliance_counts_visits_and_children_by_the_same_level(client_for, worker, lead, supervisor):
    """Issue 13 item 9: a child graded medium-high after a visit made while low was listed as visited
    while its visit was not counted (and the other way round for a child lowered since)."""
    raised = child_visited(worker, D(2026, 4, 2), level=RiskLevel.LOW, social_worker=worker)
    raised.set_risk_level(RiskLevel.MEDIUM_HIGH, by=supervisor)
    lowered = child_visited(worker, D(2026, 4, 3), social_worker=worker)
    lowered.set_risk_level(RiskLevel.LOW, by=supervisor)
    ctx = client_for(lead).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["children"], ctx["visited"], ctx["total_visits"]) == (1, 1, 1)
    rows = {r.label: (r.children, r.visited, r.visits) for r in ctx["by_worker"]}
    assert rows == {str(worker): (1, 1, 1)}


def test_compliance_query_count_does_not_grow(client_for, worker, lead, django_assert_num_queries):
    client = client_for(lead)
    child_visited(worker, D(2026, 4, 1))
    client.get(reverse("visits:compliance"))
    # 1 session, 2 user, 3 savepoint, 4 policy, 5 children with their visit counts, 6 visits,
    # 7 county names, 8 bell, 9 release savepoint
    with django_assert_num_queries(9):
        client.get(reverse("visits:compliance"))
    for day in range(1, 10):
        child_visited(worker, D(2026, 4, day), residence_id="440882001001", social_worker=worker)
    with django_assert_num_queries(9):
        client.get(reverse("visits:compliance"))


def test_sysadmin_has_no_compliance_page(client_for, sysadmin):
    assert client_for(sysadmin).get(reverse("visits:compliance")).status_code == 403


def test_home_cards_for_worker_and_lead(client_for, worker, lead):
    child_visited(worker, D(2026, 3, 2))
    child_visited(worker, D(2026, 3, 16))
    cards = {c.title: c for c in client_for(worker).get(reverse("home")).context["cards"]}
    card = cards["逾期探访"]
    assert card.value == 1 and "今天应访 1" in str(card.note)
    lead_cards = {c.title: c for c in client_for(lead).get(reverse("home")).context["cards"]}
    assert lead_cards["本月高、中高风险家庭入户探访"].value == "0/10"


def test_child_timeline_shows_visits_calls_and_follow_ups(client_for, worker):
    child = child_visited(worker, D(2026, 4, 1))
    FamilyCall.objects.create(child=child, held_on=D(2026, 4, 2), participants="母亲", duration_minutes=15,
                              arranged_by=worker)
    contact = FollowUpContact.objects.create(division_id="440802001001", contacted_on=D(2026, 4, 3),
                                             contact_name="李主任", contact_role="儿童主任", learned="生活正常",
                                             recorded_by=worker)
    contact.children.add(child)
    response = client_for(worker).get(child.get_absolute_url())
    kinds = [e.kind for e in response.context["timeline"]]
    assert kinds[:3] == ["follow_up", "family_call", "visit"]


def test_worker_compliance_is_limited_to_the_children_they_see(client_for, worker, other_worker):
    child_visited(worker, D(2026, 4, 1))
    ChildFactory(risk_level=RiskLevel.HIGH, residence_id="440882001001")
    ctx = client_for(worker).get(reverse("visits:compliance") + "?month=2026-04").context
    assert (ctx["children"], ctx["visited"], ctx["total_visits"]) == (1, 1, 1)
    assert client_for(other_worker).get(reverse("visits:compliance") + "?month=2026-04").context["total_visits"] == 0
