"""Activity pages: who sees and changes what, the form, attendance without leaking names, calendar, card."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from activities.models import Activity
from activities.services import create_contract_year
from children.tests.factories import ChildFactory

from .factories import ActivityFactory, shanghai

pytestmark = pytest.mark.django_db

LEIZHOU_VILLAGE = "440882001001"
SUIXI_VILLAGE = "440823001001"


@pytest.fixture
def activity(worker):
    return ActivityFactory(organiser=worker, created_by=worker)


def form_data(**overrides):
    data = {"kind": "community_education", "topic": "drowning", "title": "暑期防溺水", "status": "planned",
            "starts_at": "2026-12-05T09:00", "ends_at": "", "place_county": "440802", "place_town": "440802001",
            "place_village": "", "venue": "村委会", "partners": "", "volunteer_count": "2", "volunteer_hours": "6",
            "other_children_count": "0", "parents_count": "0", "others_count": "0", "summary": "", "feedback": ""}
    data.update(overrides)
    return data


# ---------------------------------------------------------------- who sees what

def test_organiser_sees_and_edits_their_activity(client_for, worker, activity):
    client = client_for(worker)
    assert client.get(activity.get_absolute_url()).status_code == 200
    assert client.get(reverse("activities:edit", args=[activity.pk])).status_code == 200


def test_worker_of_another_county_sees_project_activity_but_cannot_change_it(client_for, other_worker, activity):
    client = client_for(other_worker)
    assert client.get(activity.get_absolute_url()).status_code == 200
    response = client.post(reverse("activities:edit", args=[activity.pk]), form_data(title="改掉"))
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title != "改掉"


def test_outsider_gets_404(client_for, outsider, activity):
    client = client_for(outsider)
    assert client.get(activity.get_absolute_url()).status_code == 404
    assert client.post(reverse("activities:edit", args=[activity.pk]), form_data()).status_code == 404


def test_county_bureau_sees_only_its_county(client_for, county_bureau, activity):
    suixi = ActivityFactory(place_id=SUIXI_VILLAGE)
    client = client_for(county_bureau)
    assert client.get(activity.get_absolute_url()).status_code == 404
    assert client.get(suixi.get_absolute_url()).status_code == 200
    assert [a.pk for a in client.get(reverse("activities:list")).context["page"]] == [suixi.pk]


def test_bureau_reads_but_gets_403_on_post(client_for, bureau, activity):
    client = client_for(bureau)
    assert client.get(activity.get_absolute_url()).status_code == 200
    assert client.post(reverse("activities:edit", args=[activity.pk]), form_data()).status_code == 403
    assert client.post(reverse("activities:create"), form_data()).status_code == 403
    assert not Activity.objects.filter(title="暑期防溺水").exists()


def test_anonymous_is_sent_to_login(client, activity):
    response = client.get(activity.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


# ---------------------------------------------------------------- the form

def test_worker_plans_an_activity_in_a_town(client_for, worker):
    response = client_for(worker).post(reverse("activities:create"), form_data())
    activity = Activity.objects.get(title="暑期防溺水")
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert (activity.place_id, activity.county_id, activity.organiser, activity.status) == (
        "440802001", "440802", worker, "planned")
    assert activity.starts_at == shanghai(2026, 12, 5, 9)


def test_form_without_place_says_what_to_choose_and_saves_nothing(client_for, worker):
    response = client_for(worker).post(reverse("activities:create"), form_data(place_county="", place_town=""))
    assert response.status_code == 200
    assert "place" in response.context["form"].errors
    assert not Activity.objects.exists()


@time_machine.travel(datetime.datetime(2026, 11, 29, 2, 0, tzinfo=datetime.UTC))
def test_cannot_record_as_held_an_activity_that_has_not_started(client_for, worker):
    response = client_for(worker).post(reverse("activities:create"), form_data(status="held", summary="讲了防溺水"))
    assert response.status_code == 200
    assert "尚未开始" in str(response.context["form"].errors)
    assert not Activity.objects.exists()


def test_held_without_summary_is_refused(client_for, worker, activity):
    data = form_data(status="held", starts_at="2026-01-05T09:00", summary="")
    response = client_for(worker).post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 200
    assert "活动总结" in str(response.context["form"].errors)


# ---------------------------------------------------------------- attendance

def test_attendance_offers_only_registered_children_the_editor_can_see(client_for, worker, activity):
    mine = ChildFactory(residence_id="440802001001")
    ChildFactory(residence_id=LEIZHOU_VILLAGE)
    ChildFactory(residence_id="440802001001", status="exited", exited_on=datetime.date(2026, 1, 1),
                 exit_reason="迁出")
    activity.place_id = "440802001001"
    activity.save()
    response = client_for(worker).get(reverse("activities:edit", args=[activity.pk]))
    assert list(response.context["form"].fields["registered_children"].queryset) == [mine]


def test_editing_attendance_keeps_children_the_editor_cannot_see(client_for, worker, lead, activity):
    mine, theirs = ChildFactory(), ChildFactory(residence_id=LEIZHOU_VILLAGE)
    activity.registered_children.set([theirs])  # recorded by someone who sees 雷州市
    data = form_data(status="held", starts_at="2026-01-05T09:00", summary="讲解防溺水", place_village="440802001001",
                     registered_children=[mine.pk])
    response = client_for(worker).post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 302
    assert set(activity.registered_children.all()) == {mine, theirs}


def test_cannot_smuggle_in_a_child_outside_ones_area(client_for, worker, activity):
    theirs = ChildFactory(residence_id=LEIZHOU_VILLAGE)
    data = form_data(registered_children=[theirs.pk])
    response = client_for(worker).post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 200 and "registered_children" in response.context["form"].errors
    assert not activity.registered_children.exists()


def test_detail_does_not_show_names_of_children_the_viewer_cannot_see(client_for, other_worker, worker, activity):
    mine, theirs = ChildFactory(name="赤坎的孩子"), ChildFactory(name="雷州的孩子", residence_id=LEIZHOU_VILLAGE)
    activity.registered_children.set([mine, theirs])
    response = client_for(other_worker).get(activity.get_absolute_url())
    content = response.content.decode()
    assert "雷州的孩子" in content and "赤坎的孩子" not in content
    assert response.context["hidden_children"] == 1 and response.context["registered_total"] == 2


# ---------------------------------------------------------------- training attendees

def attendee_list(*rows):
    """The training's one form: rows of (name, position, county, town, village)."""
    data = {"attendees-TOTAL_FORMS": str(len(rows)), "attendees-INITIAL_FORMS": "0"}
    for i, (name, position, county, town, village) in enumerate(rows):
        data.update({f"attendees-{i}-name": name, f"attendees-{i}-position": position,
                     f"attendees-{i}-division_county": county, f"attendees-{i}-division_town": town,
                     f"attendees-{i}-division_village": village})
    return data


