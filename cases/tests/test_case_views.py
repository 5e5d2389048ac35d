"""The social worker's pages: intake, each step, permissions, bad input, query counts."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.models import Assessment, Case, CaseNote, Referral, Resource, ResourceType, ServiceRecord, ServiceType
from children.tests.factories import ChildFactory
from divisions.models import Division

from .case_helpers import case_through, service_type

pytestmark = pytest.mark.django_db
S = Case.Stage


def url(name, case):
    return reverse(f"cases:{name}", args=[case.pk])


# ---------------------------------------------------------------- permissions

def test_owner_sees_the_case(client_for, worker, case):
    response = client_for(worker).get(url("detail", case))
    assert response.status_code == 200 and response.context["case"] == case


@pytest.mark.parametrize("persona", ["outsider", "other_worker", "county_bureau", "sysadmin"])
def test_people_who_cannot_see_the_child_get_404(client_for, request, case, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url("detail", case)).status_code == 404
    assert client.post(url("note_add", case), {"text": "x"}).status_code == 404
    assert client.get(url("pdf", case)).status_code == 404


def test_bureau_reads_but_cannot_write(client_for, bureau, case):
    client = client_for(bureau)
    assert client.get(url("detail", case)).status_code == 200
    for name in ["assess", "plan", "note_add", "close", "reopen", "service_add"]:
        assert client.post(url(name, case), {}).status_code == 403, name
    assert client.post(reverse("cases:case_create"), {}).status_code == 403
    assert not CaseNote.objects.exists()


def test_lead_and_supervisor_can_write(client_for, lead, supervisor, case):
    for user in (lead, supervisor):
        assert client_for(user).post(url("note_add", case), {"text": f"{user}的记录"}).status_code == 302
    assert case.notes.count() == 2


# ---------------------------------------------------------------- intake

def test_intake_prefilled_from_a_visit(client_for, worker, child):
    response = client_for(worker).get(reverse("cases:case_create") + f"?child={child.pk}&visit=7")
    form = response.context["form"]
    assert form.initial["child"] == child.pk and form.initial["source"] == Case.Source.VISIT
    assert "7" in form.initial["source_note"]


def test_intake_of_an_invisible_child_is_404(client_for, worker):
    other = ChildFactory(residence_id="440882001001")
    assert client_for(worker).get(reverse("cases:case_create") + f"?child={other.pk}").status_code == 404


def test_intake_opens_a_case(client_for, worker, child):
    response = client_for(worker).post(reverse("cases:case_create"), {
        "child": child.pk, "source": "child_director", "source_note": "村儿童主任来电", "reason": "孩子独自在家",
        "opened_on": "2026-11-20"})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.worker == worker and case.stage == S.INTAKE and case.source == "child_director"


def test_intake_without_a_reason_is_refused_in_chinese(client_for, worker, child):
    response = client_for(worker).post(reverse("cases:case_create"), {
        "child": child.pk, "source": "visit", "opened_on": "2026-11-20"})
    assert response.status_code == 200
    assert "请填写接案原因" in str(response.context["form"].errors["reason"])
    assert not Case.objects.exists()


def test_intake_for_a_child_with_an_open_case_is_refused(client_for, worker, case, child):
    response = client_for(worker).post(reverse("cases:case_create"), {
        "child": child.pk, "source": "visit", "reason": "再次发现", "opened_on": "2026-11-20"})
    assert response.status_code == 200 and "已有跟进中的个案" in str(response.context["form"].errors)
    assert Case.objects.count() == 1


def test_intake_of_another_countys_child_is_refused(client_for, worker):
    other = ChildFactory(residence_id="440882001001")
    response = client_for(worker).post(reverse("cases:case_create"), {
        "child": other.pk, "source": "visit", "reason": "x", "opened_on": "2026-11-20"})
    assert response.status_code == 200 and "child" in response.context["form"].errors
    assert not Case.objects.exists()


# ---------------------------------------------------------------- steps through the pages

def test_assessment_page_records_and_moves_the_stage(client_for, worker, case):
    response = client_for(worker).post(url("assess", case), {
        "assessed_on": "2026-11-21", "guardianship_needs": "祖母照料吃力", "strengths": "懂事", "risks": "独处"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.ASSESSMENT and case.assessments.get().created_by == worker


def test_assessment_without_needs_is_refused(client_for, worker, case):
    response = client_for(worker).post(url("assess", case), {
        "assessed_on": "2026-11-21", "strengths": "懂事", "risks": "独处"})
    assert response.status_code == 200 and "至少在一个方面" in str(response.context["form"].errors)
    assert not Assessment.objects.exists()


def _plan_data(goal="每周视频一次", service=None, owner="社工"):
    service = service or service_type("family_education").pk
    return {"summary": "稳定照料",
            "goals-TOTAL_FORMS": "2", "goals-INITIAL_FORMS": "0", "goals-0-text": goal, "goals-0-measure": "核对" if goal else "",
            "services-TOTAL_FORMS": "1", "services-INITIAL_FORMS": "0", "services-0-service_type": service,
            "services-0-description": "指导祖母", "services-0-owner": owner, "services-0-starts_on": "2026-12-01",
            "services-0-ends_on": "2027-01-31"}


def test_plan_page_writes_the_plan_then_submits_it(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    client = client_for(worker)
    assert client.post(url("plan", case), _plan_data()).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.PLAN and case.plan.goals.get().text == "每周视频一次"
    assert client.post(url("plan_submit", case), {"note": "请审阅"}).status_code == 302
    assert case.pending_approval() is not None
    # while waiting, the plan page sends the worker back with a message
    response = client.get(url("plan", case))
    assert response.status_code == 302


def test_plan_without_a_goal_is_refused_and_nothing_saved(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    response = client_for(worker).post(url("plan", case), _plan_data(goal=""))
    assert response.status_code == 200 and "至少要有一个服务目标" in str(response.context["form"].errors)
    case.refresh_from_db()
    assert case.stage == S.ASSESSMENT and not case.plans.exists()


def test_planned_service_ending_before_it_starts_is_refused(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    data = _plan_data()
    data["services-0-ends_on"] = "2026-11-01"
    response = client_for(worker).post(url("plan", case), data)
    assert response.status_code == 200 and not case.plans.exists()


def test_editing_an_approved_plan_on_the_page_needs_approval_again(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.INTERVENTION)
    plan = case.plan
    goal, planned = plan.goals.get(), plan.services.get()
    data = {"summary": plan.summary, "version": plan.version, "goals-TOTAL_FORMS": "1", "goals-INITIAL_FORMS": "1",
            "goals-0-id": goal.pk, "goals-0-plan": plan.pk, "goals-0-text": "每周视频两次", "goals-0-measure": "",
            "services-TOTAL_FORMS": "1", "services-INITIAL_FORMS": "1", "services-0-id": planned.pk,
            "services-0-plan": plan.pk, "services-0-service_type": planned.service_type_id,
            "services-0-description": planned.description, "services-0-owner": planned.owner,
            "services-0-starts_on": "2026-12-01", "services-0-ends_on": "2027-02-28"}
    assert client_for(worker).post(url("plan", case), data).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.PLAN and not case.plan_is_approved()


def test_service_page_refused_before_the_plan_is_approved(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.PLAN)
    response = client_for(worker).post(url("service_add", case), {
        "service_type": service_type().pk, "served_on": "2026-11-22", "duration_minutes": 60,
        "participants": ["child"], "content": "陪伴", "result": "好"})
    assert response.status_code == 200 and "审批通过后" in str(response.context["form"].errors)
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize("code", ["family_education", "family_mediation", "intergenerational"])
def test_family_services_need_the_guardian_or_caregiver(client_for, worker, supervisor, case, code):
    case_through(case, worker, supervisor, S.INTERVENTION)
    client = client_for(worker)
    data = {"service_type": service_type(code).pk, "served_on": "2026-11-22", "duration_minutes": 60,
            "participants": ["child"], "content": "指导", "result": "有进步"}
    response = client.post(url("service_add", case), data)
    assert response.status_code == 200 and "监护人或委托照护人" in str(response.context["form"].errors)
    assert not ServiceRecord.objects.exists()
    data["participants"] = ["caregiver", "child"]
    assert client.post(url("service_add", case), data).status_code == 302
    assert ServiceRecord.objects.get().participants == ["caregiver", "child"]


def test_service_with_zero_minutes_is_refused(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.INTERVENTION)
    response = client_for(worker).post(url("service_add", case), {
        "service_type": service_type().pk, "served_on": "2026-11-22", "duration_minutes": 0,
        "participants": ["child"], "content": "陪伴", "result": "好"})
    assert response.status_code == 200 and not ServiceRecord.objects.exists()


@pytest.fixture
def resources():
    county = Division.objects.get(code="440802")
    kind = ResourceType.objects.get(code="legal_aid")
    here = Resource.objects.create(name="赤坎区法律援助处", type=kind)
    here.counties.set([county])
    away = Resource.objects.create(name="雷州市法律援助处", type=kind)
    away.counties.set([Division.objects.get(code="440882")])
    return here, away


def test_referral_offers_resources_of_the_childs_county(client_for, worker, supervisor, case, resources):
    here, away = resources
    case_through(case, worker, supervisor, S.INTERVENTION)
    client = client_for(worker)
    form = client.get(url("referral_add", case)).context["form"]
    assert list(form.fields["resource"].queryset) == [here]
    response = client.post(url("referral_add", case), {"resource": away.pk, "sent_on": "2026-11-22", "need": "x"})
    assert response.status_code == 200 and not Referral.objects.exists()
    assert client.post(url("referral_add", case), {"resource": here.pk, "sent_on": "2026-11-22",
                                                   "need": "抚养费追索"}).status_code == 302
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.SENT and referral.created_by == worker


def test_referral_status_moves_forward_with_an_outcome(client_for, worker, supervisor, case, resources):
    case_through(case, worker, supervisor, S.INTERVENTION)
    referral = services.refer(case=case, by=worker, resource=resources[0], need="法律咨询")
    client = client_for(worker)
    page = reverse("cases:referral_update", args=[referral.pk])
    assert client.post(page, {"status": "accepted", "outcome": "", "version": 1}).status_code == 302
    response = client.post(page, {"status": "done", "outcome": "", "version": 2})
    assert response.status_code == 200 and "转介结果" in str(response.context["form"].errors)
    assert client.post(page, {"status": "done", "outcome": "已立案受理", "version": 2}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "done" and referral.outcome == "已立案受理"
    response = client.post(page, {"status": "sent", "outcome": "x", "version": 3})
    referral.refresh_from_db()
    assert response.status_code == 200 and referral.status == "done"


def test_evaluation_page_goal_by_goal(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.INTERVENTION)
    services.record_service(case=case, by=worker, record=ServiceRecord(
        service_type=service_type(), duration_minutes=30, participants=["child"], content="c", result="r"))
    goal = case.plan.goals.get()
    client = client_for(worker)
    response = client.post(url("evaluate", case), {"evaluated_on": "2026-12-20", "summary": "基本达成"})
    assert response.status_code == 200 and f"result_{goal.pk}" in response.context["form"].errors
    response = client.post(url("evaluate", case), {"evaluated_on": "2026-12-20", "summary": "基本达成",
                                                   f"result_{goal.pk}": "partly", f"comment_{goal.pk}": "两周一次"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == S.EVALUATION
    assert case.evaluations.get().goal_results.get().result == "partly"


def test_closure_page_requests_approval(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.EVALUATION)
    client = client_for(worker)
    response = client.post(url("close", case), {"reason": "goals_met", "summary": ""})
    assert response.status_code == 200 and not case.closures.exists()
    assert client.post(url("close", case), {"reason": "goals_met", "summary": "目标达成"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.EVALUATION and case.pending_approval().kind == "case_closure"


def test_follow_up_page(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.CLOSED)
    follow_up = case.follow_ups.get(months_after=1)
    page = reverse("cases:follow_up", args=[follow_up.pk])
    client = client_for(worker)
    response = client.post(page, {"done_on": "2027-01-05", "method": "phone", "situation": ""})
    assert response.status_code == 200 and not case.follow_ups.filter(done_on__isnull=False).exists()
    assert client.post(page, {"done_on": "2027-01-05", "method": "phone", "situation": "孩子适应良好"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.FOLLOW_UP


def test_reopen_page_needs_a_reason(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.CLOSED)
    client = client_for(worker)
    response = client.post(url("reopen", case), {"reason": ""})
    assert response.status_code == 200 and "重新开案的原因" in str(response.context["form"].errors)
    assert client.post(url("reopen", case), {"reason": "父亲返乡后再次外出"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == S.ASSESSMENT


def test_detail_shows_the_whole_file(client_for, worker, supervisor, case):
    case_through(case, worker, supervisor, S.CLOSED)
    response = client_for(worker).get(url("detail", case))
    body = response.content.decode()
    for text in ["祖母73岁", "每周与父母视频一次", "陪伴写作业", "目标基本达成", "照料稳定", "同意结案"]:
        assert text in body, text


# ---------------------------------------------------------------- lists and query counts

@pytest.mark.parametrize("rows", [1, 8])
def test_case_list_query_count_does_not_grow(client_for, worker, django_assert_num_queries, rows):
    for _ in range(rows):
        services.open_case(child=ChildFactory(social_worker=worker), by=worker, source="visit")
    client = client_for(worker)
    # session, user, savepoint, the worker's area codes (scoping), unread notifications (navigation),
    # one page of cases joined to child and worker, release; savepoint, session touch (idle timeout), release
    with django_assert_num_queries(10):
        response = client.get(reverse("cases:list"))
    assert len(response.context["cases"]) == rows


def test_case_list_filters(client_for, worker, lead, case):
    other = services.open_case(child=ChildFactory(), by=lead, source="visit", worker=lead)
    client = client_for(worker)
    assert list(client.get(reverse("cases:list") + "?mine=1").context["cases"]) == [case]
    assert set(client.get(reverse("cases:list")).context["cases"]) == {case, other}
    assert list(client.get(reverse("cases:list") + "?stage=plan").context["cases"]) == []


def test_case_list_hides_other_counties(client_for, other_worker, case):
    assert list(client_for(other_worker).get(reverse("cases:list")).context["cases"]) == []


@pytest.mark.parametrize("rows", [1, 6])
def test_resource_list_query_count_does_not_grow(client_for, worker, django_assert_num_queries, rows):
    kind = ResourceType.objects.first()
    counties = list(Division.objects.counties()[:2])
    for n in range(rows):
        Resource.objects.create(name=f"资源{n}", type=kind).counties.set(counties)
    client = client_for(worker)
    # session, user, savepoint, unread notifications, resources with type, their counties (one prefetch),
    # resource types and counties for the filters, release; savepoint, session touch (idle timeout), release
    with django_assert_num_queries(12):
        response = client.get(reverse("cases:resource_list"))
    assert len(response.context["resources"]) == rows


def test_resource_list_filters_by_county(client_for, worker, resources):
    here, away = resources
    response = client_for(worker).get(reverse("cases:resource_list") + "?county=440882")
    assert list(response.context["resources"]) == [away]


def test_worker_adds_a_resource(client_for, worker):
    kind = ResourceType.objects.get(code="hospital")
    response = client_for(worker).post(reverse("cases:resource_create"), {
        "name": "湛江市某医院儿科", "type": kind.pk, "counties": ["440802", "440803"], "services": "儿科门诊",
        "active": "on"})
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.created_by == worker and set(resource.counties.values_list("code", flat=True)) == {
        "440802", "440803"}


def test_resource_without_counties_is_refused(client_for, worker):
    kind = ResourceType.objects.get(code="hospital")
    response = client_for(worker).post(reverse("cases:resource_create"), {"name": "某医院", "type": kind.pk})
    assert response.status_code == 200 and "覆盖" in str(response.context["form"].errors["counties"])
    assert not Resource.objects.exists()


def test_bureau_cannot_add_a_resource(client_for, bureau):
    kind = ResourceType.objects.first()
    response = client_for(bureau).post(reverse("cases:resource_create"), {"name": "x", "type": kind.pk,
                                                                         "counties": ["440802"]})
    assert response.status_code == 403 and not Resource.objects.exists()


def test_resource_detail_lists_only_visible_referrals(client_for, worker, other_worker, supervisor, case, resources):
    case_through(case, worker, supervisor, S.INTERVENTION)
    services.refer(case=case, by=worker, resource=resources[0], need="咨询")
    page = reverse("cases:resource_detail", args=[resources[0].pk])
    assert len(client_for(worker).get(page).context["referrals"]) == 1
    assert len(client_for(other_worker).get(page).context["referrals"]) == 0


def test_reference_lists_are_loaded():
    names = set(ServiceType.objects.values_list("name", flat=True))
    for name in ["安全隐患排查", "家庭教育指导", "家庭矛盾调解", "代际沟通与关系调适", "亲情连线", "司法救助", "危机干预"]:
        assert name in names
    assert set(ServiceType.objects.filter(with_family=True).values_list("code", flat=True)) == {
        "family_education", "family_mediation", "intergenerational"}
    assert ResourceType.objects.filter(name__in=["社会救助", "社会福利", "公益慈善", "志愿者", "医院", "学校",
                                                 "法律援助", "心理服务", "社会组织"]).count() == 9


def test_plan_due_date_shows_as_overdue(client_for, worker, case):
    Case.objects.filter(pk=case.pk).update(plan_due_on=datetime.date(2020, 1, 1))
    assert "服务计划应于" in client_for(worker).get(url("detail", case)).content.decode()


def test_case_page_query_count_does_not_grow_with_records(client_for, worker, supervisor, case, resources):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case_through(case, worker, supervisor, S.INTERVENTION)
    client = client_for(worker)
    counts = []
    for records in (1, 5):
        for _ in range(records):
            services.record_service(case=case, by=worker, record=ServiceRecord(
                service_type=service_type(), duration_minutes=30, participants=["child"], content="c", result="r"))
            services.add_note(case=case, by=worker, text="记录")
            services.refer(case=case, by=worker, resource=resources[0], need="咨询")
        client.get(url("detail", case))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("detail", case)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_follow_up_suggesting_reopening_tells_the_supervisor(client_for, worker, supervisor, case):
    from accounts.models import Notification

    case_through(case, worker, supervisor, S.CLOSED)
    follow_up = case.follow_ups.get(months_after=1)
    client_for(worker).post(reverse("cases:follow_up", args=[follow_up.pk]), {
        "done_on": "2027-01-05", "method": "home", "situation": "父亲再次外出，孩子独自在家",
        "needs_reopening": "on"})
    assert Notification.objects.filter(recipient=supervisor, key=f"case-followup:{follow_up.pk}:reopen").exists()
    body = client_for(worker).get(url("detail", case)).content.decode()
    assert "重新开案" in body
