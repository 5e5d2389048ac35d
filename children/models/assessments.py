"""Risk assessments (风险评估) and the events that call for one.

Every assessment is kept: a new one never changes an old one. The scoring lives in children/risk.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.dates import not_in_future
from accounts.fields import EncryptedTextField

from .child import Child
from .policy import RiskLevel

SCORE_FIELDS = ("score_family", "score_care", "score_schooling", "score_health", "score_economy", "score_safety")


class RiskAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RiskAssessmentQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


def _score_field(label):
    return models.PositiveSmallIntegerField(label, choices=[(n, str(n)) for n in range(4)])


class RiskAssessment(models.Model):
    class Occasion(models.TextChoices):
        INTAKE = "intake", _("Intake assessment")
        PERIODIC = "periodic", _("Periodic reassessment")
        EVENT = "event", _("Reassessment after an event")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Reviewed")
        RETURNED = "returned", _("Returned for revision")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT,
                              related_name="risk_assessments")
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    score_family = _score_field(_("family composition"))
    score_care = _score_field(_("guardianship and care"))
    score_schooling = _score_field(_("school enrolment and attendance"))
    score_health = _score_field(_("physical and mental health"))
    score_economy = _score_field(_("family economy"))
    score_safety = _score_field(_("living safety"))
    triggers = models.JSONField(_("override triggers found"), default=list, blank=True)
    total_score = models.PositiveSmallIntegerField(_("total score"))
    proposed_level = models.CharField(_("proposed level"), max_length=12, choices=RiskLevel.choices)
    confirmed_level = models.CharField(_("confirmed level"), max_length=12, choices=RiskLevel.choices)
    reason_for_difference = models.TextField(_("reason for differing from the proposal"), blank=True)
    notes = EncryptedTextField(_("observations"), blank=True)
    proposal_basis = models.JSONField(default=dict, blank=True, editable=False)
    next_reassessment_on = models.DateField(_("next reassessment"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Mirrors the approval (accounts.Approval, kind "risk_review") so lists can filter on it.
    review_status = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PENDING,
                                     db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    objects = RiskAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["child", "-assessed_on", "-id"], name="children_risk_child_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_family__lte=3) & Q(score_care__lte=3) & Q(score_schooling__lte=3)
                & Q(score_health__lte=3) & Q(score_economy__lte=3) & Q(score_safety__lte=3),
                name="children_riskassessment_scores_in_range"),
            models.CheckConstraint(condition=Q(confirmed_level=F("proposed_level")) | ~Q(reason_for_difference=""),
                                   name="children_riskassessment_difference_has_reason"),
            models.CheckConstraint(condition=Q(next_reassessment_on__gt=F("assessed_on")),
                                   name="children_riskassessment_next_after_assessed"),
            models.CheckConstraint(condition=Q(review_status="pending")
                                   | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                                   name="children_riskassessment_reviewed_has_reviewer"),
        ]

    def __str__(self):
        return _("Risk assessment of %(child)s on %(date)s") % {"child": self.child.name, "date": self.assessed_on}

    def get_absolute_url(self):
        return reverse("children:risk_detail", args=[self.child_id, self.pk])

    def clean(self):
        super().clean()
        if self.confirmed_level and self.proposed_level and self.confirmed_level != self.proposed_level \
                and not self.reason_for_difference.strip():
            raise ValidationError({"reason_for_difference": _(
                "The level you confirm differs from the proposed level: say why (what you saw that the scores miss).")})
        try:
            not_in_future(self.assessed_on, _("The assessment date cannot be in the future."))
        except ValidationError as error:
            raise ValidationError({"assessed_on": error}) from None

    @property
    def level_differs(self) -> bool:
        return self.confirmed_level != self.proposed_level

    def scores(self) -> dict[str, int]:
        return {name.removeprefix("score_"): getattr(self, name) for name in SCORE_FIELDS}

    def approval_decided(self, approval) -> None:
        """Called by accounts.services when the supervisor decides the review request. The reassessment
        a return makes due is recorded by children.services.review_decided (registered in hooks.py)."""
        from accounts.models import Approval

        self.review_status = (self.Review.APPROVED if approval.status == Approval.Status.APPROVED
                              else self.Review.RETURNED)
        self.reviewed_by, self.reviewed_at, self.review_comment = approval.decided_by, approval.decided_at, \
            approval.comment
        self.save(update_fields=["review_status", "reviewed_by", "reviewed_at", "review_comment"])


class RiskEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RiskEventQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class RiskEvent(models.Model):
    """An event after which the child is reassessed at once (docs/domain.md §4); the next assessment
    resolves it."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Discovery or mandatory report")
        GUARDIAN_CHANGE = "guardian_change", _("Change of guardian or caregiver")
        HOSPITAL = "hospital", _("Hospital stay or serious illness")
        DROPOUT = "dropout", _("Dropped out of school")
        PARENT_MOVE = "parent_move", _("A parent returned home or left to work away")
        REVIEW_RETURNED = "review_returned", _("Assessment returned by the supervisor")
        LEVEL_SET = "level_set", _("Risk level set outside an assessment")
        OTHER = "other", _("Other event")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="risk_events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("occurred on"), default=timezone.localdate)
    note = EncryptedTextField(_("note"), blank=True)
    reassess_by = models.DateField(_("reassess by"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    resolved_by = models.ForeignKey(RiskAssessment, verbose_name=_("answered by assessment"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="resolved_events")
    # Override triggers the event points to (a discovery report's situations): the reassessment ticks them.
    triggers = models.JSONField(_("triggers it suggests"), default=list, blank=True)

    objects = RiskEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event calling for reassessment")
        verbose_name_plural = _("events calling for reassessment")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reassess_by__gte=F("occurred_on")),
                                   name="children_riskevent_reassess_after_event"),
        ]

    def __str__(self):
        return f"{self.child.name} · {self.get_kind_display()} · {self.occurred_on}"

    def get_absolute_url(self):
        return reverse("children:risk_history", args=[self.child_id])
