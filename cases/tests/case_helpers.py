"""Builders that walk a case through its real steps (test_case*.py use them)."""

import datetime

from accounts.services import approve, latest_approval
from cases import services
from cases.models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Assessment,
    Case,
    Closure,
    Evaluation,
    PlanGoal,
    PlannedService,
    ServicePlan,
    ServiceRecord,
    ServiceType,
)


def service_type(code="companionship") -> ServiceType:
    return ServiceType.objects.get(code=code)


def assess(case, by) -> Assessment:
    return services.record_assessment(case=case, by=by, assessment=Assessment(
        guardianship_needs="祖母73岁，照料力不从心", strengths="孩子成绩中上，喜欢画画", risks="放学后独自在家"))


def write_plan(case, by, goals=("每周与父母视频一次",)) -> ServicePlan:
    plan = services.plan_for_editing(case, by)
    before = plan.fingerprint() if plan.pk else ""
    plan.summary = plan.summary or "稳定照料安排，加强亲子联系"
    plan.save()
    for order, text in enumerate(goals):
        PlanGoal.objects.create(plan=plan, order=order, text=text, measure="社工每月核对")
    if not plan.services.exists():
        PlannedService.objects.create(plan=plan, service_type=service_type("family_education"), owner="社工",
                                      description="指导祖母", starts_on=datetime.date(2026, 12, 1),
                                      ends_on=datetime.date(2027, 2, 28))
    return services.plan_saved(case=case, plan=plan, by=by, fingerprint_before=before)


def approve_plan(case, worker, supervisor):
    services.submit_plan(case=case, by=worker)
    approve(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="同意")
    case.refresh_from_db()


def serve(case, by, code="companionship", participants=("child",)) -> ServiceRecord:
    return services.record_service(case=case, by=by, record=ServiceRecord(
        service_type=service_type(code), duration_minutes=60, participants=list(participants),
        content="陪伴写作业，聊学校生活", result="孩子情绪稳定"))


def evaluate(case, by) -> Evaluation:
    results = {g.pk: ("achieved", "已做到") for g in case.plan.goals.all()}
    return services.record_evaluation(case=case, by=by, evaluation=Evaluation(summary="目标基本达成"),
                                      results=results)


def close(case, worker, supervisor, reason=Closure.Reason.GOALS_MET):
    services.request_closure(case=case, by=worker, reason=reason, summary="照料稳定，亲子联系恢复")
    approve(approval=latest_approval(case, CLOSURE_APPROVAL), by=supervisor, comment="同意结案")
    case.refresh_from_db()


def case_through(case, worker, supervisor, stage) -> Case:
    """Walk a case through the real steps up to `stage`."""
    S = Case.Stage
    order = [S.INTAKE, S.ASSESSMENT, S.PLAN, S.INTERVENTION, S.EVALUATION, S.CLOSED, S.FOLLOW_UP]
    target = order.index(stage)
    steps = [lambda: assess(case, worker), lambda: write_plan(case, worker),
             lambda: approve_plan(case, worker, supervisor), lambda: (serve(case, worker), evaluate(case, worker)),
             lambda: close(case, worker, supervisor),
             lambda: services.record_follow_up(follow_up=case.follow_ups.first(), by=worker,
                                               done_on=datetime.date.today(), method="phone", situation="一切安好")]
    for step in steps[:target]:
        step()
        case.refresh_from_db()
    assert case.stage == stage
    return case
