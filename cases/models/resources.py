"""Reference lists (service types, resource types), the resource directory (资源库) and referrals (转介)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField
from accounts.policy import Can

__all__ = ["ServiceType", "ResourceType", "Resource", "ResourceQuerySet", "Referral", "ReferralQuerySet"]


class ServiceType(models.Model):
    """A kind of service (docs/domain.md §6), loaded by a data migration; the lead can add more in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    with_family = models.BooleanField(
        _("delivered with the family"), default=False,
        help_text=_("Family education guidance, mediation, intergenerational communication: the guardian or "
                    "caregiver must take part."))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("service type")
        verbose_name_plural = _("service types")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:cases_servicetype_change", args=[self.pk])


class ResourceType(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("resource type")
        verbose_name_plural = _("resource types")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:resource_list") + f"?type={self.pk}"


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ResourceQuerySet":
        """The directory holds no child data: every active project user may read it."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self

    def covering(self, county_code: str) -> "ResourceQuerySet":
        return self.filter(counties__code=county_code[:6])


class Resource(models.Model):
    """A place or organisation a case can be referred to, with the counties it serves."""

    name = models.CharField(_("name"), max_length=100)
    type = models.ForeignKey(ResourceType, verbose_name=_("resource type"), on_delete=models.PROTECT,
                             related_name="resources")
    counties = models.ManyToManyField("divisions.Division", verbose_name=_("counties covered"), related_name="+",
                                      limit_choices_to={"level": "county"})
    services = models.TextField(_("services offered"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)  # accounts.concurrency: stale saves refused

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("social resource")
        verbose_name_plural = _("resource directory")
        ordering = ["type__order", "name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:resource_detail", args=[self.pk])

    def can_change(self, user) -> bool:
        return user.can(Can.DO_CASEWORK)


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        from .case import Case

        return self.filter(case__in=Case.objects.visible_to(user))


class Referral(models.Model):
    """A case referred to a resource: sent → accepted → done, or declined; with the outcome."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    # What each status may become next.
    NEXT = {
        Status.SENT: {Status.ACCEPTED, Status.DECLINED},
        Status.ACCEPTED: {Status.DONE, Status.DECLINED},
        Status.DONE: set(),
        Status.DECLINED: set(),
    }

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="referrals")
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.PROTECT,
                                 related_name="referrals")
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    need = EncryptedTextField(_("what the child needs from it"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("referred by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)  # accounts.concurrency: stale saves refused

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["sent", "accepted"]) | ~Q(outcome=""),
                                   name="cases_referral_finished_has_outcome"),
        ]

    def __str__(self):
        return _("Referral to %(resource)s") % {"resource": self.resource}

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.case_id]) + f"#referral-{self.pk}"

    def clean(self):
        if self.status in (self.Status.DONE, self.Status.DECLINED) and not self.outcome.strip():
            raise ValidationError({"outcome": _("Write the outcome of a referral that is done or declined.")})