def test_training_attendee_with_town_or_village(client_for, worker):
    training = ActivityFactory(kind="training", organiser=worker, created_by=worker)
    client = client_for(worker)
    url = reverse("activities:attendee_add", args=[training.pk])
    client.post(url, attendee_list(("林秀梅", "child_supervisor", "440802", "440802001", "")))
    response = client.post(url, attendee_list(("无地点", "child_director", "440802", "", "")))
    assert response.status_code == 200  # a county is not where a child director serves
    assert [(a.name, a.division_id) for a in training.attendees.all()] == [("林秀梅", "440802001")]


def test_other_worker_cannot_add_attendees(client_for, other_worker, worker):
    training = ActivityFactory(kind="training", organiser=worker, created_by=worker)
    response = client_for(other_worker).post(reverse("activities:attendee_add", args=[training.pk]), attendee_list(
        ("林秀梅", "child_supervisor", "440802", "440802001", "")))
    assert response.status_code == 403 and not training.attendees.exists()


# ---------------------------------------------------------------- lists, calendar, tracker page

def test_list_query_count_does_not_grow_with_rows(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    client.get(reverse("home"))  # the session's idle stamp is written on the first request only
    ActivityFactory.create_batch(2, organiser=worker, created_by=worker)

    def count_queries():
        # session, user, user's areas (visible_to), count for the paginator, the page of activities with
        # county/place/organiser and photo counts, counties for the filter, unread notifications (nav);
        # the savepoint pair of ATOMIC_REQUESTS
        with django_assert_num_queries(9):
            response = client.get(reverse("activities:list"))
        return response

    assert len(count_queries().context["page"]) == 2
    ActivityFactory.create_batch(5, organiser=worker, created_by=worker)
    assert len(count_queries().context["page"]) == 7


def test_calendar_puts_a_2330_activity_on_its_shanghai_day(client_for, worker):
    ActivityFactory(title="月末晚间活动", starts_at=datetime.datetime(2026, 4, 30, 15, 30, tzinfo=datetime.UTC))
    ActivityFactory(title="次月凌晨活动", starts_at=datetime.datetime(2026, 4, 30, 16, 30, tzinfo=datetime.UTC))
    client = client_for(worker)
    april = client.get(reverse("activities:calendar"), {"month": "2026-04"}).context
    days = {day: [a.title for a in items] for day, items in april["days"]}
    assert days == {datetime.date(2026, 4, 30): ["月末晚间活动"]}
    may = client.get(reverse("activities:calendar"), {"month": "2026-05"}).context
    assert [[a.title for a in items] for _d, items in may["days"]] == [["次月凌晨活动"]]


def test_calendar_shows_planned_and_held_in_a_fixed_number_of_queries(client_for, worker, django_assert_num_queries):
    client = client_for(worker)
    client.get(reverse("home"))  # the session's idle stamp is written on the first request only
    for day in (3, 3, 17):
        ActivityFactory(starts_at=shanghai(2026, 6, day, 9))
    ActivityFactory(starts_at=shanghai(2026, 6, 20, 9), status="planned")
    ActivityFactory(starts_at=shanghai(2026, 6, 21, 9), status="cancelled")
    # session, user, user's areas, the month's activities with counties, unread notifications (nav);
    # the savepoint pair of ATOMIC_REQUESTS
    with django_assert_num_queries(7):
        response = client.get(reverse("activities:calendar"), {"month": "2026-06"})
    statuses = sorted(a.status for _d, items in response.context["days"] for a in items)
    assert statuses == ["held", "held", "held", "planned"]


def test_targets_page_for_lead_and_bureau_not_county_bureau(client_for, lead, bureau, county_bureau):
    create_contract_year(name="2026 年度", signed_on=datetime.date(2026, 3, 15))
    assert client_for(lead).get(reverse("activities:targets")).status_code == 200
    assert client_for(bureau).get(reverse("activities:targets")).context["tracker"] is not None
    assert client_for(county_bureau).get(reverse("activities:targets")).status_code == 403


@time_machine.travel(datetime.datetime(2026, 4, 20, 2, 0, tzinfo=datetime.UTC))
def test_lead_home_page_shows_what_is_missing_and_by_when(client_for, lead, worker):
    create_contract_year(name="2026 年度", signed_on=datetime.date(2026, 3, 15))
    ActivityFactory(starts_at=shanghai(2026, 3, 20, 9))
    response = client_for(lead).get(reverse("home"))
    content = response.content.decode()
    assert 'id="target-card"' in content
    assert "2026-05-14前还需1次" in content  # the current contract month, 15 April–14 May
    assert "2027-03-14前还需11次" in content
    assert 'id="target-card"' not in client_for(worker).get(reverse("home")).content.decode()


def test_bureau_home_page_shows_targets_and_review_queue(client_for, bureau):
    create_contract_year(name="2026 年度", signed_on=datetime.date(2026, 3, 15))
    titles = [card.title for card in client_for(bureau).get(reverse("home")).context["cards"]]
    assert "合同指标" in titles and "待审核稿件" in titles


def test_worker_home_lists_their_past_planned_activities_to_record(client_for, worker, other_worker):
    ActivityFactory(status="planned", organiser=worker, created_by=worker,
                    starts_at=shanghai(2026, 1, 5, 9))
    ActivityFactory(status="planned", organiser=other_worker, created_by=other_worker,
                    starts_at=shanghai(2026, 1, 6, 9))
    ActivityFactory(status="planned", organiser=worker, created_by=worker,
                    starts_at=shanghai(2099, 1, 5, 9))  # still to come
    cards = {c.title: c for c in client_for(worker).get(reverse("home")).context["cards"]}
    assert cards["待记录的活动"].value == 1
    listed = client_for(worker).get(cards["待记录的活动"].url).context["page"]
    assert [a.organiser for a in listed] == [worker, worker]


def test_county_bureau_finds_activities_in_its_navigation(client_for, county_bureau):
    nav = client_for(county_bureau).get(reverse("home")).context["nav_items"]
    assert reverse("activities:list") in [item["url"] for item in nav]


def test_the_pager_keeps_the_lists_filters(client_for, worker):
    """Every list pages with the one pager (accounts/templatetags/pager.py): 第 n 页，共 m 页, links that keep
    the filters the list was opened with, nothing when everything fits on one page."""
    ActivityFactory.create_batch(31, organiser=worker, created_by=worker, status="planned")
    client = client_for(worker)
    first = client.get(reverse("activities:list") + "?status=planned&mine=1").content.decode()
    assert "第1页，共2页" in first
    assert 'href="?status=planned&amp;mine=1&amp;page=2"' in first
    second = client.get(reverse("activities:list") + "?status=planned&mine=1&page=2").content.decode()
    assert "第2页，共2页" in second and 'href="?status=planned&amp;mine=1&amp;page=1"' in second
    assert 'class="pagination' not in client.get(reverse("activities:list") + "?status=held").content.decode()
