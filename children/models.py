from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.fields import EncryptedCharField, EncryptedTextField
from accounts.models import Role

from .signals import risk_level_changed


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk (red)")
    MEDIUM_HIGH = "medium_high", _("Medium-high risk (yellow)")
    MEDIUM_LOW = "medium_low", _("Medium-low risk (blue)")
    LOW = "low", _("Low risk (green)")


class ChildQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ChildQuerySet":
        """The one scoping rule for children; every other model filters through it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in (Role.PROJECT_LEAD, Role.SUPERVISOR, Role.BUREAU):
            return self
        if user.role == Role.SOCIAL_WORKER:
            return self.filter(user.area_q("residence_id") | Q(social_worker=user))
        if user.role == Role.COUNTY_BUREAU:
            return self.filter(user.area_q("residence_id"))
        return self.none()  # system administrators reach child data only through audited views

    def in_registry(self) -> "ChildQuerySet":
        return self.filter(status=Child.Status.REGISTERED)


class Child(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("In registry")
        EXITED = "exited", _("Left registry")

    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = EncryptedCharField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    residence = models.ForeignKey("divisions.Division", verbose_name=_("actual residence"), on_delete=models.PROTECT,
                                  related_name="+")
    hukou = models.ForeignKey("divisions.Division", verbose_name=_("registered residence"), on_delete=models.PROTECT,
                              related_name="+", null=True, blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    social_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="caseload")
    risk_level = models.CharField(_("risk level"), max_length=12, choices=RiskLevel.choices, blank=True,
                                  db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED,
                              db_index=True)
    exit_reason = models.CharField(_("exit reason"), max_length=200, blank=True)
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    created_at = models.DateTimeField(_("entered on"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="registered") | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                                   name="children_child_exit_has_reason_and_date"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("children:detail", args=[self.pk])

    def can_change(self, user) -> bool:
        """Called on a child already fetched through visible_to(user)."""
        return user.is_active and user.role in (Role.SOCIAL_WORKER, Role.PROJECT_LEAD, Role.SUPERVISOR)

    def set_risk_level(self, level: str, *, by) -> None:
        """Store a person-confirmed risk level and tell the apps that schedule by it."""
        old = self.risk_level
        self.risk_level = level
        self.save(update_fields=["risk_level", "updated_at"])
        if old != level:
            risk_level_changed.send(sender=Child, child=self, old=old, new=level, by=by)


class RiskPolicy(models.Model):
    """The risk and visit policy the project lead edits (DOMAIN.md §4: [P] values are proposals).

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
        ]

    def __str__(self):
        return str(_("risk and visit policy"))

    def get_absolute_url(self):
        return reverse("admin:children_riskpolicy_change", args=[self.pk])

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


from .risk_models import *  # noqa: E402, F403  risk assessments live in their own module
