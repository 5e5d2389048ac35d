"""The risk levels and the risk and visit policy the project lead edits (docs/domain.md §4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk (red)")
    MEDIUM_HIGH = "medium_high", _("Medium-high risk (yellow)")
    MEDIUM_LOW = "medium_low", _("Medium-low risk (blue)")
    LOW = "low", _("Low risk (green)")



class RiskPolicy(models.Model):
    """The risk and visit policy the project lead edits (docs/domain.md §4: [P] values are proposals).

    One row (`RiskPolicy.current()`); every change is kept in its history.
    """

    visit_days_high = models.PositiveSmallIntegerField(_("home visit every (days), high risk"), default=14)
    visit_days_medium_high = models.PositiveSmallIntegerField(_("home visit every (days), medium-high risk"),
                                                              default=30)
    visit_days_medium_low = models.PositiveSmallIntegerField(_("home visit every (days), medium-low risk"),
                                                             default=90)
    visit_days_low = models.PositiveSmallIntegerField(_("home visit every (days), low risk"), default=180)
    call_days_high = models.PositiveSmallIntegerField(_("phone or video contact every (days), high risk"),
                                                      default=14)
    skip_weekends = models.BooleanField(_("due dates avoid weekends"), default=True)
    overdue_grace_days = models.PositiveSmallIntegerField(_("days overdue before escalation"), default=3)
    reassess_months = models.PositiveSmallIntegerField(_("reassess every (months)"), default=6)
    monthly_visit_target = models.PositiveSmallIntegerField(
        _("visits a month to high and medium-high risk families (contract)"), default=10)
    # Risk grading (docs/domain.md §4). Six dimensions are scored 0–3 each; the total is compared with
    # these thresholds, and every override trigger found raises the proposal to at least its level.
    score_high = models.PositiveSmallIntegerField(_("total score from which high risk is proposed"), default=12)
    score_medium_high = models.PositiveSmallIntegerField(
        _("total score from which medium-high risk is proposed"), default=7)
    score_medium_low = models.PositiveSmallIntegerField(
        _("total score from which medium-low risk is proposed"), default=2)
    # {trigger code: level it forces, or "" when switched off}; a trigger missing here keeps the default
    # level of children.risk.TRIGGERS, so a trigger added later works without a data migration.
    trigger_levels = models.JSONField(_("override triggers"), default=dict, blank=True)
    caregiver_old_age = models.PositiveSmallIntegerField(_("a caregiver counts as old from the age of"),
                                                         default=70)
    parents_not_met_months = models.PositiveSmallIntegerField(
        _("parents not having met the child for more than (months)"), default=12)
    reassess_after_event_days = models.PositiveSmallIntegerField(
        _("reassess within (days) after an event"), default=0,
        help_text=_("0 means at once: the reassessment is due on the day of the event."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk and visit policy")
        verbose_name_plural = _("risk and visit policy")
        constraints = [
            models.CheckConstraint(condition=Q(visit_days_high__gte=1) & Q(visit_days_medium_high__gte=1)
                                   & Q(visit_days_medium_low__gte=1) & Q(visit_days_low__gte=1),
                                   name="children_riskpolicy_cadence_positive"),
            models.CheckConstraint(condition=Q(score_high__gt=models.F("score_medium_high"))
                                   & Q(score_medium_high__gt=models.F("score_medium_low")) & Q(score_medium_low__gte=1),
                                   name="children_riskpolicy_thresholds_ordered",
                                   violation_error_message=_("Thresholds must rise from medium-low to high risk, and "
                                                             "medium-low must be at least 1: for example 2, 7 and 12.")),
        ]

    def __str__(self):
        return str(_("risk and visit policy"))

    def get_absolute_url(self):
        return reverse("admin:children_riskpolicy_change", args=[self.pk])

    def clean(self):
        from ..risk import validate_trigger_levels

        super().clean()
        validate_trigger_levels(self.trigger_levels)

    def trigger_level(self, code: str) -> str:
        """The level an override trigger forces under this policy; "" when switched off."""
        from ..risk import TRIGGERS_BY_CODE

        if code in (self.trigger_levels or {}):
            return self.trigger_levels[code]
        return TRIGGERS_BY_CODE[code].default_level if code in TRIGGERS_BY_CODE else ""

    @classmethod
    def current(cls) -> "RiskPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    def visit_interval_days(self, level: str) -> int | None:
        """Days between home visits for a risk level; None for a child not yet graded."""
        return {
            RiskLevel.HIGH: self.visit_days_high,
            RiskLevel.MEDIUM_HIGH: self.visit_days_medium_high,
            RiskLevel.MEDIUM_LOW: self.visit_days_medium_low,
            RiskLevel.LOW: self.visit_days_low,
        }.get(level)

