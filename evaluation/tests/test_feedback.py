"""The workers' monthly feedback (社工反馈): read by its author, the supervisor and the lead only; answered by the
supervisor."""

import pytest
from django.urls import reverse

from accounts.models import Notification
from evaluation.models import WorkerFeedback

pytestmark = pytest.mark.django_db

NEW = reverse("evaluation:feedback_create")


def form(**overrides):
    data = {"month": "2026-11", "workload": "本月入户探访42次，个案服务6次", "difficulties": "雷州路途远",
            "training_needs": "危机干预", "suggestions": ""}
    data.update(overrides)
    return data


@pytest.fixture
def feedback(client_for, worker):
    client_for(worker).post(NEW, form())
    return WorkerFeedback.objects.get()


def test_worker_writes_monthly_feedback(client_for, worker, feedback):
    assert (feedback.worker, str(feedback.month), feedback.training_needs) == (worker, "2026-11-01", "危机干预")
    assert client_for(worker).get(feedback.get_absolute_url()).status_code == 200


def test_a_second_report_for_the_same_month_is_refused(client_for, worker, feedback):
    response = client_for(worker).post(NEW, form(workload="重复"))
    assert response.status_code == 200 and "本月的反馈已经提交过" in str(response.context["form"].errors)
    assert WorkerFeedback.objects.count() == 1


def test_a_month_not_begun_is_refused(client_for, worker):
    response = client_for(worker).post(NEW, form(month="2099-01"))
    assert "尚未开始" in str(response.context["form"].errors)
    assert not WorkerFeedback.objects.exists()


def test_only_the_author_the_supervisor_and_the_lead_read_it(client_for, feedback, worker, supervisor, lead,
                                                            other_worker, bureau, county_bureau, outsider, sysadmin):
    url = feedback.get_absolute_url()
    for reader in (worker, supervisor, lead):
        assert client_for(reader).get(url).status_code == 200, reader
    for stranger in (other_worker, bureau, county_bureau, outsider, sysadmin):
        assert client_for(stranger).get(url).status_code == 404, stranger
        assert list(client_for(stranger).get(reverse("evaluation:feedback_list")).context["page"]) == []


def test_supervisor_responds_and_the_worker_is_told(client_for, feedback, supervisor, worker):
    response = client_for(supervisor).post(reverse("evaluation:feedback_respond", args=[feedback.pk]),
                                           {"response": "下月安排危机干预培训"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.response, feedback.responded_by) == ("下月安排危机干预培训", supervisor)
    assert Notification.objects.filter(recipient=worker, url=feedback.get_absolute_url()).exists()
    # the list says it is answered (已答复), not "reassessed" (已复评, the risk history's word)
    listed = client_for(worker).get(reverse("evaluation:feedback_list")).content.decode()
    assert "已答复" in listed and "已复评" not in listed
    # answered: the worker no longer edits it
    assert client_for(worker).post(reverse("evaluation:feedback_edit", args=[feedback.pk]),
                                   form(workload="改")).status_code == 403


def test_an_empty_response_is_refused(client_for, feedback, supervisor):
    response = client_for(supervisor).post(reverse("evaluation:feedback_respond", args=[feedback.pk]),
                                           {"response": "  "})
    assert response.status_code == 400
    feedback.refresh_from_db()
    assert feedback.responded_at is None


def test_the_lead_reads_but_only_the_supervisor_responds(client_for, feedback, lead, worker):
    url = reverse("evaluation:feedback_respond", args=[feedback.pk])
    assert client_for(lead).post(url, {"response": "好"}).status_code == 403
    assert client_for(worker).post(url, {"response": "好"}).status_code == 403
    feedback.refresh_from_db()
    assert feedback.responded_at is None


def test_the_lead_cannot_edit_a_workers_feedback(client_for, feedback, lead):
    assert client_for(lead).post(reverse("evaluation:feedback_edit", args=[feedback.pk]),
                                 form(workload="改")).status_code == 403


def test_read_only_users_cannot_write_feedback(client_for, bureau, lead):
    assert client_for(bureau).post(NEW, form()).status_code == 403
    assert client_for(lead).post(NEW, form()).status_code == 403
    assert not WorkerFeedback.objects.exists()


def test_feedback_list_query_count(client_for, supervisor, user_factory, django_assert_num_queries):
    from accounts.models import Role

    for n in range(3):
        WorkerFeedback.objects.create(worker=user_factory(Role.SOCIAL_WORKER, ["440802"]), month="2026-10-01",
                                      workload=f"工作{n}")
    client = client_for(supervisor)
    client.get(reverse("evaluation:feedback_list"))  # the first request after signing in writes the session
    # session, user, the savepoint pair, the page's count, the page (with worker and responder), notifications
    with django_assert_num_queries(7):
        response = client.get(reverse("evaluation:feedback_list"))
    assert len(response.context["page"]) == 3
