"""The supervisor's admin: pending approvals first, approve / return actions, 督导记录, scoping."""

import pytest
from django.urls import reverse

from accounts.models import Approval, Role
from accounts.services import latest_approval
from cases import services
from cases.models import PLAN_APPROVAL, Case, SupervisionNote
from children.tests.factories import ChildFactory
from conftest import make_user

from .case_helpers import assess, case_through, write_plan

pytestmark = pytest.mark.django_db
S = Case.Stage
CHANGELIST = reverse("admin:cases_case_changelist")


def _submitted_case(worker, supervisor, name="待审儿童"):
    case = services.open_case(child=ChildFactory(name=name, social_worker=worker), by=worker,
                              source=Case.Source.VISIT)
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    return case


def test_changelist_shows_pending_approvals_first(client_for, worker, supervisor):
    quiet = services.open_case(child=ChildFactory(name="无待审"), by=worker, source=Case.Source.VISIT)
    waiting = _submitted_case(worker, supervisor)
    Case.objects.filter(pk=quiet.pk).update(opened_on="2030-01-01")  # newer, still after the pending one
    response = client_for(supervisor).get(CHANGELIST)
    assert response.status_code == 200
    assert [c.pk for c in response.context["cl"].result_list] == [waiting.pk, quiet.pk]


def test_pending_filter_lists_only_cases_waiting(client_for, worker, supervisor):
    services.open_case(child=ChildFactory(), by=worker, source=Case.Source.VISIT)
    waiting = _submitted_case(worker, supervisor)
    response = client_for(supervisor).get(CHANGELIST + "?pending=yes")
    assert [c.pk for c in response.context["cl"].result_list] == [waiting.pk]


def test_case_page_shows_the_plan_to_approve(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    body = client_for(supervisor).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "每周与父母视频一次" in body and "家庭教育指导" in body


def test_plan_text_is_escaped_in_the_admin(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    case.plan.goals.update(text="<script>alert(1)</script>")
    body = client_for(supervisor).get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_supervisor_approves_with_the_admin_action(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    response = client_for(supervisor).post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.INTERVENTION
    assert latest_approval(case, PLAN_APPROVAL).decided_by == supervisor


def test_supervisor_returns_with_a_comment(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    client = client_for(supervisor)
    form_page = client.post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk]})
    assert form_page.status_code == 200 and "comment" in form_page.context["form"].fields
    response = client.post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk], "apply": "1",
                                        "comment": "请把目标写得可衡量"})
    assert response.status_code == 302
    approval = latest_approval(case, PLAN_APPROVAL)
    assert approval.status == Approval.Status.RETURNED and approval.comment == "请把目标写得可衡量"


def test_return_without_a_comment_is_refused(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    response = client_for(supervisor).post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk],
                                                        "apply": "1", "comment": " "})
    assert response.status_code == 200
    assert "退回" in str(response.context["form"].errors) or response.context["form"].errors
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_supervisor_cannot_approve_their_own_request(client_for, supervisor):
    case = services.open_case(child=ChildFactory(), by=supervisor, source=Case.Source.VISIT)
    assess(case, supervisor)
    write_plan(case, supervisor)
    services.submit_plan(case=case, by=supervisor)
    client_for(supervisor).post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]})
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_social_worker_is_refused_the_admin(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    response = client_for(worker).post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]})
    assert response.status_code == 302 and "/login/" in response.url
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_staff_social_worker_still_cannot_approve(client, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    staff_worker = make_user("staff_worker", Role.SOCIAL_WORKER, ["440802"], is_staff=True)
    client.force_login(staff_worker)
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]}).status_code == 403
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_project_lead_sees_cases_but_has_no_approve_action(client_for, worker, supervisor, lead):
    case = _submitted_case(worker, supervisor)
    client = client_for(lead)
    response = client.get(CHANGELIST)
    assert response.status_code == 200 and response.context["action_form"] is None  # no action for the lead
    client.post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]})
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_supervision_note_on_a_case_from_the_case_page(client_for, case, supervisor):
    url = reverse("admin:cases_case_change", args=[case.pk])
    client = client_for(supervisor)
    page = client.get(url)
    assert page.status_code == 200
    data = {"worker": case.worker_id,
            "supervision_notes-TOTAL_FORMS": "1", "supervision_notes-INITIAL_FORMS": "0",
            "supervision_notes-0-supervised_on": "2026-11-20", "supervision_notes-0-text": "先稳住照料安排",
            "events-TOTAL_FORMS": "1", "events-INITIAL_FORMS": "1",
            "events-0-id": case.events.get().pk, "events-0-case": case.pk}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    note = SupervisionNote.objects.get()
    assert note.case == case and note.created_by == supervisor and note.text == "先稳住照料安排"


def test_supervision_note_on_a_worker(client_for, worker, supervisor):
    response = client_for(supervisor).post(reverse("admin:cases_supervisionnote_add"), {
        "worker": worker.pk, "supervised_on": "2026-11-20", "text": "探访记录要写清楚儿童本人的意见"})
    assert response.status_code == 302
    note = SupervisionNote.objects.get()
    assert note.worker == worker and note.case is None and note.created_by == supervisor


def test_supervision_note_needs_a_case_or_a_worker(client_for, supervisor):
    response = client_for(supervisor).post(reverse("admin:cases_supervisionnote_add"), {
        "supervised_on": "2026-11-20", "text": "无对象"})
    assert response.status_code == 200 and not SupervisionNote.objects.exists()


def test_overdue_filter(client_for, worker, supervisor):
    late = services.open_case(child=ChildFactory(), by=worker, source=Case.Source.VISIT)
    Case.objects.filter(pk=late.pk).update(plan_due_on="2020-01-01")
    services.open_case(child=ChildFactory(), by=worker, source=Case.Source.VISIT)
    response = client_for(supervisor).get(CHANGELIST + "?overdue=yes")
    assert [c.pk for c in response.context["cl"].result_list] == [late.pk]


@pytest.mark.parametrize("rows", [1, 6])
def test_changelist_query_count_does_not_grow(client_for, worker, supervisor, django_assert_num_queries, rows):
    for n in range(rows):
        services.open_case(child=ChildFactory(), by=worker, source=Case.Source.VISIT)
    client = client_for(supervisor)
    client.get(CHANGELIST)  # warm the content-type cache
    # session, user, savepoint + release (atomic request), social workers for the worker filter,
    # count (filtered) and count (total), the user's and the groups' permissions (admin templates),
    # one page of cases joined to child and worker with the pending-approval annotations, unread notifications
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("model", ["followup", "supervisionnote", "referral"])
def test_other_changelists_query_count_does_not_grow(client_for, worker, supervisor, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Resource, ResourceType

    resource = Resource.objects.create(name="资源", type=ResourceType.objects.first())
    counts = []
    for rows in (1, 4):
        for _ in range(rows):
            case = services.open_case(child=ChildFactory(social_worker=worker), by=worker, source="visit")
            case_through(case, worker, supervisor, S.CLOSED)
            SupervisionNote.objects.create(case=case, text="督导", created_by=supervisor)
            SupervisionNote.objects.create(worker=worker, text="督导", created_by=supervisor)
            services.reopen_case(case=case, by=worker, reason="测试")
            case.refresh_from_db()
            case_through(case, worker, supervisor, S.INTERVENTION)
            services.refer(case=case, by=worker, resource=resource, need="x")
        client = client_for(supervisor)
        client.get(reverse(f"admin:cases_{model}_changelist"))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"admin:cases_{model}_changelist"))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]  # the same queries whether 1 or 5 cases are listed
