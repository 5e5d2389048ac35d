"""One hand-over export started from the browser (the command line writes a directory and keeps no row)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HandoverExport(models.Model):
    class Job(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Exporting")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    LEASE = datetime.timedelta(hours=2)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    include_pdfs = models.BooleanField(_("with the PDFs of every child and case"), default=False)
    job_status = models.CharField(_("status"), max_length=8, choices=Job.choices, default=Job.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    zip_path = models.CharField(max_length=300, blank=True, editable=False)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Documents the export could not make (the user guide): {file name: problem}; the export finished without them.
    documents_missing = models.JSONField(_("documents not included"), default=dict, blank=True)

    class Meta:
        verbose_name = _("hand-over export")
        verbose_name_plural = _("hand-over exports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def running(self) -> bool:
        return self.job_status in (self.Job.QUEUED, self.Job.RUNNING)
