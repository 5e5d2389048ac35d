"""Pickers that hold up with a real registry: the intake page never lists every child; the
autocomplete finds a child by name, pinyin or village, within what the user may see."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Child
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

INTAKE = reverse("cases:case_create")
AUTOCOMPLETE = reverse("children:autocomplete")


def _many_children(template: Child, n: int) -> None:
    """n more children like `template`, in one bulk insert (no per-row saves)."""
    rows = []
    for i in range(n):
        child = copy.copy(template)
        child.pk = child.id = None
        child.id_number, child.id_number_index = "", None
        child.name, child.name_pinyin, child.name_initials = f"儿童{i:05d}", f"ertong{i:05d}", "et"
        rows.append(child)
    Child.objects.bulk_create(rows, batch_size=500)


def _measure(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(captured)


def test_intake_page_stays_small_with_5000_children(client_for, worker):
    template = ChildFactory(name="模板儿童", social_worker=worker)
    client = client_for(worker)
    small = _measure(client, INTAKE)
    _many_children(template, 5000)
    large = _measure(client, INTAKE)
    assert large[1] == small[1]  # the same queries whether 1 or 5,001 children
    assert large[0] < small[0] + 2_000 and large[0] < 60_000  # no option per child
    body = client.get(INTAKE).content.decode()
    assert "<select" not in body.split('name="child"')[0][-300:] and "儿童04999" not in body


def test_autocomplete_finds_by_name_pinyin_and_village_within_scope(client_for, worker, other_worker):
    mine = ChildFactory(name="林小雨", social_worker=worker)
    ChildFactory(name="林小雪", social_worker=other_worker, residence_id="440882001001")
    client = client_for(worker)
    by_name = client.get(AUTOCOMPLETE, {"q": "林小"}).content.decode()
    assert "林小雨" in by_name and "林小雪" not in by_name  # only children this worker may see
    assert "林小雨" in client.get(AUTOCOMPLETE, {"q": "lxy"}).content.decode()
    assert "林小雨" in client.get(AUTOCOMPLETE, {"q": mine.residence.name}).content.decode()


def test_autocomplete_is_capped(client_for, worker):
    _many_children(ChildFactory(name="模板儿童", social_worker=worker), 60)
    client = client_for(worker)
    body = client.get(AUTOCOMPLETE, {"q": "儿童"}).content.decode()
    assert body.count('name="child"') == 20


def test_a_case_opens_through_the_picker(client_for, worker):
    child = ChildFactory(name="林小雨", social_worker=worker)
    page = client_for(worker).get(INTAKE, {"child": child.pk}).content.decode()
    assert f'value="{child.pk}" checked' in page
    response = client_for(worker).post(INTAKE, {"child": child.pk, "source": "visit", "reason": "独自在家",
                                                "opened_on": "2026-11-20"})
    assert response.status_code == 302 and child.cases.exists()


def test_autocomplete_reads_what_the_search_box_sends(client_for, worker):
    """The picker's search box is named "<field>-q" (templates/children/child_picker.html)."""
    ChildFactory(name="林小雨", social_worker=worker)
    body = client_for(worker).get(AUTOCOMPLETE, {"child-q": "林小", "field": "child"}).content.decode()
    assert "林小雨" in body
