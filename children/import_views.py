"""Ledger import in the browser (upload → preview → confirm), the template, and the web export.

Nothing reaches the registry before the confirm. The upload is read and checked once (in the request
for a small file, in a Celery task with a progress page for a big one); the checked plan is kept on a
`LedgerImport` row of the uploader (another user's token is a 404) and the file is deleted. The
preview and the confirm read the plan; a big confirmed plan is saved by a task too.
"""

import datetime
import tempfile
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import Can, allows
from accounts.uploads import protected_storage

from . import tasks
from .exporting import ledger_template, may_export_full, write_ledger
from .filters import filtered_children
from .importing import MAX_UPLOAD_BYTES
from .importing.stored import import_stored, load_plan
from .models import Child, LedgerImport
from .services import eligibility_problems, ineligible_q

PREVIEW_ROWS = 200
UPLOAD_DIR = "imports"


def may_import(user) -> bool:
    return allows(user, Can.DO_CASEWORK)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Ledger (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith(".csv"):
            raise forms.ValidationError(_("A .csv file loses the leading zeros and the last digits of ID numbers. "
                                          "Open it in Excel or WPS, choose Save As → Excel workbook (.xlsx), and "
                                          "upload the .xlsx file."))
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx). An old .xls file or any other kind: "
                                          "open it in Excel or WPS, choose Save As → Excel workbook (.xlsx), and "
                                          "upload that file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB. Split the ledger into smaller files.")
                                        % {"mb": MAX_UPLOAD_BYTES // 2**20})
        return upload


def pending_children(user):
    """Children imported 待细分 (the ledger gave 困境儿童, not the exact category), among those the user sees."""
    return Child.objects.visible_to(user).in_registry().exclude(category_pending="")


@login_required
def import_pending(request):
    """The 待细分 list: each child's exact category is settled by adding its tag on the record."""
    if not request.user.can(Can.SEE_REGISTRY):
        raise PermissionDenied
    children = pending_children(request.user).select_related("residence", "social_worker").order_by("name", "id")
    ineligible = (Child.objects.visible_to(request.user).in_registry().filter(ineligible_q()).distinct()
                  .select_related("residence", "social_worker").prefetch_related("category_links__category")
                  .order_by("name", "id"))
    rows = [(child, eligibility_problems(child, {link.category.code for link in child.category_links.all()}))
            for child in ineligible]
    return render(request, "children/import_pending.html", {"children": children, "ineligible": rows})


# Small ledgers are checked and saved in the request; bigger ones in a Celery task with a progress page.
INLINE_CHECK_BYTES = 256 * 2**10  # about 1,500 rows
INLINE_SAVE_ROWS = 1000


def _ledger_import(user, token: str) -> LedgerImport:
    """The user's own upload (another user's token, or a bad one, is a 404)."""
    try:
        pk = uuid.UUID(token)
    except ValueError as exc:
        raise Http404 from exc
    return get_object_or_404(LedgerImport, pk=pk, uploaded_by=user)


def _remove_stale(user) -> None:
    """Uploads older than a day were abandoned: remove their plans and files."""
    cutoff = timezone.now() - datetime.timedelta(days=1)
    for stale in LedgerImport.objects.filter(uploaded_by=user, created_at__lt=cutoff).exclude(
            state__in=[LedgerImport.State.CHECKING, LedgerImport.State.IMPORTING]):
        _discard(stale)


def _discard(ledger_import: LedgerImport) -> None:
    path = tasks.upload_path(ledger_import)
    if protected_storage.exists(path):
        protected_storage.delete(path)
    ledger_import.delete()


@login_required
def import_start(request):
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _remove_stale(request.user)
        upload = form.cleaned_data["file"]
        ledger_import = LedgerImport.objects.create(uploaded_by=request.user, filename=upload.name[:100])
        protected_storage.save(tasks.upload_path(ledger_import), upload)
        language = get_language()
        if upload.size <= INLINE_CHECK_BYTES:
            tasks.check_ledger(str(ledger_import.pk), language)
        else:
            transaction.on_commit(lambda: tasks.check_ledger.delay(str(ledger_import.pk), language))
        return redirect("children:import_preview", token=ledger_import.pk.hex)
    return render(request, "children/import_start.html", {"form": form})


def _imported(request, ledger_import: LedgerImport):
    """The plan was saved: say so, forget the upload, and go to the list."""
    messages.success(request, _("Imported %(n)s children from %(file)s.") % {
        "n": ledger_import.imported, "file": ledger_import.filename})
    if ledger_import.pending_count:
        messages.warning(request, _("%(n)s of them are marked “category to be confirmed”: record their exact "
                                    "category from the list of children to confirm.") % {
                                        "n": ledger_import.pending_count})
    _discard(ledger_import)
    return reverse("children:list")


@login_required
def import_preview(request, token):
    """The checked plan (never the file again); POST confirms it."""
    if not may_import(request.user):
        raise PermissionDenied
    ledger_import = _ledger_import(request.user, token)
    if ledger_import.state == LedgerImport.State.IMPORTED:
        return redirect(_imported(request, ledger_import))
    if ledger_import.busy:
        return render(request, "children/import_progress.html", {"job": ledger_import})
    if ledger_import.state == LedgerImport.State.FAILED:
        return render(request, "children/import_failed.html", {"job": ledger_import}, status=409)
    plan = load_plan(ledger_import, limit=PREVIEW_ROWS)
    ok = not plan.problems and plan.stored_rows > 0
    if request.method == "POST" and ok:
        if ledger_import.row_count > INLINE_SAVE_ROWS:
            LedgerImport.objects.filter(pk=ledger_import.pk).update(state=LedgerImport.State.IMPORTING, done=0)
            language = get_language()
            transaction.on_commit(lambda: tasks.import_checked_ledger.delay(str(ledger_import.pk), language))
            return redirect("children:import_preview", token=token)
        try:
            import_stored(ledger_import, request=request)
        except IntegrityError:  # someone registered one of these children since the check
            messages.error(request, _("The registry changed while importing; nothing was imported. Upload the "
                                      "ledger again."))
            _discard(ledger_import)
            return redirect("children:import")
        return redirect(_imported(request, ledger_import))
    status = 200 if request.method == "GET" or ok else 400
    return render(request, "children/import_preview.html", {
        "plan": plan, "token": token, "filename": ledger_import.filename, "rows": plan.rows,
        "valid_rows": plan.stored_rows, "pending_count": ledger_import.pending_count,
        "more_rows": max(plan.stored_rows - PREVIEW_ROWS, 0)}, status=status)


@login_required
def import_progress(request, token):
    """The progress bar's fragment, polled by htmx; once the work is done it sends the page on."""
    if not may_import(request.user):
        raise PermissionDenied
    ledger_import = _ledger_import(request.user, token)
    if not ledger_import.busy:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("children:import_preview", args=[token])
        return response
    return render(request, "children/_import_progress.html", {"job": ledger_import})


@require_POST
@login_required
def import_cancel(request, token):
    if not may_import(request.user):
        raise PermissionDenied
    ledger_import = _ledger_import(request.user, token)
    if ledger_import.state == LedgerImport.State.IMPORTING:
        messages.error(request, _("The import is already running and cannot be discarded."))
        return redirect("children:import_preview", token=token)
    _discard(ledger_import)
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
    `full=1` for full details: the lead and the supervisor; the bureaus only with a `reason`, which the
    audit log keeps — without one their export is masked (R4, docs/privacy.md "Controlled exports")."""
    if not allows(request.user, Can.EXPORT_REGISTRY):
        raise PermissionDenied
    full = request.GET.get("full") == "1"
    reason = request.GET.get("reason", "").strip()[:200]
    if full and not may_export_full(request.user, reason):
        if not allows(request.user, Can.EXPORT_REGISTRY_FULL_WITH_REASON):
            raise PermissionDenied
        full = False  # a bureau that gave no reason gets the masked ledger
    children, form = filtered_children(request.user, request.GET)
    if not form.is_valid():
        messages.error(request, _("The filter has a problem, so nothing was exported. Correct it on the list."))
        return redirect(reverse("children:list") + "?" + request.GET.urlencode())
    filters = {key: request.GET.getlist(key) if len(request.GET.getlist(key)) > 1 else request.GET[key]
               for key in request.GET if key not in ("full", "reason")}
    file = tempfile.TemporaryFile()
    write_ledger(children, file, full=full, by=request.user, request=request, filters=filters,
                 reason=reason if full else "")
    file.seek(0)
    name = _("Registry") + f"-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response
