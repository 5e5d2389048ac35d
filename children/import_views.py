"""Ledger import in the browser (upload → preview → confirm), the template, and the web export.

Nothing reaches the registry before the confirm: the upload is kept under PROTECTED_MEDIA_ROOT
in a folder of the uploader (another user's token is a 404), checked again in full when confirmed,
and deleted once imported or cancelled.
"""

import datetime
import tempfile
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import Can, allows
from accounts.uploads import protected_storage

from .exporting import ledger_template, may_export_full, write_ledger
from .filters import filtered_children
from .importing import MAX_UPLOAD_BYTES, plan_import, save_plan

PREVIEW_ROWS = 200
UPLOAD_DIR = "imports"


def may_import(user) -> bool:
    return allows(user, Can.DO_CASEWORK)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx). An old .xls file: open it in Excel or "
                                          "WPS and save it as .xlsx first."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB. Split the ledger into smaller files.")
                                        % {"mb": MAX_UPLOAD_BYTES // 2**20})
        return upload


def _path(user, token: str) -> str:
    try:
        token = uuid.UUID(token).hex
    except ValueError as exc:
        raise Http404 from exc
    return f"{UPLOAD_DIR}/{user.pk}/{token}.xlsx"


def _stored(user, token: str) -> str:
    path = _path(user, token)
    if not protected_storage.exists(path):
        raise Http404
    return path


def _remove_stale(user) -> None:
    """Uploads older than a day were abandoned: remove them."""
    folder = f"{UPLOAD_DIR}/{user.pk}"
    if not protected_storage.exists(folder):
        return
    cutoff = timezone.now() - datetime.timedelta(days=1)
    for name in protected_storage.listdir(folder)[1]:
        if protected_storage.get_modified_time(f"{folder}/{name}") < cutoff:
            protected_storage.delete(f"{folder}/{name}")


@login_required
def import_start(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _remove_stale(request.user)
        token = uuid.uuid4().hex
        protected_storage.save(_path(request.user, token), form.cleaned_data["file"])
        request.session.setdefault("ledger_imports", {})[token] = form.cleaned_data["file"].name[:100]
        request.session.modified = True
        return redirect("children:import_preview", token=token)
    return render(request, "children/import_start.html", {"form": form})


@login_required
def import_preview(request, token):
    if not may_import(request.user):
        raise PermissionDenied
    path = _stored(request.user, token)
    filename = request.session.get("ledger_imports", {}).get(token, "")
    with protected_storage.open(path, "rb") as file:
        plan = plan_import(file, by=request.user)
    if request.method == "POST" and plan.ok:
        try:
            children = save_plan(plan, by=request.user, filename=filename, request=request)
        except IntegrityError:  # someone registered one of these children since the check above
            messages.error(request, _("The registry changed while importing; nothing was imported. Check again."))
            return redirect("children:import_preview", token=token)
        protected_storage.delete(path)
        request.session.get("ledger_imports", {}).pop(token, None)
        request.session.modified = True
        messages.success(request, _("Imported %(n)s children from %(file)s.") % {"n": len(children), "file": filename})
        return redirect("children:list")
    status = 200 if request.method == "GET" or plan.ok else 400
    return render(request, "children/import_preview.html", {
        "plan": plan, "token": token, "filename": filename, "rows": plan.rows[:PREVIEW_ROWS],
        "more_rows": max(len(plan.rows) - PREVIEW_ROWS, 0)}, status=status)


@require_POST
@login_required
def import_cancel(request, token):
    if not may_import(request.user):
        raise PermissionDenied
    protected_storage.delete(_stored(request.user, token))
    request.session.get("ledger_imports", {}).pop(token, None)
    request.session.modified = True
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("children:import")


@login_required
def import_template(request):
    response = HttpResponse(ledger_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export(request):
    """The children of the list's current filter and search (what the user sees), as a ledger;
    `full=1` for full details (lead and supervisor)."""
    full = request.GET.get("full") == "1"
    if full and not may_export_full(request.user):
        raise PermissionDenied
    children, form = filtered_children(request.user, request.GET)
    if not form.is_valid():
        messages.error(request, _("The filter has a problem, so nothing was exported. Correct it on the list."))
        return redirect(reverse("children:list") + "?" + request.GET.urlencode())
    filters = {key: request.GET.getlist(key) if len(request.GET.getlist(key)) > 1 else request.GET[key]
               for key in request.GET if key != "full"}
    file = tempfile.TemporaryFile()
    write_ledger(children, file, full=full, by=request.user, request=request, filters=filters)
    file.seek(0)
    name = _("Registry") + f"-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response
