"""Demo case files at different stages, for the demo children if the registry has any; and a few resources.

Idempotent: a child that already has a case is left alone; resources are matched by name.
"""

import datetime

from django.utils import timezone

from accounts.models import Role, User
from accounts.services import approve, latest_approval
from children.models import Child
from divisions.models import Division

from . import services
from .incidents import demo as incident_demo
from .models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Assessment,
    Case,
    Closure,
    Evaluation,
    PlanGoal,
    PlannedService,
    Resource,
    ResourceType,
    ServicePlan,
    ServiceRecord,
    ServiceType,
)

RESOURCES = [
    # name, type code, counties ("all" = every county), services, contact
    ("湛江市未成年人救助保护中心", "social_assistance", "all", "临时监护、紧急庇护、救助保障", "0759-0000001"),
    ("湛江市慈善总会", "charity", "all", "助学金、大病救助、节日慰问物资", "0759-0000002"),
    ("赤坎区法律援助处", "legal_aid", ["440802"], "监护权纠纷、抚养费追索的法律援助", "0759-0000003"),
    ("雷州市青少年心理健康服务站", "psychological", ["440882"], "心理评估、个体心理辅导、危机干预", "0759-0000004"),
    ("湛江市志愿者联合会关爱留守儿童服务队", "volunteers", "all", "课业辅导、周末陪伴、亲情连线设备支持", "0759-0000005"),
]

S = Case.Stage
STAGES = [S.INTAKE, S.ASSESSMENT, S.PLAN, S.INTERVENTION, S.EVALUATION, S.CLOSED]


def _resources(by: User | None) -> int:
    counties = list(Division.objects.counties())
    for name, type_code, covered, offered, phone in RESOURCES:
        resource, _created = Resource.objects.get_or_create(name=name, defaults={
            "type": ResourceType.objects.get(code=type_code), "services": offered, "phone": phone, "created_by": by})
        resource.counties.set(counties if covered == "all" else [c for c in counties if c.code in covered])
    return len(RESOURCES)


def _walk(case: Case, stage: str, worker: User, supervisor: User) -> None:
    today = timezone.localdate()
    kind = ServiceType.objects.get
    if stage == S.INTAKE:
        return
    services.record_assessment(case=case, by=worker, assessment=Assessment(
        family_needs="父母均在广州务工，孩子由祖母照顾", guardianship_needs="祖母年过七十，患高血压，照料吃力",
        schooling_needs="成绩中等，放学后无人辅导", health_needs="身体健康，情绪偏低落",
        strengths="孩子懂事，与班主任关系好；村儿童主任熟悉家庭", risks="放学后常独自在家，临近池塘"))
    if stage == S.ASSESSMENT:
        return
    plan = ServicePlan.objects.create(case=case, created_by=worker, summary="稳定照料安排，加强亲子联系与安全教育")
    PlanGoal.objects.create(plan=plan, order=1, text="父母每周与孩子视频通话至少一次", measure="社工每月核对通话记录")
    PlanGoal.objects.create(plan=plan, order=2, text="祖母掌握防溺水与用电安全要点", measure="回访时现场提问")
    PlannedService.objects.create(plan=plan, service_type=kind(code="family_education"), owner="社工",
                                  description="入户为祖母做家庭教育指导", starts_on=today,
                                  ends_on=today + datetime.timedelta(days=60))
    PlannedService.objects.create(plan=plan, service_type=kind(code="companionship"), owner="志愿者服务队",
                                  description="每周一次课业陪伴", starts_on=today,
                                  ends_on=today + datetime.timedelta(days=90))
    services.plan_saved(case=case, plan=plan, by=worker, fingerprint_before="")
    services.submit_plan(case=case, by=worker, note="请督导审阅")
    if stage == S.PLAN:
        return
    approve(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="同意，注意记录亲情连线情况")
    case.refresh_from_db()
    services.record_service(case=case, by=worker, record=ServiceRecord(
        service_type=kind(code="family_education"), duration_minutes=90, participants=["guardian", "child"],
        participant_names="祖母", content="讲解防溺水、用电安全，示范如何与孩子沟通学习情况",
        result="祖母能复述三条安全要点"))
    services.refer(case=case, by=worker, resource=Resource.objects.get(name="湛江市志愿者联合会关爱留守儿童服务队"),
                   need="每周一次课业陪伴")
    services.add_note(case=case, by=worker, text="班主任反映孩子最近上课更专注。")
    if stage == S.INTERVENTION:
        return
    services.record_evaluation(case=case, by=worker, evaluation=Evaluation(summary="两项目标基本达成"), results={
        g.pk: ("achieved", "") for g in case.plan.goals.all()})
    if stage == S.EVALUATION:
        return
    services.request_closure(case=case, by=worker, reason=Closure.Reason.GOALS_MET, summary="照料稳定，亲子联系恢复")
    approve(approval=latest_approval(case, CLOSURE_APPROVAL), by=supervisor, comment="同意结案，按期回访")


def seed() -> str:
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).first()
    count = _resources(supervisor)
    children = list(Child.objects.in_registry().filter(cases__isnull=True).exclude(social_worker__isnull=True)
                    .select_related("social_worker").order_by("id")[:len(STAGES)])
    if Case.objects.exists() or supervisor is None:
        children = []
    for child, stage in zip(children, STAGES, strict=False):
        worker = child.social_worker
        case = services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户探访发现",
                                  reason="父母外出务工，祖母年迈，孩子常独自在家",
                                  opened_on=timezone.localdate() - datetime.timedelta(days=40))
        _walk(case, stage, worker, supervisor)
    incident_demo.seed()  # discovery reports, after the cases so that the case demo still finds none
    return f"{count} resources, {len(children)} cases"
