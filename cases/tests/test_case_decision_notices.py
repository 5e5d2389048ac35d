"""Issue 12 item 8: the case worker hears of every decision on her case's plan or closure, also when someone
else asked for it; the requester is told as before, and nobody is told twice."""

import pytest

from accounts.models import Notification
from accounts.services import approve, return_for_revision
from cases import services
from cases.models import CLOSURE_APPROVAL, PLAN_APPROVAL, Case, Closure
from cases.tests.case_helpers import case_through, latest_approval

pytestmark = pytest.mark.django_db
S = Case.Stage


def test_plan_submitted_by_the_lead_and_approved_tells_the_case_worker(case, worker, lead, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=lead)
    approve(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="同意")
    told = Notification.objects.get(recipient=worker)
    assert "服务计划" in told.title and "已批准" in told.title and told.url == case.get_absolute_url()
    assert Notification.objects.filter(recipient=lead, level="success").count() == 1  # the requester too


def test_closure_requested_by_the_lead_and_returned_tells_the_case_worker_why(case, worker, lead, supervisor):
    case_through(case, worker, supervisor, S.EVALUATION)
    services.request_closure(case=case, by=lead, reason=Closure.Reason.GOALS_MET, summary="目标达成")
    return_for_revision(approval=latest_approval(case, CLOSURE_APPROVAL), by=supervisor, comment="补充回访安排")
    told = Notification.objects.get(recipient=worker, level="warning")
    assert "结案" in told.title and "退回" in told.title and told.body == "补充回访安排"


def test_the_worker_who_asked_is_told_once(case, worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    return_for_revision(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="目标要可衡量")
    assert Notification.objects.filter(recipient=worker, body="目标要可衡量").count() == 1
