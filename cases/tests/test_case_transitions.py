"""Every allowed and every forbidden stage transition, and the steps that guard them."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Approval, Notification
from accounts.services import approve, latest_approval, return_for_revision
from cases import services
from cases.models import CLOSURE_APPROVAL, PLAN_APPROVAL, Case, CaseEvent, Closure, PlanGoal
from children.tests.factories import ChildFactory

from .case_helpers import approve_plan, assess, case_through, evaluate, serve, write_plan

pytestmark = pytest.mark.django_db
S = Case.Stage
ALL_PAIRS = [(a, b) for a, b in itertools.permutations(S.values, 2)]


def _fully_recorded_case(case, worker, supervisor):
    """A case whose every step is recorded and approved: only the transition table decides."""
    case_through(case, worker, supervisor, S.FOLLOW_UP)
    return case


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_transition_table(case, worker, supervisor, old, new):
    _fully_recorded_case(case, worker, supervisor)
    Case.objects.filter(pk=case.pk).update(stage=old, closed_on=None)
    case.refresh_from_db()
    if new in Case.TRANSITIONS[old]:
        case.move_to(new, by=worker)
        case.refresh_from_db()
        assert case.stage == new
        assert case.events.filter(kind=CaseEvent.Kind.STAGE, from_stage=old, to_stage=new, by=worker).exists()
    else:
        with pytest.raises(ValidationError):
            case.move_to(new, by=worker)
        case.refresh_from_db()
        assert case.stage == old


def test_allowed_transitions_are_the_closed_loop():
    # Read as the process: forwards one step, back to revise the plan, closure from any open stage.
    assert Case.TRANSITIONS == {
        S.INTAKE: {S.ASSESSMENT, S.CLOSED},
        S.ASSESSMENT: {S.PLAN, S.CLOSED},
        S.PLAN: {S.INTERVENTION, S.ASSESSMENT, S.CLOSED},
        S.INTERVENTION: {S.EVALUATION, S.PLAN, S.CLOSED},
        S.EVALUATION: {S.CLOSED, S.INTERVENTION, S.PLAN},
        S.CLOSED: {S.FOLLOW_UP},
        S.FOLLOW_UP: set(),
    }


# ---------------------------------------------------------------- the steps that guard each transition

def test_no_assessment_stage_without_an_assessment(case, worker):
    with pytest.raises(ValidationError, match="预估|assessment"):
        case.move_to(S.ASSESSMENT, by=worker)
    assess(case, worker)
    case.refresh_from_db()
    assert case.stage == S.ASSESSMENT


def test_no_plan_stage_without_a_plan(case, worker):
    assess(case, worker)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        case.move_to(S.PLAN, by=worker)
    write_plan(case, worker)
    case.refresh_from_db()
    assert case.stage == S.PLAN


def test_no_intervention_before_an_approved_plan(case, worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    with pytest.raises(ValidationError):
        case.move_to(S.INTERVENTION, by=worker)
    with pytest.raises(ValidationError):
        serve(case, worker)
    services.submit_plan(case=case, by=worker)
    with pytest.raises(ValidationError):  # requested is not approved
        case.move_to(S.INTERVENTION, by=worker)
    assert not case.services.exists()


def test_returned_plan_stays_at_plan_and_history_is_kept(case, worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    return_for_revision(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor, comment="目标要可衡量")
    case.refresh_from_db()
    assert case.stage == S.PLAN
    assert Notification.objects.filter(recipient=worker, body="目标要可衡量").exists()
    approve_plan(case, worker, supervisor)
    assert case.stage == S.INTERVENTION
    assert [e.approval_status for e in case.events.filter(kind=CaseEvent.Kind.PLAN_DECIDED)] == [
        Approval.Status.RETURNED, Approval.Status.APPROVED]


def test_plan_request_notifies_supervisor_and_approval_notifies_worker(case, worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    assert Notification.objects.filter(recipient=supervisor, url=case.get_absolute_url()).count() == 1
    approve(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor)
    assert Notification.objects.filter(recipient=worker, level="success").count() == 1


def test_self_approval_is_refused(child, supervisor):
    case = services.open_case(child=child, by=supervisor, source=Case.Source.CHILD_DIRECTOR)
    assess(case, supervisor)
    write_plan(case, supervisor)
    services.submit_plan(case=case, by=supervisor)
    with pytest.raises(PermissionDenied):
        approve(approval=latest_approval(case, PLAN_APPROVAL), by=supervisor)
    case.refresh_from_db()
    assert case.stage == S.PLAN and not case.plan_is_approved()


def test_a_worker_cannot_approve_a_plan(case, worker, other_worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    with pytest.raises(PermissionDenied):
        approve(approval=latest_approval(case, PLAN_APPROVAL), by=other_worker)


def test_plan_edited_after_approval_needs_approval_again(case, worker, supervisor):
    case_through(case, worker, supervisor, S.INTERVENTION)
    assert case.plan_is_approved()
    goal = case.plan.goals.first()
    before = case.plan.fingerprint()
    goal.text = "每周与父母视频两次"
    goal.save()
    services.plan_saved(case=case, plan=case.plan, by=worker, fingerprint_before=before)
    case.refresh_from_db()
    assert case.stage == S.PLAN
    assert not case.plan_is_approved()
    with pytest.raises(ValidationError):
        serve(case, worker)
    approve_plan(case, worker, supervisor)
    assert case.stage == S.INTERVENTION


def test_saving_an_unchanged_approved_plan_keeps_the_approval(case, worker, supervisor):
    case_through(case, worker, supervisor, S.INTERVENTION)
    services.plan_saved(case=case, plan=case.plan, by=worker, fingerprint_before=case.plan.fingerprint())
    case.refresh_from_db()
    assert case.stage == S.INTERVENTION and case.plan_is_approved()


def test_plan_waiting_for_approval_cannot_be_edited(case, worker, supervisor):
    case_through(case, worker, supervisor, S.PLAN)
    services.submit_plan(case=case, by=worker)
    with pytest.raises(ValidationError):
        services.check_plan_editable(case)


def test_plan_needs_a_goal(case, worker, supervisor):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    with pytest.raises(ValidationError):
        write_plan(case, worker, goals=())
    assert not PlanGoal.objects.exists()


def test_no_evaluation_without_a_service(case, worker, supervisor):
    case_through(case, worker, supervisor, S.INTERVENTION)
    with pytest.raises(ValidationError):
        evaluate(case, worker)
    with pytest.raises(ValidationError):
        case.move_to(S.EVALUATION, by=worker)
    serve(case, worker)
    evaluate(case, worker)
    case.refresh_from_db()
    assert case.stage == S.EVALUATION


def test_evaluation_must_cover_every_goal(case, worker, supervisor):
    case_through(case, worker, supervisor, S.ASSESSMENT)
    write_plan(case, worker, goals=("目标一", "目标二"))
    approve_plan(case, worker, supervisor)
    serve(case, worker)
    first = case.plan.goals.first()
    with pytest.raises(ValidationError, match="目标二"):
        services.record_evaluation(case=case, by=worker, evaluation=services.Evaluation(summary="x"),
                                   results={first.pk: ("achieved", "")})


def test_service_after_evaluation_goes_back_to_intervention(case, worker, supervisor):
    case_through(case, worker, supervisor, S.EVALUATION)
    serve(case, worker)
    case.refresh_from_db()
    assert case.stage == S.INTERVENTION


@pytest.mark.parametrize("stage", [S.INTAKE, S.ASSESSMENT, S.PLAN, S.INTERVENTION, S.EVALUATION])
def test_no_closure_without_an_approved_closure(case, worker, supervisor, stage):
    case_through(case, worker, supervisor, stage)
    with pytest.raises(ValidationError):
        case.move_to(S.CLOSED, by=worker)
    services.request_closure(case=case, by=worker, reason=Closure.Reason.MOVED, summary="全家迁往深圳")
    with pytest.raises(ValidationError):  # requested, not yet approved
        case.move_to(S.CLOSED, by=worker)
    case.refresh_from_db()
    assert case.stage == stage and case.closed_on is None


def test_closure_before_evaluation_needs_an_early_reason(case, worker, supervisor):
    case_through(case, worker, supervisor, S.INTERVENTION)
    with pytest.raises(ValidationError):
        services.request_closure(case=case, by=worker, reason=Closure.Reason.GOALS_MET, summary="x")
    assert not case.closures.exists()


def test_approved_closure_closes_and_schedules_follow_ups(case, worker, supervisor):
    case_through(case, worker, supervisor, S.CLOSED)
    assert case.closed_on is not None
    marks = sorted(case.follow_ups.values_list("months_after", flat=True))
    assert marks == [1, 3]
    one = case.follow_ups.get(months_after=1)
    assert one.due_on.month == (case.closed_on.month % 12) + 1


def test_returned_closure_keeps_the_case_open(case, worker, supervisor):
    case_through(case, worker, supervisor, S.EVALUATION)
    services.request_closure(case=case, by=worker, reason=Closure.Reason.GOALS_MET, summary="目标达成")
    return_for_revision(approval=latest_approval(case, CLOSURE_APPROVAL), by=supervisor, comment="补充回访安排")
    case.refresh_from_db()
    assert case.stage == S.EVALUATION and not case.follow_ups.exists()


def test_no_follow_up_stage_before_a_follow_up_is_recorded(case, worker, supervisor):
    case_through(case, worker, supervisor, S.CLOSED)
    with pytest.raises(ValidationError):
        case.move_to(S.FOLLOW_UP, by=worker)
    services.record_follow_up(follow_up=case.follow_ups.first(), by=worker, done_on=case.closed_on,
                              method="home", situation="祖母身体好转")
    case.refresh_from_db()
    assert case.stage == S.FOLLOW_UP


@pytest.mark.parametrize("stage", [S.CLOSED, S.FOLLOW_UP])
def test_reopening_needs_a_reason_and_is_logged(case, worker, supervisor, stage):
    case_through(case, worker, supervisor, stage)
    with pytest.raises(ValidationError):
        services.reopen_case(case=case, by=worker, reason="  ")
    services.reopen_case(case=case, by=worker, reason="回访发现父亲再次外出，孩子独居")
    case.refresh_from_db()
    assert case.stage == S.ASSESSMENT and case.closed_on is None
    event = case.events.get(kind=CaseEvent.Kind.REOPENED)
    assert event.by == worker and "独居" in event.note and event.from_stage == stage


@pytest.mark.parametrize("stage", [S.INTAKE, S.ASSESSMENT, S.PLAN, S.INTERVENTION, S.EVALUATION])
def test_an_open_case_cannot_be_reopened(case, worker, supervisor, stage):
    case_through(case, worker, supervisor, stage)
    with pytest.raises(ValidationError):
        services.reopen_case(case=case, by=worker, reason="再开")


def test_reopened_case_needs_a_new_approval_for_plan_and_closure(case, worker, supervisor):
    case_through(case, worker, supervisor, S.CLOSED)
    services.reopen_case(case=case, by=worker, reason="情况反复")
    case.refresh_from_db()
    assert not case.plan_is_approved() and not case.closure_is_approved()
    assert case.follow_ups.filter(cancelled=True).count() == 2
    with pytest.raises(ValidationError):
        case.move_to(S.PLAN, by=worker)  # the old plan belongs to the last round
    write_plan(case, worker)
    case.refresh_from_db()
    assert case.stage == S.PLAN
    approve_plan(case, worker, supervisor)
    assert case.stage == S.INTERVENTION


def test_open_case_returns_the_open_case_of_a_child(case, child, lead):
    again = services.open_case(child=child, by=lead, source=Case.Source.INCIDENT, source_note="发现报告 #12")
    assert again == case
    assert any("发现报告 #12" in note.text for note in case.notes.all())  # encrypted: no SQL search
    assert Case.objects.filter(child=child).count() == 1


def test_open_case_assigns_the_childs_worker_and_a_plan_due_date(worker, lead):
    child = ChildFactory(social_worker=worker)
    case = services.open_case(child=child, by=lead, source=Case.Source.REFERRAL)
    assert case.worker == worker and case.stage == S.INTAKE
    assert (case.plan_due_on - case.opened_on).days == 30
    assert case.events.get().kind == CaseEvent.Kind.OPENED
