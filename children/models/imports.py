"""A ledger upload and its checked plan, kept server-side between upload, preview and confirm (issue 11
item 8): the file is read and checked once; the preview and the confirm read the plan, never the file."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.fields import EncryptedTextField


class LedgerImport(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE,
                                    related_name="+")
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHECKING)
    # The checked rows as JSON (children, parents, tags), encrypted at rest: it holds ID numbers.
    plan = EncryptedTextField(_("checked plan"), blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)  # [[row, column, message], …]
    skipped_rows = models.JSONField(default=list, blank=True)
    ignored_headers = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)  # rows imported 待细分
    done = models.PositiveIntegerField(default=0)  # rows checked or saved so far (the progress bar)
    imported = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename or str(self.pk)

    def get_absolute_url(self):
        return reverse("children:import_preview", args=[self.pk.hex])

    @property
    def busy(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        total = self.row_count or 0
        return min(100, round(100 * self.done / total)) if total else 0
