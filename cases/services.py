"""Writes across case models. Each step is recorded here, and recording it is what moves the stage."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import CLOSURE_APPROVER, PLAN_APPROVER, Can
from accounts.services import audit, notify, pending_approval, request_approval, users_who_can
from children.models import Child

from .models import (
    CLOSURE_APPROVAL,
    PLAN_APPROVAL,
    Assessment,
    Case,
    CaseEvent,
    CaseNote,
    Closure,
    Evaluation,
    FollowUp,
    GoalEvaluation,
    Referral,
    Resource,
    ServicePlan,
    ServiceRecord,
)

S = Case.Stage


def plan_due_days() -> int:
    """Days from intake to an approved service plan before the case counts as overdue ([P], a setting)."""
    return getattr(settings, "CASES_PLAN_DUE_DAYS", 30)


# ---------------------------------------------------------------- intake

@transaction.atomic
def open_case(*, child: Child, by: User, source: str, source_note: str = "", incident=None, reason: str = "",
              worker: User | None = None, opened_on: datetime.date | None = None) -> Case:
    """Open a case for a child (接案). A child has at most one open case: if there is one, the new
    source is added to it as a case note and that case is returned.

    `incident` (a discovery report) is recorded in the source note; the report keeps its own link to the case.
    """
    if source not in Case.Source.values:
        raise ValidationError(_("Unknown case source: %(source)s.") % {"source": source})
    note = source_note.strip()
    if incident is not None and str(incident) not in note:
        note = f"{note}\n{incident}".strip()
    existing = Case.objects.select_for_update().filter(child=child).open().first()
    if existing:
        CaseNote.objects.create(case=existing, created_by=by, text=_("New referral (%(source)s): %(note)s") % {
            "source": Case.Source(source).label, "note": note or "—"})
        return existing
    if worker is None:
        worker = by if by.can(Can.HAVE_CASELOAD) else (child.social_worker or by)
    opened_on = opened_on or timezone.localdate()
    case = Case.objects.create(child=child, worker=worker, source=source, source_note=note, reason=reason.strip(),
                               opened_on=opened_on, opened_by=by,
                               plan_due_on=opened_on + datetime.timedelta(days=plan_due_days()))
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, to_stage=S.INTAKE, by=by, note=note)
    audit(user=by, action="case.opened", target=case, source=source)
    return case


# ---------------------------------------------------------------- assessment and plan

def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This case is closed: reopen it first."))


@transaction.atomic
def record_assessment(*, case: Case, by: User, assessment: Assessment) -> Assessment:
    """预估. The first one moves an intake to assessment; a later one is a reassessment."""
    _require_open(case)
    assessment.case, assessment.created_by = case, by
    assessment.full_clean()
    assessment.save()
    if case.stage == S.INTAKE:
        case.move_to(S.ASSESSMENT, by=by)
    return assessment


def check_plan_editable(case: Case) -> None:
    _require_open(case)
    if case.stage == S.INTAKE:
        raise ValidationError(_("Record an assessment before writing the service plan."))
    if pending_approval(case, PLAN_APPROVAL):
        raise ValidationError(_("The service plan is waiting for the supervisor's decision; "
                                "it can be changed once it is approved or returned."))


def plan_for_editing(case: Case, by: User) -> ServicePlan:
    """The plan of this round to edit, or a new unsaved one."""
    plan = case.plan
    if plan and plan.updated_at >= case.round_started_at():
        return plan
    return ServicePlan(case=case, created_by=by)


@transaction.atomic
def plan_saved(*, case: Case, plan: ServicePlan, by: User, fingerprint_before: str) -> ServicePlan:
    """After the plan and its goals and services are saved: a new or changed plan needs (new) approval."""
    if not plan.goals.exists():
        raise ValidationError(_("A service plan needs at least one goal."))
    plan.updated_at, plan.updated_by = timezone.now(), by
    plan.save(update_fields=["updated_at", "updated_by"])
    changed = plan.fingerprint() != fingerprint_before
    if case.stage == S.ASSESSMENT:
        case.move_to(S.PLAN, by=by)
    elif case.stage in Case.SERVICE_STAGES and changed:
        case.move_to(S.PLAN, by=by, note=_("The approved plan was changed: it needs approval again."))
    return plan


@transaction.atomic
def submit_plan(*, case: Case, by: User, note: str = "") -> None:
    """Ask the supervisor to approve the plan as it is now."""
    if case.stage != S.PLAN:
        raise ValidationError(_("Only a case at the service plan stage can submit its plan."))
    plan = case.plan
    if plan is None or not plan.goals.exists():
        raise ValidationError(_("A service plan needs at least one goal."))
    request_approval(obj=case, kind=PLAN_APPROVAL, by=by, approver_role=PLAN_APPROVER, note=note,
                     fingerprint=plan.fingerprint(),
                     title=_("Service plan waiting for approval: %(case)s") % {"case": case})
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.PLAN_REQUESTED, by=by, note=note,
                             snapshot=plan.as_text())


# ---------------------------------------------------------------- intervention

def _require_service_stage(case: Case) -> None:
    _require_open(case)
    if case.stage not in Case.SERVICE_STAGES:
        raise ValidationError(_("Services and referrals start once the supervisor has approved the service plan."))


@transaction.atomic
def record_service(*, case: Case, by: User, record: ServiceRecord) -> ServiceRecord:
    _require_service_stage(case)
    record.case, record.created_by = case, by
    record.full_clean()
    record.save()
    if case.stage == S.EVALUATION:
        case.move_to(S.INTERVENTION, by=by, note=_("Service continued after the evaluation."))
    return record


@transaction.atomic
def add_note(*, case: Case, by: User, text: str) -> CaseNote:
    if not text.strip():
        raise ValidationError(_("Write the note."))
    return CaseNote.objects.create(case=case, created_by=by, text=text.strip())


@transaction.atomic
def refer(*, case: Case, by: User, resource: Resource, need: str,
          sent_on: datetime.date | None = None) -> Referral:
    _require_service_stage(case)
    if not need.strip():
        raise ValidationError(_("Say what the child needs from this resource."))
    return Referral.objects.create(case=case, resource=resource, need=need.strip(), created_by=by,
                                   sent_on=sent_on or timezone.localdate())


@transaction.atomic
def update_referral(*, referral: Referral, by: User, status: str, outcome: str = "") -> Referral:
    if status != referral.status and status not in Referral.NEXT[referral.status]:
        raise ValidationError(_("A referral that is %(old)s cannot become %(new)s.") % {
            "old": referral.get_status_display(), "new": Referral.Status(status).label})
    if status != referral.status:
        referral.status_changed_on = timezone.localdate()
    referral.status, referral.outcome, referral.updated_by = status, outcome.strip(), by
    referral.full_clean()
    referral.save()
    return referral


# ---------------------------------------------------------------- evaluation and closure

@transaction.atomic
def record_evaluation(*, case: Case, by: User, evaluation: Evaluation, results: dict) -> Evaluation:
    """评估, goal by goal: `results` maps each goal of the plan to (result, comment)."""
    _require_service_stage(case)
    if not case.services.filter(created_at__gte=case.round_started_at()).exists():
        raise ValidationError(_("Record at least one service before evaluating the case."))
    goals = list(case.plan.goals.all())
    missing = [g.text for g in goals if g.pk not in results]
    if missing:
        raise ValidationError(_("Evaluate every goal: %(goals)s.") % {"goals": "、".join(missing)})
    evaluation.case, evaluation.created_by = case, by
    evaluation.full_clean()
    evaluation.save()
    GoalEvaluation.objects.bulk_create(
        GoalEvaluation(evaluation=evaluation, goal=g, result=results[g.pk][0], comment=results[g.pk][1])
        for g in goals)
    case.move_to(S.EVALUATION, by=by)
    return evaluation


@transaction.atomic
def request_closure(*, case: Case, by: User, reason: str, summary: str) -> Closure:
    """Ask the supervisor to approve closing the case. Before the evaluation only for reasons that end
    the service anyway (moved away, left the registry, transferred, declined)."""
    _require_open(case)
    if not summary.strip():
        raise ValidationError(_("Write the closure summary."))
    if case.stage != S.EVALUATION and reason not in Closure.EARLY_REASONS:
        raise ValidationError(_("Evaluate the case before closing it, unless the child moved, left the registry, "
                                "was transferred or the family declined further service."))
    if pending_approval(case, CLOSURE_APPROVAL):
        raise ValidationError(_("The closure is already waiting for the supervisor's decision."))
    closure = Closure.objects.create(case=case, reason=reason, summary=summary.strip(), created_by=by)
    request_approval(obj=case, kind=CLOSURE_APPROVAL, by=by, approver_role=CLOSURE_APPROVER, note=summary.strip(),
                     fingerprint=closure.fingerprint(),
                     title=_("Closure waiting for approval: %(case)s") % {"case": case})
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CLOSURE_REQUESTED, by=by,
                             note=closure.get_reason_display(), snapshot=closure.summary)
    return closure


@transaction.atomic
def record_follow_up(*, follow_up: FollowUp, by: User, done_on: datetime.date, method: str, situation: str,
                     needs_reopening: bool = False) -> FollowUp:
    if follow_up.cancelled or follow_up.done_on:
        raise ValidationError(_("This follow-up is already recorded or no longer due."))
    if not situation.strip():
        raise ValidationError(_("Describe the child's situation at the follow-up."))
    follow_up.done_on, follow_up.method, follow_up.situation = done_on, method, situation.strip()
    follow_up.needs_reopening, follow_up.done_by, follow_up.recorded_at = needs_reopening, by, timezone.now()
    follow_up.save()
    case = follow_up.case
    if case.stage == S.CLOSED:
        case.move_to(S.FOLLOW_UP, by=by)
    if needs_reopening:
        notify(recipients=users_who_can(Can.SUPERVISE), level="warning",
               title=_("Follow-up suggests reopening: %(case)s") % {"case": case}, body=situation,
               url=case.get_absolute_url(), key=f"case-followup:{follow_up.pk}:reopen")
    return follow_up


@transaction.atomic
def reopen_case(*, case: Case, by: User, reason: str) -> Case:
    case.reopen(by=by, reason=reason)
    case.plan_due_on = timezone.localdate() + datetime.timedelta(days=plan_due_days())
    case.save(update_fields=["plan_due_on"])
    audit(user=by, action="case.reopened", target=case, reason=reason.strip())
    return case


# ---------------------------------------------------------------- reminders

def send_reminders(*, today: datetime.date | None = None) -> int:
    """Follow-ups due within 3 days or overdue, and plans overdue: one notification each (keyed)."""
    today = today or timezone.localdate()
    sent = 0
    due = (FollowUp.objects.filter(done_on__isnull=True, cancelled=False,
                                   due_on__lte=today + datetime.timedelta(days=3))
           .select_related("case__child", "case__worker"))
    supervisors = list(users_who_can(Can.SUPERVISE))
    for follow_up in due:
        case = follow_up.case
        if follow_up.due_on < today:
            sent += len(notify(recipients=[case.worker, *supervisors], level="warning",
                               title=_("Follow-up overdue: %(child)s (due %(date)s)") % {
                                   "child": case.child, "date": follow_up.due_on},
                               url=follow_up.get_absolute_url(), key=f"case-followup:{follow_up.pk}:overdue"))
        else:
            sent += len(notify(recipients=[case.worker], title=_("Follow-up due on %(date)s: %(child)s") % {
                "child": case.child, "date": follow_up.due_on}, url=follow_up.get_absolute_url(),
                key=f"case-followup:{follow_up.pk}:due"))
    for case in Case.objects.plan_overdue(today).select_related("child", "worker"):
        sent += len(notify(recipients=[case.worker, *supervisors], level="warning",
                           title=_("Service plan overdue: %(child)s (due %(date)s)") % {
                               "child": case.child, "date": case.plan_due_on},
                           url=case.get_absolute_url(), key=f"case-plan:{case.pk}:overdue:{case.plan_due_on}"))
    return sent
