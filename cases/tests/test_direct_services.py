"""Family-education guidance and mediation recorded on the child without a case (issue 13 item 6), and
counted in the same service figures as a case's service records."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import stats
from cases.models import Case, DirectService, ServiceType
from cases.tests.case_helpers import case_through, serve
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def url(child) -> str:
    return reverse("cases:direct_service_create", args=[child.pk])


def data(code="family_education", **overrides) -> dict:
    values = {"service_type": ServiceType.objects.get(code=code).pk, "served_on": timezone.localdate().isoformat(),
              "duration_minutes": 45, "participants": ["guardian", "child"], "participant_names": "祖母",
              "content": "和祖母谈孩子玩手机的规矩", "result": "祖母同意每晚收手机"}
    values.update(overrides)
    return values


def test_worker_records_guidance_for_a_child_without_a_case(client_for, worker):
    child = ChildFactory(social_worker=worker, name="小芳")
    client = client_for(worker)
    page = client.get(child.get_absolute_url()).content.decode()
    assert url(child) in page  # the child's page offers it
    form = client.get(url(child)).content.decode()
    assert "家庭教育指导" in form and "家庭矛盾调解" in form and "陪伴" not in form  # family services only
    response = client.post(url(child), data())
    assert response.status_code == 302
    record = DirectService.objects.get()
    assert (record.child, record.created_by, record.service_type.code) == (child, worker, "family_education")
    assert not Case.objects.exists()
    timeline = client.get(child.get_absolute_url()).content.decode()
    assert "服务：家庭教育指导" in timeline


def test_mediation_needs_the_guardian_or_caregiver_and_a_past_date(client_for, worker):
    child = ChildFactory(social_worker=worker)
    client = client_for(worker)
    response = client.post(url(child), data("family_mediation", participants=["child"]))
    assert response.status_code == 200 and "请勾选监护人或委托照护人" in response.content.decode()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url(child), data("family_mediation", served_on=tomorrow))
    assert response.status_code == 200 and "服务日期晚于今天" in response.content.decode()
    companionship = ServiceType.objects.get(code="companionship").pk
    assert client.post(url(child), data(service_type=companionship)).status_code == 200
    assert not DirectService.objects.exists()


def test_only_caseworkers_who_see_the_child(client_for, worker, other_worker, bureau):
    child = ChildFactory(social_worker=worker)
    assert client_for(other_worker).post(url(child), data()).status_code == 404
    assert client_for(bureau).post(url(child), data()).status_code == 403  # sees the child, does no casework
    assert not DirectService.objects.exists()


def test_service_figures_count_case_services_and_services_without_a_case(worker, supervisor):
    today = timezone.localdate()
    with_case = ChildFactory(social_worker=worker)
    from cases import services as case_services

    case = case_services.open_case(child=with_case, by=worker, source=Case.Source.VISIT, reason="祖母年迈")
    case_through(case, worker, supervisor, Case.Stage.INTERVENTION)  # plan approved, no service yet
    serve(case, worker, code="family_education", participants=("guardian",))
    without = ChildFactory(social_worker=worker, residence_id=with_case.residence_id)
    DirectService.objects.create(child=without, service_type=ServiceType.objects.get(code="family_education"),
                                 served_on=today, duration_minutes=30, participants=["guardian"], content="指导",
                                 result="好", created_by=worker)
    elsewhere = ChildFactory(social_worker=worker, residence_id="440882001001")
    DirectService.objects.create(child=elsewhere, service_type=ServiceType.objects.get(code="family_mediation"),
                                 served_on=today, duration_minutes=90, participants=["caregiver"], content="调解",
                                 result="好", created_by=worker)

    f = stats.period_figures(today, today)
    assert (f.services, f.services_without_case) == (3, 2)
    by_type = {row.label: (row.n, row.hours) for row in f.services_by_type}
    assert by_type["家庭教育指导"] == (2, 1.5)  # 60 minutes in the case, 30 without
    assert by_type["家庭矛盾调解"] == (1, 1.5)
    assert f.service_hours == 3.0
    county = stats.period_figures(today, today, area=with_case.residence_id[:6])
    assert (county.services, county.services_without_case) == (2, 1)
    last_month = stats.period_figures(today - datetime.timedelta(days=40), today - datetime.timedelta(days=35))
    assert (last_month.services, last_month.services_without_case) == (0, 0)
