"""Case files (个案): 接案 → 预估 → 计划 → 介入 → 评估 → 结案 → 回访, every step a record with author and time."""

import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import add_months
from accounts.fields import EncryptedTextField
from accounts.policy import Can, roles_with
from children.models import Child

from .resources import ServiceType

__all__ = [
    "Case", "CaseQuerySet", "CaseEvent", "Assessment", "ServicePlan", "PlanGoal", "PlannedService",
    "ServiceRecord", "CaseNote", "Evaluation", "GoalEvaluation", "Closure", "FollowUp", "SupervisionNote",
    "PLAN_APPROVAL", "CLOSURE_APPROVAL",
]

# Approval kinds (accounts.Approval.kind); the approval's target is the case itself.
PLAN_APPROVAL = "case_plan"
CLOSURE_APPROVAL = "case_closure"



def follow_up_months() -> tuple[int, ...]:
    """Months after closure at which 回访 are scheduled ([P], a setting)."""
    return tuple(getattr(settings, "CASES_FOLLOW_UP_MONTHS", (1, 3)))


def _digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))

    def open(self) -> "CaseQuerySet":
        return self.exclude(stage__in=Case.CLOSED_STAGES)

    def plan_overdue(self, today: datetime.date | None = None) -> "CaseQuerySet":
        return self.filter(stage__in=Case.BEFORE_PLAN_STAGES, plan_due_on__lt=today or timezone.localdate())


