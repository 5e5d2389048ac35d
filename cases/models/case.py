from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from children.models import Child

__all__ = ["Case", "CaseQuerySet"]


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CaseQuerySet":
        return self.filter(child__in=Child.objects.visible_to(user))


class Case(models.Model):
    class Stage(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ASSESSMENT = "assessment", _("Assessment")
        PLAN = "plan", _("Service plan")
        INTERVENTION = "intervention", _("Intervention")
        EVALUATION = "evaluation", _("Evaluation")
        CLOSED = "closed", _("Closure")
        FOLLOW_UP = "follow_up", _("Follow-up")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("social worker"), on_delete=models.PROTECT,
                               related_name="cases")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.INTAKE, db_index=True)
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]

    def __str__(self):
        return _("Case of %(child)s") % {"child": self.child}

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])
