"""Report pages: the list, generate (the lead), status with a progress bar, the narrative the lead writes,
sign-off and submission, the bureau's receipt or return, and audited downloads (docs/reports.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exports import download_allowed, link_expired
from accounts.forms import add_service_error
from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from accounts.services import audit

from . import services
from .forms import GenerateForm, NarrativeForm, ReturnForm, ReviewForm
from .models import Report
from .tasks import render_report


@login_required
def index(request):
    require(request.user, Can.SEE_OVERVIEW)
    reports = Report.objects.visible_to(request.user).select_related("county")
    form = GenerateForm() if request.user.can(Can.LEAD_PROJECT) else None
    return render(request, "reports/index.html", {"reports": reports, "form": form})


@login_required
def dashboard(request):
    from .dashboard import dashboard as figures

    require(request.user, Can.SEE_OVERVIEW)
    return render(request, "reports/dashboard.html", figures(request.user))


@login_required
def generate(request):
    require(request.user, Can.LEAD_PROJECT)
    form = GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report, queued = services.request_report(kind=form.cleaned_data["kind"], period=form.cleaned_data["period"],
                                                     county=form.cleaned_data["county"] or None, by=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if queued:
                render_report.delay(report.pk)
            else:
                messages.info(request, _("This report is already being rendered."))
            return redirect(report)
    reports = Report.objects.visible_to(request.user).select_related("county")
    return render(request, "reports/index.html", {"reports": reports, "form": form})


@login_required
def detail(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    report = get_visible_or_404(Report.objects.select_related("county", "signed_by", "created_by"), request.user, pk=pk)
    versions = Report.objects.visible_to(request.user).filter(
        kind=report.kind, period=report.period, county=report.county).select_related("county").order_by("-version")
    narrative_form = None
    if report.can_change(request.user) and report.status in (Report.Status.DRAFT, Report.Status.RETURNED):
        narrative_form = NarrativeForm(report=report)
    return render(request, "reports/detail.html", {
        "report": report, "versions": versions, "narrative_form": narrative_form, "return_form": ReturnForm(),
        "review_form": ReviewForm(), "review": services.review_state(report),
        "can_review": request.user.can(Can.SUPERVISE) and report.status == Report.Status.DRAFT,
        "can_receive": services.may_decide(report, request.user) and report.status == Report.Status.SUBMITTED})


@login_required
def status(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    """The progress fragment; it polls itself (htmx, every 2 s) while the job runs."""
    report = get_visible_or_404(Report.objects.all(), request.user, pk=pk)
    return render(request, "reports/_status.html", {"report": report})


@login_required
@require_POST
def narratives(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    report = get_changeable_or_404(Report.objects.all(), request.user, pk=pk)
    form = NarrativeForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.save_narratives(report=report, narratives=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved. Render the report again to put the text into the PDF."))
    return redirect(report)


@login_required
@require_POST
def rerender(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    report = get_changeable_or_404(Report.objects.all(), request.user, pk=pk)
    try:
        report, queued = services.request_report(kind=report.kind, period=report.period, county=report.county_id,
                                                 by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    if queued:
        render_report.delay(report.pk)
    return redirect(report)


def _lifecycle(request, pk, action, **kwargs):
    report = get_visible_or_404(Report.objects.all(), request.user, pk=pk)
    try:
        action(report=report, by=request.user, request=request, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report)


@login_required
@require_POST
def sign_off(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    get_changeable_or_404(Report.objects.all(), request.user, pk=pk)
    return _lifecycle(request, pk, services.sign_off)


@login_required
@require_POST
def request_review(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    get_changeable_or_404(Report.objects.all(), request.user, pk=pk)
    return _lifecycle(request, pk, services.request_review, note=request.POST.get("note", ""))


@login_required
@require_POST
def review(request, pk):
    require(request.user, Can.SUPERVISE)
    form = ReviewForm(request.POST)
    form.is_valid()
    approved = request.POST.get("decision") == "approve"
    report = get_visible_or_404(Report.objects.all(), request.user, pk=pk)
    try:
        services.review(report=report, by=request.user, request=request, approved=approved,
                        comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Review saved: the report is approved.") if approved
                         else _("Review saved: the report is returned to the project lead with your comments."))
    return redirect(report)


@login_required
@require_POST
def submit(request, pk):
    require(request.user, Can.SEE_OVERVIEW)
    get_changeable_or_404(Report.objects.all(), request.user, pk=pk)
    return _lifecycle(request, pk, services.submit)


@login_required
@require_POST
def decide(request, pk):
    require(request.user, Can.RECEIVE_REPORTS)
    form = ReturnForm(request.POST)
    form.is_valid()
    return _lifecycle(request, pk, services.decide, received=request.POST.get("decision") == "receive",
                      comment=form.cleaned_data.get("comment", ""))


@login_required
def download(request, pk, fmt):
    require(request.user, Can.DOWNLOAD_REPORTS)
    report = get_visible_or_404(Report.objects.all(), request.user, pk=pk)
    relative = {"pdf": report.pdf_path, "xlsx": report.xlsx_path}.get(fmt)
    if not relative or not report.ready:
        raise Http404
    path = services.reports_dir().parent / relative
    if not path.is_file():
        raise Http404
    if not download_allowed("report", request.GET.get("t", ""), request.user, report.pk):
        return link_expired(request, report.get_absolute_url())
    audit(user=request.user, action="report.download", target=report, request=request, format=fmt)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{report}.{fmt}")
