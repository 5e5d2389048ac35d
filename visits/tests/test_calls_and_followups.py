"""亲情连线 and 随访: permissions, bad input, scoping."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from visits.models import FamilyCall, FollowUpContact

from .conftest import make_visit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def call_data(**overrides):
    return {"held_on": TODAY().isoformat(), "mode": "video", "participants": "儿童本人、母亲（广州务工）",
            "duration_minutes": "20", "note": "约定每周六晚视频", **overrides}


def followup_data(**overrides):
    return {"division_county": "440802", "division_town": "440802001", "division_village": "440802001001",
            "contacted_on": TODAY().isoformat(), "method": "phone", "contact_name": "李主任",
            "contact_role": "儿童主任", "learned": "村内留守儿童生活正常", **overrides}


# ---------------------------------------------------------------- 亲情连线


def test_worker_records_a_parent_child_call_linked_to_a_visit(client_for, worker, child):
    visit = make_visit(child, worker, on=TODAY())
    client = client_for(worker)
    url = reverse("visits:call_create", args=[child.pk]) + f"?visit={visit.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, call_data())
    call = FamilyCall.objects.get()
    assert response.status_code == 302 and response.url == call.get_absolute_url()
    assert call.visit == visit and call.arranged_by == worker and call.note == "约定每周六晚视频"
    assert client.get(call.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("overrides", "message"), [
    ({"held_on": (TODAY() + datetime.timedelta(days=2)).isoformat()}, "连线日期不能晚于今天"),
    ({"participants": ""}, "请填写参与连线的人"),
    ({"duration_minutes": "900"}, "1 到 600 分钟"),
])
def test_bad_call_input_is_refused(client_for, worker, child, overrides, message):
    response = client_for(worker).post(reverse("visits:call_create", args=[child.pk]), call_data(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not FamilyCall.objects.exists()


def test_calls_are_scoped_like_their_child(client_for, worker, other_worker, bureau, child):
    call = FamilyCall.objects.create(child=child, held_on=TODAY(), participants="母亲", duration_minutes=10,
                                     arranged_by=worker)
    assert client_for(other_worker).get(call.get_absolute_url()).status_code == 404
    assert list(FamilyCall.objects.visible_to(other_worker)) == []
    assert list(FamilyCall.objects.visible_to(bureau)) == [call]
    bureau_client = client_for(bureau)
    assert bureau_client.get(call.get_absolute_url()).status_code == 200
    assert bureau_client.post(reverse("visits:call_create", args=[child.pk]), call_data()).status_code == 403
    assert FamilyCall.objects.count() == 1


# ---------------------------------------------------------------- 随访


def test_worker_records_a_follow_up_with_a_village_and_feedback(client_for, worker, child):
    client = client_for(worker)
    assert client.get(reverse("visits:followup_create")).status_code == 200
    response = client.post(reverse("visits:followup_create"), followup_data(
        children=[child.pk], fed_back="on", fed_back_to="赤坎区民政局", fed_back_on=TODAY().isoformat()))
    contact = FollowUpContact.objects.get()
    assert response.status_code == 302 and response.url == contact.get_absolute_url()
    assert contact.division_id == "440802001001" and list(contact.children.all()) == [child]
    assert contact.learned == "村内留守儿童生活正常" and contact.recorded_by == worker
    assert client.get(contact.get_absolute_url()).status_code == 200
    assert contact in client.get(reverse("visits:followup_list")).context["contacts"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"contacted_on": (TODAY() + datetime.timedelta(days=1)).isoformat()}, "随访日期不能晚于今天"),
    ({"fed_back": "on"}, "请填写反馈给了哪个民政部门"),
    ({"division_county": "440882", "division_town": "440882001", "division_village": "440882001001"},
     "不在您的服务区域内"),
    ({"division_town": "", "division_village": ""}, "不能只选县"),
    ({"division_county": "", "division_town": "", "division_village": ""}, "请选择所联系的镇"),
])
def test_bad_follow_up_input_is_refused(client_for, worker, overrides, message):
    response = client_for(worker).post(reverse("visits:followup_create"), followup_data(**overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not FollowUpContact.objects.exists()


def test_follow_ups_are_scoped_by_place(client_for, worker, other_worker, county_bureau, supervisor):
    contact = FollowUpContact.objects.create(division_id="440802001001", contacted_on=TODAY(),
                                             contact_name="李主任", contact_role="儿童主任", learned="正常",
                                             recorded_by=worker)
    assert client_for(other_worker).get(contact.get_absolute_url()).status_code == 404
    assert client_for(county_bureau).get(contact.get_absolute_url()).status_code == 404
    assert client_for(supervisor).get(contact.get_absolute_url()).status_code == 200


def test_read_only_roles_cannot_record_follow_ups(client_for, bureau):
    client = client_for(bureau)
    assert client.get(reverse("visits:followup_list")).context["can_add"] is False
    assert client.post(reverse("visits:followup_create"), followup_data()).status_code == 403
    assert not FollowUpContact.objects.exists()


def test_follow_up_list_query_count_does_not_grow(client_for, worker, django_assert_num_queries):
    client = client_for(worker)

    def add(n):
        for _ in range(n):
            FollowUpContact.objects.create(division_id="440802001001", contacted_on=TODAY(), contact_name="李",
                                           contact_role="儿童主任", learned="正常", recorded_by=worker)
    add(1)
    client.get(reverse("visits:followup_list"))
    # 1 session, 2 user, 3 savepoint, 4 areas, 5 page count, 6 contacts with place, town, author and receiver,
    # 7 the counties for the filter, 8 bell, 9 release; one page of 25 rows at most
    with django_assert_num_queries(9):
        client.get(reverse("visits:followup_list"))
    add(30)
    with django_assert_num_queries(9):
        client.get(reverse("visits:followup_list"))
