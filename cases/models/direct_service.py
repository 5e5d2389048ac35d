# Family-education guidance and mediation without a case (issue 13 item 6; docs/cases.md "Services without a case").
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField
from accounts.policy import Can
from children.models import Child

from .case import ServiceRecord
from .resources import ServiceType

__all__ = ["DirectService", "DirectServiceQuerySet"]


class DirectServiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DirectServiceQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class DirectService(models.Model):
    """A family service (家庭教育指导, 家庭矛盾调解, 代际沟通) given to a child's family that has no case.

    Most families have no case; the service is recorded on the child and counts in the same service
    figures as a case's service records (cases/stats.py). Only the service types delivered with the family
    (`ServiceType.with_family`) may be recorded this way; the guardian or caregiver must take part.
    """

    Participant = ServiceRecord.Participant

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="direct_services")
    service_type = models.ForeignKey(ServiceType, verbose_name=_("service"), on_delete=models.PROTECT,
                                     related_name="direct_records", limit_choices_to={"with_family": True})
    served_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    participants = models.JSONField(_("who took part"), default=list)
    participant_names = models.CharField(_("names of those who took part"), max_length=200, blank=True)
    content = EncryptedTextField(_("content"))
    result = EncryptedTextField(_("result"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = DirectServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service without a case")
        verbose_name_plural = _("services without a case")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="cases_directservice_duration_positive"),
        ]

    def __str__(self):
        return f"{self.service_type} · {self.served_on}"

    def get_absolute_url(self):
        return reverse("children:detail", args=[self.child_id]) + "#timeline"

    def participant_labels(self) -> str:
        return "、".join(str(self.Participant(p).label) for p in self.participants if p in self.Participant.values)

    def clean(self):
        errors = {}
        if self.service_type_id and not self.service_type.with_family:
            errors["service_type"] = _("Only family services (guidance, mediation) can be recorded without a case.")
        if self.service_type_id and not (ServiceRecord.FAMILY_PARTICIPANTS & set(self.participants or [])):
            errors["participants"] = _(
                "%(service)s is delivered with the family: tick the guardian or the entrusted caregiver.") % {
                "service": self.service_type}
        if self.served_on and self.served_on > timezone.localdate():
            errors["served_on"] = _("The service date is in the future. Enter the day the service took place.")
        if errors:
            raise ValidationError(errors)

    def can_change(self, user) -> bool:
        return user.can(Can.DO_CASEWORK)
