"""Requests from a guardian or the child about the child's personal information (R8; docs/privacy.md,
"Guardian and child requests"): to see, copy, correct or delete it, the answer, and the deadline."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedCharField, EncryptedTextField

from .child import Child, ChildRelatedQuerySet

ANSWER_WITHIN_WORKING_DAYS = 15  # GB/T 35273-2020 §8.7 c); docs/privacy.md states the rule
RETENTION_ANSWER = _(
    "The child's record is kept and not deleted on request: the project keeps the records of its protection work "
    "for the whole service contract, and when the contract ends every record is handed over to the civil affairs "
    "bureau, after which the project's own copies are deleted and the deletion is recorded. "
    "Anything that is wrong is corrected instead, and nothing more is collected than the work needs.")


def working_days_after(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day`, counting Monday to Friday. Public holidays are not in the calendar:
    the date is never later than the legal one (a holiday would only push the legal one back)."""
    while n:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        SEE = "see", _("See the information")
        COPY = "copy", _("Have a copy")
        CORRECT = "correct", _("Correct or complete it")
        DELETE = "delete", _("Delete it")

    class Requester(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        CHILD = "child", _("The child")
        CAREGIVER = "caregiver", _("Entrusted caregiver")

    class Outcome(models.TextChoices):
        DONE = "done", _("Done as asked")
        PARTLY = "partly", _("Partly done, with reasons")
        REFUSED = "refused", _("Refused, with reasons")

    child = models.ForeignKey(Child, verbose_name=_("child"), on_delete=models.PROTECT, related_name="data_requests")
    kind = models.CharField(_("request"), max_length=8, choices=Kind.choices)
    requester = models.CharField(_("asked by"), max_length=10, choices=Requester.choices)
    requester_name = EncryptedCharField(_("name of the person asking"), blank=True)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    details = EncryptedTextField(_("what they asked"), blank=True,
                                 help_text=_("For a correction: which facts are wrong and what they should be."))
    due_on = models.DateField(_("answer due by"), editable=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, blank=True)
    answer = EncryptedTextField(_("answer given"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ChildRelatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(answered_on__isnull=True)
                                   | models.Q(answered_on__gte=models.F("received_on")),
                                   name="children_datarequest_answer_after_receipt"),
            models.CheckConstraint(condition=~models.Q(kind="delete", outcome="done"),
                                   name="children_datarequest_records_not_deleted"),
        ]

    def __str__(self):
        return _("%(kind)s, received %(day)s") % {"kind": self.get_kind_display(), "day": self.received_on}

    def save(self, *args, **kwargs):
        self.due_on = working_days_after(self.received_on, ANSWER_WITHIN_WORKING_DAYS)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("children:request_detail", args=[self.child_id, self.pk])

    def can_change(self, user) -> bool:
        return self.child.can_change(user)

    @property
    def is_open(self) -> bool:
        return self.answered_on is None

    @property
    def is_overdue(self) -> bool:
        return (self.answered_on or timezone.localdate()) > self.due_on

    def clean(self):
        today = timezone.localdate()
        errors = {}
        if self.received_on and self.received_on > today:
            errors["received_on"] = _("The date cannot be in the future.")
        if self.answered_on:
            if self.answered_on > today:
                errors["answered_on"] = _("The date cannot be in the future.")
            elif self.received_on and self.answered_on < self.received_on:
                errors["answered_on"] = _("The answer cannot come before the request.")
            if not self.outcome:
                errors["outcome"] = _("Say what was done.")
            if not (self.answer or "").strip():
                errors["answer"] = _("Write the answer given, with the reasons for anything not done.")
        if self.kind == self.Kind.DELETE and self.outcome == self.Outcome.DONE:
            errors["outcome"] = _("Records about a child are not deleted: answer with the retention rule.")
        if errors:
            raise ValidationError(errors)
