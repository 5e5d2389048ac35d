"""The supervisor's admin: pending approvals first, approve / return actions, 督导记录, scoping."""

import datetime

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


def _management_forms(page) -> dict:
    """The management forms of every inline of an admin change page, as the browser would post them."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for n, form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{n}-{form._meta.model._meta.pk.name}"] = form.instance.pk
    return data


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


def test_approve_action_shows_what_is_approved_then_approves_with_a_comment(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    client = client_for(supervisor)
    page = client.post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk]})
    assert page.status_code == 200  # a confirmation page, nothing decided yet
    body = page.content.decode()
    assert "每周与父母视频一次" in body and "指导祖母" in body and "稳定照料安排" in body
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING
    response = client.post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk], "apply": "1",
                                        "decision": "approve", "comment": "目标清楚，同意"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.INTERVENTION
    approval = latest_approval(case, PLAN_APPROVAL)
    assert approval.decided_by == supervisor and approval.comment == "目标清楚，同意"


def test_supervisor_returns_with_a_comment(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    client = client_for(supervisor)
    form_page = client.post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk]})
    assert form_page.status_code == 200 and "comment" in form_page.context["form"].fields
    response = client.post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk], "apply": "1",
                                        "decision": "return", "comment": "请把目标写得可衡量"})
    assert response.status_code == 302
    approval = latest_approval(case, PLAN_APPROVAL)
    assert approval.status == Approval.Status.RETURNED and approval.comment == "请把目标写得可衡量"


def test_return_without_a_comment_is_refused(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    response = client_for(supervisor).post(CHANGELIST, {"action": "return_pending", "_selected_action": [case.pk],
                                                        "apply": "1", "decision": "return", "comment": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING


def test_decide_page_of_one_case(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    client = client_for(supervisor)
    change = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    decide_url = reverse("admin:cases_case_decide", args=[case.pk])
    assert decide_url in change  # the button where one is pending
    page = client.get(decide_url)
    assert page.status_code == 200 and "每周与父母视频一次" in page.content.decode()
    assert client.post(decide_url, {"decision": "return", "comment": ""}).status_code == 200  # comment required
    response = client.post(decide_url, {"decision": "return", "comment": "补充服务时间"})
    assert response.status_code == 302
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.RETURNED
    assert client.get(decide_url).status_code == 302  # nothing pending any more: back to the case


def test_worker_sees_the_returned_comment_with_a_badge(client_for, worker, supervisor):
    case = _submitted_case(worker, supervisor)
    client_for(supervisor).post(reverse("admin:cases_case_decide", args=[case.pk]),
                                {"decision": "return", "comment": "请写清楚谁负责"})
    body = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert "请写清楚谁负责" in body and "已退回" in body and "未审批" not in body


def test_supervisor_cannot_approve_their_own_request(client_for, supervisor):
    case = services.open_case(child=ChildFactory(), by=supervisor, source=Case.Source.VISIT)
    assess(case, supervisor)
    write_plan(case, supervisor)
    services.submit_plan(case=case, by=supervisor)
    response = client_for(supervisor).post(CHANGELIST, {
        "action": "approve_pending", "_selected_action": [case.pk], "apply": "1", "decision": "approve"},
        follow=True)
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING
    levels = [m.level_tag for m in response.context["messages"]]
    assert "danger error" in levels and "success" not in levels  # an error, not a green message


def test_plan_of_the_only_supervisor_is_approved_by_the_lead(client_for, supervisor, lead):
    case = services.open_case(child=ChildFactory(), by=supervisor, source=Case.Source.VISIT)
    assess(case, supervisor)
    write_plan(case, supervisor)
    services.submit_plan(case=case, by=supervisor)
    assert lead.notifications.exists()  # the lead is asked instead
    response = client_for(lead).post(reverse("admin:cases_case_decide", args=[case.pk]),
                                     {"decision": "approve", "comment": "代为审批"})
    assert response.status_code == 302
    approval = latest_approval(case, PLAN_APPROVAL)
    assert approval.status == Approval.Status.APPROVED and approval.decided_by == lead


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


def test_project_lead_cannot_approve_a_workers_plan(client_for, worker, supervisor, lead):
    case = _submitted_case(worker, supervisor)
    client = client_for(lead)
    assert client.get(CHANGELIST).status_code == 200
    response = client.post(CHANGELIST, {"action": "approve_pending", "_selected_action": [case.pk], "apply": "1",
                                        "decision": "approve"}, follow=True)
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING
    assert [m.level_tag for m in response.context["messages"]] == ["danger error"]
    # the admin styles li.error red; a refusal must not look like its green success message
    assert '<li class="danger error">' in response.content.decode()


def test_supervision_note_on_a_case_from_the_case_page(client_for, case, supervisor):
    url = reverse("admin:cases_case_change", args=[case.pk])
    client = client_for(supervisor)
    page = client.get(url)
    assert page.status_code == 200
    data = {"worker": case.worker_id, **_management_forms(page),
            "supervision_notes-TOTAL_FORMS": "1", "supervision_notes-INITIAL_FORMS": "0",
            "supervision_notes-0-supervised_on": "2026-11-20", "supervision_notes-0-text": "先稳住照料安排"}
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
    # count (filtered, capped; no total count: show_full_result_count is off), the user's and the groups'
    # permissions (admin templates), one page of cases joined to child and worker with the
    # pending-approval annotations, unread notifications
    with django_assert_num_queries(10):
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


@pytest.mark.parametrize("size", [1, 4])
def test_case_page_with_every_stage_filled_has_constant_queries(client_for, worker, supervisor, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .case_helpers import close, evaluate, serve

    counts = {}
    for n in (1, size):
        case = services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT)
        case_through(case, worker, supervisor, S.INTERVENTION)
        for _ in range(n):
            serve(case, worker)
            SupervisionNote.objects.create(case=case, text="督导", created_by=supervisor)
        evaluate(case, worker)
        close(case, worker, supervisor)
        case.refresh_from_db()
        services.record_follow_up(follow_up=case.follow_ups.first(), by=worker, done_on=datetime.date.today(),
                                  method="phone", situation="一切安好")
        client = client_for(supervisor)
        url = reverse("admin:cases_case_change", args=[case.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(url).content.decode()
        for heading in ("预估", "服务计划", "服务记录", "评估", "结案", "回访", "督导记录", "审批"):
            assert heading in body, heading
        counts[n] = len(captured)
    assert counts[1] == counts[size]


def test_approval_admin_names_kinds_in_chinese(client_for, worker, supervisor, lead):
    _submitted_case(worker, supervisor)
    body = client_for(lead).get(reverse("admin:accounts_approval_changelist")).content.decode()
    assert "服务计划" in body and ">case_plan<" not in body
    for label in ("CONTENT TYPE", "OBJECT ID", "Fingerprint", "content type", "object id"):
        assert label not in body


def test_supervision_note_on_a_worker_shows_to_that_worker_only(client_for, worker, other_worker, supervisor):
    case = services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT)
    SupervisionNote.objects.create(worker=worker, text="探访记录要写儿童本人的意见", created_by=supervisor)
    SupervisionNote.objects.create(worker=other_worker, text="别人的督导", created_by=supervisor)
    body = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert "探访记录要写儿童本人的意见" in body and "别人的督导" not in body


def test_case_page_names_the_approval_kind_and_the_closure_summary_shows_once(client_for, worker, supervisor):
    from cases.models import Closure

    from .case_helpers import case_through as walk

    plan_case = _submitted_case(worker, supervisor)
    body = client_for(supervisor).get(reverse("admin:cases_case_change", args=[plan_case.pk])).content.decode()
    assert "case_plan" not in body and f"服务计划 #{plan_case.pk}" in body
    case = services.open_case(child=ChildFactory(name="待结案儿童", social_worker=worker), by=worker,
                              source=Case.Source.VISIT)
    walk(case, worker, supervisor, S.EVALUATION)
    services.request_closure(case=case, by=worker, reason=Closure.Reason.GOALS_MET, summary="照料稳定，亲子联系恢复")
    page = client_for(supervisor).get(reverse("admin:cases_case_decide", args=[case.pk])).content.decode()
    assert page.count("照料稳定，亲子联系恢复") == 1
