"""The browser's hand-over: start one export at a time (the project lead), run it in Celery with a progress
figure, keep the result as one zip for the bureau to download; and the reminder before the contract ends."""

import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.dates import local_today
from accounts.policy import Can
from accounts.services import notify, users_who_can

from .export import export, zip_directory
from .models import HandoverExport

REMIND_DAYS = 60


def handover_dir() -> Path:
    return Path(settings.PROTECTED_MEDIA_ROOT) / "handover"


def start_export(*, by, include_pdfs: bool) -> tuple[HandoverExport, bool]:
    """A new export, or the one already running (created=False): two clicks make one job."""
    with transaction.atomic():
        running = HandoverExport.objects.select_for_update().filter(
            job_status__in=[HandoverExport.Job.QUEUED, HandoverExport.Job.RUNNING]).first()
        if running:
            return running, False
        return HandoverExport.objects.create(created_by=by, include_pdfs=include_pdfs), True


def _claim(export_id: int) -> HandoverExport | None:
    now = timezone.now()
    with transaction.atomic():
        job = HandoverExport.objects.select_for_update().filter(
            Q(job_status=HandoverExport.Job.QUEUED) | Q(job_status=HandoverExport.Job.RUNNING, lease_until__lt=now),
            pk=export_id).first()
        if job is None:
            return None
        job.job_status, job.lease_until, job.progress = HandoverExport.Job.RUNNING, now + HandoverExport.LEASE, 1
        job.save(update_fields=["job_status", "lease_until", "progress"])
    return job


def run_export(export_id: int) -> bool:
    """The task's body: export into a fresh directory, zip it, record the manifest's hash. True when done."""
    import shutil

    job = _claim(export_id)
    if job is None:
        return False
    directory = handover_dir() / f"{job.pk}-{timezone.now():%Y%m%d%H%M%S}"
    target = handover_dir() / f"handover-{job.pk}.zip"

    def progress(value: int) -> None:
        HandoverExport.objects.filter(pk=job.pk).update(progress=max(1, min(value, 99)),
                                                        lease_until=timezone.now() + HandoverExport.LEASE)

    try:
        manifest = export(directory, pdfs=job.include_pdfs, user=job.created_by, progress=progress)
        manifest_sha = hashlib.sha256((directory / "manifest.json").read_bytes()).hexdigest()
        zip_directory(directory, target)
    except Exception as exc:
        shutil.rmtree(directory, ignore_errors=True)
        HandoverExport.objects.filter(pk=job.pk).update(job_status=HandoverExport.Job.FAILED, error=str(exc)[:2000],
                                                        lease_until=None)
        raise
    HandoverExport.objects.filter(pk=job.pk).update(
        job_status=HandoverExport.Job.DONE, progress=100, lease_until=None, finished_at=timezone.now(),
        zip_path=str(target.relative_to(Path(settings.PROTECTED_MEDIA_ROOT))), manifest_sha256=manifest_sha,
        size=target.stat().st_size,
        documents_missing={name: entry["problem"] for name, entry in manifest["documents"].items()
                           if not entry["included"]})
    return True


def zip_file(job: HandoverExport) -> Path | None:
    if job.job_status != HandoverExport.Job.DONE or not job.zip_path:
        return None
    path = Path(settings.PROTECTED_MEDIA_ROOT) / job.zip_path
    return path if path.is_file() else None


def remind_contract_end(today: datetime.date | None = None) -> int:
    """Tell the project lead, once per contract year, when the last contract year ends within 60 days."""
    from activities.models import ContractYear

    today = today or local_today()
    latest = ContractYear.objects.order_by("-signed_on").first()
    if latest is None or not 0 <= (latest.ends_on - today).days <= REMIND_DAYS:
        return 0
    sent = notify(
        recipients=users_who_can(Can.EXPORT_HANDOVER),
        title=_("The contract ends on %(date)s: prepare the hand-over of the archive") % {
            "date": f"{latest.ends_on:%Y-%m-%d}"},
        body=_("Within 60 days the archive is handed over to the bureau free of charge: export it, verify it, "
               "and after the bureau has received it delete the personal data (docs/privacy.md)."),
        url=reverse("handover:index"), level="warning", key=f"handover:contract-end:{latest.pk}")
    return len(sent)
