"""The hand-over from the browser: the project lead starts the export (a Celery task; the page polls its
progress), the bureau downloads the zip. Both are audited (docs/privacy.md "Hand-over")."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.exports import download_allowed, link_expired
from accounts.policy import Can, require
from accounts.services import audit

from . import services
from .models import HandoverExport
from .tasks import run_export


def _require_handover(user) -> None:
    if not (user.can(Can.EXPORT_HANDOVER) or user.can(Can.DOWNLOAD_HANDOVER)):
        raise PermissionDenied


def _latest():
    return HandoverExport.objects.select_related("created_by").first()


@login_required
def index(request):
    _require_handover(request.user)
    return render(request, "handover/index.html", {"job": _latest(), "exports": HandoverExport.objects.all()[:10]})


@login_required
@require_POST
def start(request):
    require(request.user, Can.EXPORT_HANDOVER)
    job, created = services.start_export(by=request.user, include_pdfs=request.POST.get("include_pdfs") == "on")
    if created:
        audit(user=request.user, action="handover.started", target=job, request=request, pdfs=job.include_pdfs)
        run_export.delay(job.pk)
    return redirect("handover:index")


@login_required
def status(request):
    """The progress fragment; it polls itself (htmx, every 2 s) while the export runs."""
    _require_handover(request.user)
    return render(request, "handover/_status.html", {"job": _latest()})


@login_required
def download(request):
    require(request.user, Can.DOWNLOAD_HANDOVER)
    job = HandoverExport.objects.filter(job_status=HandoverExport.Job.DONE).first()
    path = services.zip_file(job) if job else None
    if path is None:
        raise Http404
    if not download_allowed("handover", request.GET.get("t", ""), request.user, job.pk):
        return link_expired(request, reverse("handover:index"))
    audit(user=request.user, action="handover.download", target=job, request=request,
          manifest_sha256=job.manifest_sha256)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"tonghu-handover-{job.created_at:%Y%m%d}.zip")
