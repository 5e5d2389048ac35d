"""Attendance picked through the child search (issue 12 item 4): the intake and the activity pages
weigh the same and ask the same queries with 1 or 5,001 children in the worker's area."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from children.models import Child
from children.tests.factories import ChildFactory

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db

VILLAGE = "440802001001"  # 赤坎区, the worker's area


def _many_children(template: Child, n: int) -> None:
    rows = []
    for i in range(n):
        child = copy.copy(template)
        child.pk = child.id = None
        child.id_number, child.id_number_index = "", None
        child.name, child.name_pinyin, child.name_initials = f"儿童{i:05d}", f"ertong{i:05d}", "et"
        rows.append(child)
    Child.objects.bulk_create(rows, batch_size=1000)


def _queries(client, url) -> int:
    client.get(url)  # warm caches (session, permissions) as a user's second page would
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def form_data(**overrides):
    data = {"kind": "community_education", "topic": "drowning", "title": "暑期防溺水", "status": "planned",
            "starts_at": "2026-12-05T09:00", "ends_at": "", "place_county": "440802", "place_town": "440802001",
            "place_village": VILLAGE, "venue": "村委会", "partners": "", "volunteer_count": "0",
            "volunteer_hours": "0", "other_children_count": "0", "parents_count": "0", "others_count": "0",
            "summary": "", "feedback": ""}
    data.update(overrides)
    return data


def test_intake_and_attendance_pages_stay_small_with_5000_children(client_for, worker, django_assert_num_queries):
    template = ChildFactory(name="模板儿童", social_worker=worker, residence_id=VILLAGE)
    attending = ChildFactory(name="参加的孩子", social_worker=worker, residence_id=VILLAGE)
    activity = ActivityFactory(organiser=worker, created_by=worker, place_id=VILLAGE)
    activity.registered_children.set([attending])
    client = client_for(worker)
    pages = [reverse("cases:case_create"), reverse("activities:create"), reverse("activities:edit", args=[activity.pk])]
    before = {url: (_queries(client, url), len(client.get(url).content)) for url in pages}

    _many_children(template, 5000)
    assert Child.objects.visible_to(worker).in_registry().count() == 5002
    for url in pages:
        queries, size = before[url]
        with django_assert_num_queries(queries):  # the same queries with 2 or 5,002 children
            response = client.get(url)
        body = response.content.decode()
        assert len(response.content) < 60_000 and len(response.content) < size + 2_000, url
        assert "儿童04999" not in body and "儿童00000" not in body, url
    edit = client.get(pages[2]).content.decode()
    assert f'name="registered_children" value="{attending.pk}" checked' in edit  # the chosen child is shown
    assert edit.count('name="registered_children"') == 1 and 'type="checkbox"' in edit


def test_attendance_found_by_search_is_saved(client_for, worker, other_worker):
    mine = ChildFactory(name="林小雨", social_worker=worker, residence_id=VILLAGE)
    theirs = ChildFactory(name="林小雪", social_worker=other_worker, residence_id="440882001001")
    client = client_for(worker)
    found = client.get(reverse("children:autocomplete"),
                       {"q": "林小", "field": "registered_children", "multiple": "1"}).content.decode()
    assert f'type="checkbox" name="registered_children" value="{mine.pk}"' in found and "林小雪" not in found
    response = client.post(reverse("activities:create"), form_data(registered_children=[mine.pk]))
    assert response.status_code == 302
    assert list(Activity.objects.get().registered_children.all()) == [mine]
    response = client.post(reverse("activities:create"), form_data(registered_children=[theirs.pk]))
    assert response.status_code == 200 and "registered_children" in response.context["form"].errors
