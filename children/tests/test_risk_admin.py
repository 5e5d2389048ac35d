"""The supervisor reviews risk assessments in the admin; the project lead edits the risk policy there."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts.models import Approval, Notification
from children.models import RiskAssessment, RiskEvent, RiskPolicy
from children.risk import with_reassessment_due
from children.services import record_assessment
from children.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:children_riskassessment_changelist")
SCORES = {"family": 1, "care": 1, "schooling": 0, "health": 0, "economy": 0, "safety": 0}


@pytest.fixture
def assessment(worker):
    child = ChildFactory(social_worker=worker)
    return record_assessment(child=child, by=worker, occasion="intake", assessed_on=datetime.date.today(),
                             scores=SCORES, triggers=[], confirmed_level="medium_low")


def test_supervisor_sees_pending_reviews_and_the_home_card_counts_them(client_for, supervisor, assessment):
    client = client_for(supervisor)
    response = client.get(CHANGELIST + "?review_status__exact=pending")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [assessment]
    cards = {str(c.title): c for c in client.get(reverse("home")).context["cards"]}
    assert cards["待审核的风险评估"].value == 1


def test_admin_changelist_query_count_does_not_grow_with_rows(client_for, supervisor, worker,
                                                              django_assert_max_num_queries):
    client = client_for(supervisor)
    for _ in range(3):
        record_assessment(child=ChildFactory(), by=worker, occasion="intake", assessed_on=datetime.date.today(),
                          scores=SCORES, triggers=[], confirmed_level="medium_low")
    client.get(CHANGELIST)
    with django_assert_max_num_queries(12) as few:
        client.get(CHANGELIST)
    for _ in range(10):
        record_assessment(child=ChildFactory(), by=worker, occasion="intake", assessed_on=datetime.date.today(),
                          scores=SCORES, triggers=[], confirmed_level="medium_low")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_supervisor_approves_through_the_approval_mechanism(client_for, supervisor, worker, assessment):
    response = client_for(supervisor).post(CHANGELIST, {"action": "approve_reviews",
                                                        ACTION_CHECKBOX_NAME: [assessment.pk]})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.review_status == RiskAssessment.Review.APPROVED
    assert assessment.reviewed_by == supervisor and assessment.reviewed_at is not None
    assert Approval.objects.get(kind="risk_review").status == Approval.Status.APPROVED
    assert Notification.objects.filter(recipient=worker, key__endswith=":decided").exists()


def test_returning_asks_for_a_comment_and_makes_a_reassessment_due_at_once(client_for, supervisor, assessment):
    client = client_for(supervisor)
    data = {"action": "return_reviews", ACTION_CHECKBOX_NAME: [assessment.pk]}
    response = client.post(CHANGELIST, data)
    assert response.status_code == 200 and "form" in response.context  # the comment page

    response = client.post(CHANGELIST, {**data, "apply": "1", "comment": ""})
    assert response.status_code == 200 and response.context["form"].errors["comment"]
    assessment.refresh_from_db()
    assert assessment.review_status == RiskAssessment.Review.PENDING

    client.post(CHANGELIST, {**data, "apply": "1", "comment": "监护照料评分偏低，请再入户核实"})
    assessment.refresh_from_db()
    assert assessment.review_status == RiskAssessment.Review.RETURNED
    assert assessment.review_comment == "监护照料评分偏低，请再入户核实"
    event = RiskEvent.objects.get(child=assessment.child)
    assert event.kind == RiskEvent.Kind.REVIEW_RETURNED
    due = with_reassessment_due(type(assessment.child).objects.filter(pk=assessment.child_id)).get().reassess_due
    assert due == datetime.date.today()


def test_supervisor_cannot_approve_their_own_assessment(client_for, supervisor):
    own = record_assessment(child=ChildFactory(), by=supervisor, occasion="intake",
                            assessed_on=datetime.date.today(), scores=SCORES, triggers=[], confirmed_level="medium_low")
    client_for(supervisor).post(CHANGELIST, {"action": "approve_reviews", ACTION_CHECKBOX_NAME: [own.pk]})
    own.refresh_from_db()
    assert own.review_status == RiskAssessment.Review.PENDING


def test_lead_cannot_review_and_workers_have_no_admin(client_for, lead, worker, assessment):
    client_for(lead).post(CHANGELIST, {"action": "approve_reviews", ACTION_CHECKBOX_NAME: [assessment.pk]})
    assessment.refresh_from_db()
    assert assessment.review_status == RiskAssessment.Review.PENDING
    response = client_for(worker).get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response.url


# ---------------------------------------------------------------- the policy

def _policy_form(**changes):
    data = {"visit_days_high": 14, "visit_days_medium_high": 30, "visit_days_medium_low": 90, "visit_days_low": 180,
            "call_days_high": 14, "skip_weekends": "on", "overdue_grace_days": 3, "monthly_visit_target": 10,
            "score_medium_low": 2, "score_medium_high": 7, "score_high": 12, "caregiver_old_age": 70,
            "parents_not_met_months": 12, "reassess_months": 6, "reassess_after_event_days": 0}
    from children.risk import TRIGGERS

    data.update({f"trigger_{t.code}": t.default_level for t in TRIGGERS})
    data.update(changes)
    return data


def test_lead_edits_thresholds_and_triggers_in_the_admin(client_for, lead):
    policy = RiskPolicy.current()
    url = reverse("admin:children_riskpolicy_change", args=[policy.pk])
    client = client_for(lead)
    assert client.get(reverse("admin:children_riskpolicy_changelist")).url == url
    response = client.post(url, _policy_form(score_high=14, trigger_self_harm="medium_high", trigger_missing=""))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.score_high == 14 and policy.updated_by == lead
    assert policy.trigger_level("self_harm") == "medium_high" and policy.trigger_level("missing") == ""
    assert policy.history.count() == 2  # created, then changed: every change is kept


def test_thresholds_out_of_order_are_refused(client_for, lead):
    policy = RiskPolicy.current()
    response = client_for(lead).post(reverse("admin:children_riskpolicy_change", args=[policy.pk]),
                                     _policy_form(score_medium_high=15))
    assert response.status_code == 200
    assert "从中低风险到高风险依次升高" in str(response.context["adminform"].form.non_field_errors())
    policy.refresh_from_db()
    assert policy.score_medium_high == 7


def test_supervisor_sees_the_policy_but_cannot_change_it(client_for, supervisor):
    policy = RiskPolicy.current()
    url = reverse("admin:children_riskpolicy_change", args=[policy.pk])
    client = client_for(supervisor)
    assert client.get(url).status_code == 200
    assert client.post(url, _policy_form(score_high=15)).status_code == 403
    policy.refresh_from_db()
    assert policy.score_high == 12