class Case(models.Model):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ASSESSMENT = "assessment", _("Assessment")
        PLAN = "plan", _("Service plan")
        INTERVENTION = "intervention", _("Intervention")
        EVALUATION = "evaluation", _("Evaluation")
        CLOSED = "closed", _("Closure")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Source(models.TextChoices):
        VISIT = "visit", _("Found during a visit")
        INCIDENT = "incident", _("Discovery report")
        REFERRAL = "referral", _("Referral from another organisation")
        SELF = "self", _("Self-referral (child or family)")
        CHILD_DIRECTOR = "child_director", _("Child director")

    S = Stage
    # Which stage may follow which (the stage is moved only by recording the step that leads there).
    TRANSITIONS = {
        S.INTAKE: {S.ASSESSMENT, S.CLOSED},
        S.ASSESSMENT: {S.PLAN, S.CLOSED},
        S.PLAN: {S.INTERVENTION, S.ASSESSMENT, S.CLOSED},
        S.INTERVENTION: {S.EVALUATION, S.PLAN, S.CLOSED},
        S.EVALUATION: {S.CLOSED, S.INTERVENTION, S.PLAN},
        S.CLOSED: {S.FOLLOW_UP},
        S.FOLLOW_UP: set(),
    }
    # Reopening (with a reason, logged) goes back to assessment: see reopen().
    REOPEN_FROM = {S.CLOSED, S.FOLLOW_UP}
    CLOSED_STAGES = (S.CLOSED, S.FOLLOW_UP)
    BEFORE_PLAN_STAGES = (S.INTAKE, S.ASSESSMENT, S.PLAN)
    SERVICE_STAGES = (S.INTERVENTION, S.EVALUATION)

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="cases")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE, db_index=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.VISIT)
    source_note = EncryptedTextField(_("how the case came in"), blank=True)
    reason = EncryptedTextField(_("presenting problem"), blank=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    plan_due_on = models.DateField(_("service plan due on"), null=True, blank=True, db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                                   name="cases_case_closed_after_opened"),
            models.UniqueConstraint(fields=["child"], condition=~Q(stage__in=["closed", "follow_up"]),
                                    name="cases_case_one_open_per_child"),
        ]

    def __str__(self):
        return _("Case of %(child)s") % {"child": self.child}

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    def clean(self):
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The closing date cannot be before the opening date.")})

    # ------------------------------------------------------------ permissions and state

    def can_change(self, user) -> bool:
        """Called on a case already fetched through visible_to(user)."""
        return user.can(Can.DO_CASEWORK)

    @property
    def is_open(self) -> bool:
        return self.stage not in self.CLOSED_STAGES

    def current(self, related_name: str):
        """The latest record of a step (assessment, plan, evaluation, closure) in this round of the case."""
        return getattr(self, related_name).order_by("-created_at", "-id").first()

    @property
    def plan(self) -> "ServicePlan | None":
        return self.current("plans")

    @property
    def closure(self) -> "Closure | None":
        return self.current("closures")

    def _approved_this_round(self, kind: str, record) -> bool:
        """Approved for exactly this content, and after the last reopening."""
        from accounts.models import Approval

        if record is None:
            return False
        latest = (Approval.objects.filter(content_type=ContentType.objects.get_for_model(Case), object_id=str(self.pk),
                                          kind=kind).order_by("-requested_at", "-id").first())
        return bool(latest and latest.status == Approval.Status.APPROVED
                    and latest.fingerprint == record.fingerprint()
                    and latest.requested_at >= self.round_started_at())

    def plan_is_approved(self) -> bool:
        plan = self.plan
        return bool(plan and plan.goals.exists() and self._approved_this_round(PLAN_APPROVAL, plan))

    def closure_is_approved(self) -> bool:
        return self._approved_this_round(CLOSURE_APPROVAL, self.closure)

    def pending_approval(self):
        from accounts.models import Approval

        return Approval.objects.filter(
            content_type=ContentType.objects.get_for_model(Case), object_id=str(self.pk),
            status=Approval.Status.PENDING, kind__in=[PLAN_APPROVAL, CLOSURE_APPROVAL]).first()

    def _guard(self, stage: str) -> str | None:
        """Why the step into `stage` is not recorded yet (None when it is)."""
        S = self.Stage
        round_start = self.round_started_at()
        if stage == S.ASSESSMENT and not self.assessments.filter(created_at__gte=round_start).exists():
            return _("Record an assessment first.")
        if stage == S.PLAN and not (self.plan and self.plan.updated_at >= round_start):
            return _("Write a service plan first.")
        if stage == S.INTERVENTION and not self.plan_is_approved():
            return _("The service plan must be approved by the supervisor before intervention starts.")
        if stage == S.EVALUATION and not self.evaluations.filter(created_at__gte=round_start).exists():
            return _("Record an evaluation first.")
        if stage == S.CLOSED and not self.closure_is_approved():
            return _("A case closes only after the supervisor approves the closure.")
        if stage == S.FOLLOW_UP and not self.follow_ups.filter(done_on__isnull=False).exists():
            return _("Record a follow-up first.")
        return None

    def round_started_at(self) -> datetime.datetime:
        """When the current round began: the last reopening, or the opening."""
        reopened = self.events.filter(kind=CaseEvent.Kind.REOPENED).order_by("-at").values_list("at", flat=True).first()
        return reopened or datetime.datetime.min.replace(tzinfo=datetime.UTC)

    def transition_error(self, stage: str) -> str | None:
        if stage == self.stage:
            return None
        if stage not in self.TRANSITIONS[self.stage]:
            return _("A case cannot go from %(from)s to %(to)s.") % {
                "from": self.Stage(self.stage).label, "to": self.Stage(stage).label}
        return self._guard(stage)

    def move_to(self, stage: str, *, by, note: str = "") -> None:
        """Move to `stage` if the transition is allowed and its step is recorded; log it."""
        if stage == self.stage:
            return
        error = self.transition_error(stage)
        if error:
            raise ValidationError(error)
        old = self.stage
        self.stage = stage
        fields = ["stage"]
        if stage == self.Stage.CLOSED:
            self.closed_on = timezone.localdate()
            fields.append("closed_on")
        self.save(update_fields=fields)
        CaseEvent.objects.create(case=self, kind=CaseEvent.Kind.STAGE, from_stage=old, to_stage=stage, by=by,
                                 note=note)

    def reopen(self, *, by, reason: str) -> None:
        if self.stage not in self.REOPEN_FROM:
            raise ValidationError(_("Only a closed case can be reopened."))
        if not reason.strip():
            raise ValidationError(_("Say why the case is reopened."))
        old = self.stage
        self.stage, self.closed_on = self.Stage.ASSESSMENT, None
        self.save(update_fields=["stage", "closed_on"])
        self.follow_ups.filter(done_on__isnull=True).update(cancelled=True)
        CaseEvent.objects.create(case=self, kind=CaseEvent.Kind.REOPENED, from_stage=old,
                                 to_stage=self.Stage.ASSESSMENT, by=by, note=reason.strip())

    def approval_decided(self, approval) -> None:
        """Called by accounts.services when the supervisor decides a plan or closure request."""
        from accounts.models import Approval

        kind = {PLAN_APPROVAL: CaseEvent.Kind.PLAN_DECIDED, CLOSURE_APPROVAL: CaseEvent.Kind.CLOSURE_DECIDED}.get(
            approval.kind)
        if kind is None:
            return
        CaseEvent.objects.create(case=self, kind=kind, by=approval.decided_by, at=approval.decided_at,
                                 note=approval.comment, approval_status=approval.status)
        if approval.status != Approval.Status.APPROVED:
            return
        if approval.kind == PLAN_APPROVAL and self.stage == self.Stage.PLAN and self.plan_is_approved():
            self.move_to(self.Stage.INTERVENTION, by=approval.decided_by)
        elif approval.kind == CLOSURE_APPROVAL and self.is_open and self.closure_is_approved():
            self.move_to(self.Stage.CLOSED, by=approval.decided_by)
            self.schedule_follow_ups()

    def schedule_follow_ups(self) -> list["FollowUp"]:
        """回访 rows at 1 and 3 months (by default) after the closing date; idempotent."""
        closure = self.closure
        closed_on = self.closed_on or timezone.localdate()
        return [FollowUp.objects.get_or_create(closure=closure, months_after=months, defaults={
            "case": self, "due_on": add_months(closed_on, months)})[0] for months in follow_up_months()]


