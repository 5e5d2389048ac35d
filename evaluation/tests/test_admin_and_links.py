"""The evaluation's admin (scoped, read-only where the app's pages write) and the "回访问卷" buttons on the closed
case and the held activity."""

import pytest
from django.urls import reverse

from activities.tests.factories import ActivityFactory
from children.tests.factories import ChildFactory
from evaluation.models import Partner, QuestionSet, SamplingTarget, Survey, WorkerFeedback

from .conftest import LEIZHOU_VILLAGE, answers, closed_case_for

pytestmark = pytest.mark.django_db

NEW = reverse("evaluation:survey_create")


@pytest.fixture
def closed_case(worker, supervisor):
    return closed_case_for(worker, supervisor, name="陈小明")


@pytest.fixture
def two_surveys(client_for, worker, other_worker, supervisor, closed_case):
    """One survey of a 赤坎区 child, one of a 雷州市 child."""
    questions = QuestionSet.current()
    client_for(worker).post(f"{NEW}?case={closed_case.pk}", answers(questions, 5, 4, 5, 4))
    elsewhere = closed_case_for(other_worker, supervisor, name="黄小红", residence_id=LEIZHOU_VILLAGE)
    client_for(other_worker).post(f"{NEW}?case={elsewhere.pk}", answers(questions, 3, 3, 3, 3))
    assert Survey.objects.count() == 2
    return Survey.objects.get(case=closed_case), Survey.objects.get(case=elsewhere)


# ---------------------------------------------------------------- admin

def test_the_admin_lists_surveys_to_the_managers_in_chinese(client_for, lead, two_surveys):
    response = client_for(lead).get(reverse("admin:evaluation_survey_changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == set(two_surveys)
    assert "服务对象回访" in response.content.decode()


def test_a_survey_is_read_only_in_the_admin(client_for, supervisor, two_surveys):
    survey = two_surveys[0]
    client = client_for(supervisor)
    url = reverse("admin:evaluation_survey_change", args=[survey.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"respondent": "child", "method": "phone"})
    survey.refresh_from_db()
    assert (survey.respondent, survey.method) == ("guardian", "in_person")
    assert client.get(reverse("admin:evaluation_survey_add")).status_code == 403


def test_worker_feedback_in_the_admin_only_for_who_answers_it(client_for, worker, supervisor, sysadmin):
    WorkerFeedback.objects.create(worker=worker, month="2026-10-01", workload="入户12户次")
    assert client_for(supervisor).get(reverse("admin:evaluation_workerfeedback_changelist")).status_code == 200
    # the system administrator manages accounts, not the workers' feedback
    assert client_for(sysadmin).get(reverse("admin:evaluation_workerfeedback_changelist")).status_code == 403


def test_the_lead_edits_a_sampling_target_in_the_admin(client_for, lead, supervisor):
    target = SamplingTarget.objects.get(context="case_closure")
    url = reverse("admin:evaluation_samplingtarget_change", args=[target.pk])
    client_for(supervisor).post(url, {"context": "case_closure", "percent": "50"})
    target.refresh_from_db()
    assert target.percent == 30  # the supervisor reads only
    response = client_for(lead).post(url, {"context": "case_closure", "percent": "50"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.percent, target.updated_by) == (50, lead)


def test_question_sets_cannot_be_edited_in_the_admin(client_for, lead):
    questions = QuestionSet.current()
    client = client_for(lead)
    assert client.get(reverse("admin:evaluation_questionset_change", args=[questions.pk])).status_code == 200
    assert client.get(reverse("admin:evaluation_questionset_add")).status_code == 403


def test_the_managers_correct_a_partner_in_the_admin(client_for, supervisor, worker):
    partner = Partner.objects.create(name="赤坎区第一小学", kind="school", created_by=worker)
    response = client_for(supervisor).post(reverse("admin:evaluation_partner_change", args=[partner.pk]), {
        "name": "赤坎区第一小学", "kind": "school", "contact_person": "李校长", "phone": "",
        "feedback-TOTAL_FORMS": "0", "feedback-INITIAL_FORMS": "0"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.contact_person == "李校长"


# ---------------------------------------------------------------- the buttons

def test_closed_case_page_offers_the_survey_then_links_to_it(client_for, worker, closed_case):
    client = client_for(worker)
    page = client.get(closed_case.get_absolute_url()).content.decode()
    assert f'{NEW}?case={closed_case.pk}' in page and "回访问卷" in page
    client.post(f"{NEW}?case={closed_case.pk}", answers(QuestionSet.current(), 5, 5, 5, 5))
    survey = Survey.objects.get(case=closed_case)
    page = client.get(closed_case.get_absolute_url()).content.decode()
    assert 'id="case-survey"' not in page and survey.get_absolute_url() in page


def test_an_open_case_has_no_survey_button(client_for, worker, supervisor):
    from cases import services as case_services
    from cases.models import Case

    case = case_services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT,
                                   source_note="入户", reason="祖母年迈")
    assert 'id="case-survey"' not in client_for(worker).get(case.get_absolute_url()).content.decode()


def test_held_activity_offers_a_survey_to_caseworkers_only(client_for, worker, bureau):
    activity = ActivityFactory(organiser=worker, created_by=worker, status="held")
    activity.registered_children.set([ChildFactory()])
    url = reverse("activities:detail", args=[activity.pk])
    assert f"{NEW}?activity={activity.pk}" in client_for(worker).get(url).content.decode()
    assert 'id="activity-survey"' not in client_for(bureau).get(url).content.decode()


def test_other_worker_sees_no_survey_button_for_children_out_of_area(client_for, other_worker, worker):
    activity = ActivityFactory(organiser=worker, created_by=worker, status="held")
    activity.registered_children.set([ChildFactory()])
    response = client_for(other_worker).get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code in (200, 404)
    assert 'id="activity-survey"' not in response.content.decode()
