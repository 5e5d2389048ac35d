"""Guardian and child requests (R8): recorded and answered by the team on a child it sees, with the deadline of
15 working days; a deletion request is answered with the retention rule, never by deleting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from children.models import RETENTION_ANSWER, DataRequest, working_days_after
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def child(worker):
    return ChildFactory(social_worker=worker, name="陈小明")


def new_request(child, by, kind="copy", received_on=None):
    return DataRequest.objects.create(child=child, kind=kind, requester="guardian", recorded_by=by,
                                      received_on=received_on or timezone.localdate())


def test_the_deadline_is_15_working_days_weekends_skipped():
    assert working_days_after(D(2026, 11, 27), 15) == D(2026, 12, 18)  # a Friday: three weeks later
    assert working_days_after(D(2026, 11, 28), 15) == D(2026, 12, 18)  # a Saturday counts from Monday too
    assert working_days_after(D(2026, 11, 30), 15) == D(2026, 12, 21)


def test_worker_records_a_request_and_sees_the_deadline(client_for, worker, child):
    client = client_for(worker)
    url = reverse("children:requests", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "correct", "requester": "guardian", "requester_name": "陈大山",
                                 "received_on": "2026-11-27", "details": "出生日期登记错了"})
    data_request = DataRequest.objects.get()
    assert response.status_code == 302 and response.url == data_request.get_absolute_url()
    assert (data_request.child, data_request.recorded_by, data_request.due_on) == (child, worker, D(2026, 12, 18))
    assert AuditEntry.objects.filter(action="child.data_request", target_id=str(data_request.pk)).exists()
    page = client.get(data_request.get_absolute_url()).content.decode()
    assert "2026-12-18" in page and reverse("children:edit", args=[child.pk]) in page  # correct through the edit


def test_a_request_received_in_the_future_is_refused(client_for, worker, child):
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = client_for(worker).post(reverse("children:requests", args=[child.pk]), {
        "kind": "see", "requester": "child", "received_on": f"{future:%Y-%m-%d}"})
    assert response.status_code == 200 and "日期不能晚于今天" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_an_unanswered_request_past_its_deadline_is_overdue(client_for, worker, child):
    late = new_request(child, worker, received_on=timezone.localdate() - datetime.timedelta(days=30))
    on_time = new_request(child, worker, kind="see")
    assert late.is_overdue and not on_time.is_overdue
    page = client_for(worker).get(late.get_absolute_url()).content.decode()
    assert "（逾期）" in page or "(逾期)" in page


def test_a_copy_request_offers_the_childs_file(client_for, worker, child):
    data_request = new_request(child, worker)
    page = client_for(worker).get(data_request.get_absolute_url()).content.decode()
    assert reverse("children:pdf", args=[child.pk]) in page


def test_a_deletion_request_is_answered_with_the_retention_rule(client_for, worker, child):
    data_request = new_request(child, worker, kind="delete")
    client = client_for(worker)
    page = client.get(data_request.get_absolute_url())
    assert str(RETENTION_ANSWER) in page.content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    response = client.post(data_request.get_absolute_url(), {"answered_on": today, "outcome": "done",
                                                             "answer": "已删除"})
    assert response.status_code == 200
    data_request.refresh_from_db()
    assert data_request.is_open
    response = client.post(data_request.get_absolute_url(), {"answered_on": today, "outcome": "refused",
                                                             "answer": str(RETENTION_ANSWER)})
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert (data_request.outcome, data_request.answered_by) == ("refused", worker)
    assert type(child).objects.filter(pk=child.pk).exists()  # nothing about the child is deleted


def test_an_answer_needs_words_and_cannot_precede_the_request(client_for, worker, child):
    data_request = new_request(child, worker, kind="see")
    before = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(worker).post(data_request.get_absolute_url(), {
        "answered_on": f"{before:%Y-%m-%d}", "outcome": "done", "answer": ""})
    assert response.status_code == 200
    data_request.refresh_from_db()
    assert data_request.is_open


def test_other_areas_get_404_and_read_only_roles_403(client_for, worker, other_worker, bureau, child):
    data_request = new_request(child, worker)
    for url in (reverse("children:requests", args=[child.pk]), data_request.get_absolute_url()):
        assert client_for(other_worker).get(url).status_code == 404
        assert client_for(bureau).get(url).status_code == 403
        assert client_for(bureau).post(url, {"kind": "see"}).status_code == 403
    assert DataRequest.objects.count() == 1


def test_the_supervisor_answers_a_request_of_any_area(client_for, supervisor, worker, child):
    data_request = new_request(child, worker, kind="see")
    response = client_for(supervisor).post(data_request.get_absolute_url(), {
        "answered_on": f"{timezone.localdate():%Y-%m-%d}", "outcome": "done", "answer": "已当面出示个人档案"})
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.answered_by == supervisor