class CaseEvent(models.Model):
    """The log of a case: stage changes, reopenings, approval requests and decisions."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        STAGE = "stage", _("Stage changed")
        REOPENED = "reopened", _("Case reopened")
        PLAN_REQUESTED = "plan_requested", _("Service plan submitted for approval")
        PLAN_DECIDED = "plan_decided", _("Service plan decided")
        CLOSURE_REQUESTED = "closure_requested", _("Closure submitted for approval")
        CLOSURE_DECIDED = "closure_decided", _("Closure decided")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_stage = models.CharField(_("from stage"), max_length=16, choices=Case.Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=Case.Stage.choices, blank=True)
    approval_status = models.CharField(_("decision"), max_length=10, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    snapshot = EncryptedTextField(_("content submitted"), blank=True,
                                help_text="The plan or closure exactly as submitted for approval.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case log entry")
        verbose_name_plural = _("case log")
        ordering = ["at", "id"]

    def __str__(self):
        if self.kind == self.Kind.STAGE:
            return _("%(from)s → %(to)s") % {"from": self.get_from_stage_display(), "to": self.get_to_stage_display()}
        return str(self.get_kind_display())

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.case_id]) + f"#event-{self.pk}"

    @property
    def approval_status_label(self) -> str:
        from accounts.models import Approval

        return Approval.Status(self.approval_status).label if self.approval_status else ""


class CaseRecord(models.Model):
    """Author and time, common to every step record."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.case_id]) + f"#{self._meta.model_name}-{self.pk}"


