"""Issue 11 item 9: a discovery report cites only what its author may see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Incident
from children.tests.factories import ChildFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


def report_data(**overrides) -> dict:
    discovered = timezone.localtime(timezone.now() - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    data = {"situations": ["injury"], "discovered_at": discovered, "description": "孩子手臂有多处淤青",
            "reporter_kind": "self"}
    data.update(overrides)
    return data


def visit_of(child, by) -> Visit:
    return Visit.objects.create(child=child, visited_on=timezone.localdate(), duration_minutes=40, child_seen=True,
                                recorded_by=by)


def test_a_report_cannot_cite_another_countys_visit(client_for, worker, other_worker, child):
    leizhou_visit = visit_of(ChildFactory(residence_id="440882001001", social_worker=other_worker), other_worker)
    response = client_for(worker).post(reverse("cases:incident_create"),
                                       report_data(child=child.pk, visit_id=leizhou_visit.pk))
    assert response.status_code == 200
    # The same words as for a number that names no visit: nothing tells that it exists.
    assert "本报告关联的探访记录不存在。" in response.context["form"].non_field_errors()
    assert not Incident.objects.exists()


def test_a_report_cannot_cite_a_visit_about_another_child(client_for, worker, child):
    sibling = ChildFactory(social_worker=worker)
    response = client_for(worker).post(reverse("cases:incident_create"),
                                       report_data(child=child.pk, visit_id=visit_of(sibling, worker).pk))
    assert response.status_code == 200 and "child" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_a_report_cites_a_visible_visit_of_its_child(client_for, worker, child):
    visit = visit_of(child, worker)
    client_for(worker).post(reverse("cases:incident_create"), report_data(child=child.pk, visit_id=visit.pk))
    assert Incident.objects.get().visit_id == visit.pk


def test_a_report_cannot_name_another_countys_child(client_for, worker, other_worker):
    leizhou_child = ChildFactory(residence_id="440882001001", social_worker=other_worker)
    response = client_for(worker).post(reverse("cases:incident_create"), report_data(child=leizhou_child.pk))
    assert response.status_code == 200 and "child" in response.context["form"].errors
    assert not Incident.objects.exists()
