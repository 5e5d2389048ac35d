from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HintDismissal(models.Model):
    """The user has closed the first-steps hint of their 工作台 (guide/hooks.py): it is not shown again."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_hint_dismissal",
                                verbose_name=_("user"))
    dismissed_at = models.DateTimeField(_("dismissed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dismissed first-steps hint")
        verbose_name_plural = _("dismissed first-steps hints")

    def __str__(self):
        return f"{self.user} · {self.dismissed_at:%Y-%m-%d %H:%M}"