class Assessment(CaseRecord):
    """预估: needs by domain (the contract's four plus economy and living safety), strengths, risks."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    family_needs = EncryptedTextField(_("family composition"), blank=True)
    guardianship_needs = EncryptedTextField(_("guardianship and care"), blank=True)
    schooling_needs = EncryptedTextField(_("schooling"), blank=True)
    health_needs = EncryptedTextField(_("physical and mental health"), blank=True)
    economy_needs = EncryptedTextField(_("family economy"), blank=True)
    safety_needs = EncryptedTextField(_("living safety"), blank=True)
    strengths = EncryptedTextField(_("strengths"))
    risks = EncryptedTextField(_("risks"))

    NEED_FIELDS = ["family_needs", "guardianship_needs", "schooling_needs", "health_needs", "economy_needs",
                   "safety_needs"]

    class Meta(CaseRecord.Meta):
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return _("Assessment of %(date)s") % {"date": self.assessed_on}

    def clean(self):
        if not any(getattr(self, f).strip() for f in self.NEED_FIELDS):
            raise ValidationError(_("Describe the needs in at least one domain."))

    def needs(self) -> list[tuple[str, str]]:
        return [(self._meta.get_field(f).verbose_name, getattr(self, f)) for f in self.NEED_FIELDS
                if getattr(self, f).strip()]


class ServicePlan(CaseRecord):
    """计划: goals and planned services. Editing it after approval changes its fingerprint: approve again."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="plans")
    summary = EncryptedTextField(_("plan summary"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # accounts.concurrency
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta(CaseRecord.Meta):
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")

    def __str__(self):
        return _("Service plan of %(date)s") % {"date": timezone.localtime(self.created_at).date()}

    def as_text(self) -> str:
        """The plan as plain text, kept with each approval request so every approved version stays on file."""
        lines = [self.summary] if self.summary else []
        lines += [f"{_('goal')} {n}：{g.text}" + (f"（{g.measure}）" if g.measure else "")
                  for n, g in enumerate(self.goals.order_by("order", "id"), start=1)]
        lines += [f"{_('planned service')}：{s.service_type} {s.description} — {s.owner}，"
                  f"{s.starts_on:%Y-%m-%d}–{s.ends_on:%Y-%m-%d}"
                  for s in self.services.select_related("service_type").order_by("starts_on", "id")]
        return "\n".join(lines)

    def fingerprint(self) -> str:
        goals = [[g.text, g.measure] for g in self.goals.order_by("order", "id")]
        services = [[s.service_type_id, s.description, s.owner, s.starts_on, s.ends_on]
                    for s in self.services.order_by("starts_on", "id")]
        return _digest({"summary": self.summary, "goals": goals, "services": services})


class PlanGoal(models.Model):
    plan = models.ForeignKey(ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE,
                             related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("goal"), max_length=300)
    measure = models.CharField(_("how we will know"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.plan.case_id]) + "#plan"


class PlannedService(models.Model):
    plan = models.ForeignKey(ServicePlan, verbose_name=_("service plan"), on_delete=models.CASCADE,
                             related_name="services")
    service_type = models.ForeignKey(ServiceType, verbose_name=_("service"), on_delete=models.PROTECT,
                                     related_name="+")
    description = models.CharField(_("what will be done"), max_length=300, blank=True)
    owner = models.CharField(_("who is responsible"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="cases_plannedservice_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.service_type} · {self.owner}"

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.plan.case_id]) + "#plan"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class ServiceRecord(CaseRecord):
    """介入: one service delivered to the child or family."""

    class Participant(models.TextChoices):
        CHILD = "child", _("Child")
        GUARDIAN = "guardian", _("Guardian")
        CAREGIVER = "caregiver", _("Entrusted caregiver")
        PARENT_AWAY = "parent_away", _("Parent working away")
        TEACHER = "teacher", _("Teacher")
        CHILD_DIRECTOR = "child_director", _("Child director")
        OTHER = "other", _("Other")

    FAMILY_PARTICIPANTS = {Participant.GUARDIAN, Participant.CAREGIVER}

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="services")
    service_type = models.ForeignKey(ServiceType, verbose_name=_("service"), on_delete=models.PROTECT,
                                     related_name="records")
    served_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    participants = models.JSONField(_("who took part"), default=list)
    participant_names = models.CharField(_("names of those who took part"), max_length=200, blank=True)
    content = EncryptedTextField(_("content"))
    result = EncryptedTextField(_("result"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["served_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="cases_servicerecord_duration_positive"),
        ]

    def __str__(self):
        return f"{self.service_type} · {self.served_on}"

    def participant_labels(self) -> str:
        return "、".join(str(self.Participant(p).label) for p in self.participants if p in self.Participant.values)

    def clean(self):
        if self.service_type_id and self.service_type.with_family and not (
                self.FAMILY_PARTICIPANTS & set(self.participants)):
            raise ValidationError({"participants": _(
                "%(service)s is delivered with the family: tick the guardian or the entrusted caregiver.")
                % {"service": self.service_type}})


class CaseNote(CaseRecord):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("case note"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self):
        return self.text[:40]


class Evaluation(CaseRecord):
    """评估: goal by goal, then an overall view."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="evaluations")
    evaluated_on = models.DateField(_("evaluated on"), default=timezone.localdate)
    summary = EncryptedTextField(_("overall evaluation"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return _("Evaluation of %(date)s") % {"date": self.evaluated_on}


class GoalEvaluation(models.Model):
    class Result(models.TextChoices):
        ACHIEVED = "achieved", _("Achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")

    evaluation = models.ForeignKey(Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE,
                                   related_name="goal_results")
    goal = models.ForeignKey(PlanGoal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    comment = EncryptedTextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("goal evaluation")
        verbose_name_plural = _("goal evaluations")
        ordering = ["goal__order", "goal_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="cases_goalevaluation_one_per_goal"),
        ]

    def __str__(self):
        return f"{self.goal} · {self.get_result_display()}"

    def get_absolute_url(self):
        return self.evaluation.get_absolute_url()


class Closure(CaseRecord):
    """结案 request: reason and summary; the case closes when the supervisor approves it."""

    class Reason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals of the plan achieved")
        RISK_RESOLVED = "risk_resolved", _("Risk resolved, no further service needed")
        MOVED = "moved", _("Child moved out of the service area")
        LEFT_REGISTRY = "left_registry", _("Child left the registry")
        TRANSFERRED = "transferred", _("Transferred to another organisation")
        DECLINED = "declined", _("Family declined further service")
        OTHER = "other", _("Other")

    # Reasons that may close a case before its evaluation.
    EARLY_REASONS = {Reason.MOVED, Reason.LEFT_REGISTRY, Reason.TRANSFERRED, Reason.DECLINED}

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closures")
    reason = models.CharField(_("closure reason"), max_length=16, choices=Reason.choices)
    summary = EncryptedTextField(_("closure summary"))

    class Meta(CaseRecord.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return _("Closure: %(reason)s") % {"reason": self.get_reason_display()}

    def fingerprint(self) -> str:
        return _digest({"reason": self.reason, "summary": self.summary})


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FollowUpQuerySet":
        return self.filter(case__in=Case.objects.visible_to(user))

    def pending(self) -> "FollowUpQuerySet":
        return self.filter(done_on__isnull=True, cancelled=False)

    def overdue(self, today: datetime.date | None = None) -> "FollowUpQuerySet":
        return self.pending().filter(due_on__lt=today or timezone.localdate())


class FollowUp(models.Model):
    """回访 after closure, scheduled automatically (by default 1 and 3 months after closing)."""

    class Method(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follow_ups")
    closure = models.ForeignKey(Closure, verbose_name=_("closure"), on_delete=models.CASCADE,
                                related_name="follow_ups")
    months_after = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, blank=True)
    situation = EncryptedTextField(_("child's situation"), blank=True)
    needs_reopening = models.BooleanField(_("the case should be reopened"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("followed up by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["closure", "months_after"], name="cases_followup_once_per_month_mark"),
            models.CheckConstraint(condition=Q(done_on__isnull=True) | (~Q(method="") & ~Q(situation="")),
                                   name="cases_followup_done_has_method_and_situation"),
        ]

    def __str__(self):
        return _("Follow-up %(n)s months after closure") % {"n": self.months_after}

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.case_id]) + f"#followup-{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and not self.cancelled and self.due_on < timezone.localdate()


class SupervisionNoteQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SupervisionNoteQuerySet":
        """Notes on a case follow the case; notes on a worker are for the supervisor, the lead and that worker."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        on_cases = Q(case__in=Case.objects.visible_to(user))
        if user.can(Can.MANAGE_PROJECT):
            return self.filter(on_cases | Q(case__isnull=True))
        return self.filter(on_cases | Q(case__isnull=True, worker=user))


class SupervisionNote(models.Model):
    """督导记录 on one case, or on a worker's practice in general."""

    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="supervision_notes")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="supervision_notes",
                               limit_choices_to={"role__in": roles_with(Can.HAVE_CASELOAD)})
    supervised_on = models.DateField(_("date"), default=timezone.localdate)
    text = EncryptedTextField(_("supervision note"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("supervisor"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = SupervisionNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision note")
        verbose_name_plural = _("supervision notes")
        ordering = ["-supervised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(case__isnull=False) | Q(worker__isnull=False),
                                   name="cases_supervisionnote_on_case_or_worker"),
        ]

    def __str__(self):
        return _("Supervision note of %(date)s") % {"date": self.supervised_on}

    def get_absolute_url(self):
        if self.case_id:
            return reverse("cases:detail", args=[self.case_id]) + f"#supervisionnote-{self.pk}"
        return reverse("admin:cases_supervisionnote_change", args=[self.pk])

    def clean(self):
        if not self.case_id and not self.worker_id:
            raise ValidationError(_("Choose the case or the social worker this note is about."))
