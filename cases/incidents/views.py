"""Discovery and mandatory reports (发现报告 / 强制报告): report form, recipient checklist, follow-through."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.dates import day_start
from accounts.forms import add_service_error
from accounts.policy import Can, get_changeable_or_404, require
from accounts.services import audit
from children.models import Child
from divisions.models import Division

from ..models import Incident, IncidentPolicy, Need, Recipient
from . import services
from .clock import filing_delay, notice_clock
from .forms import FeedbackForm, IncidentForm, LinkChildForm, MeasureForm, NoticeForm

INCIDENTS_PER_PAGE = 50


def _date_param(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:  # a hand-edited date is ignored, not a 500
        return None


def _visible(request):
    return Incident.objects.visible_to(request.user)


@login_required
def incident_list(request):
    require(request.user, Can.SEE_REGISTRY)  # the administrator has no registry: 403, not an empty list
    status = request.GET.get("status", "")
    incidents = (_visible(request).select_related("child", "place")
                 .annotate(untold=Count("notices", filter=Q(notices__need=Need.REQUIRED,
                                                             notices__notified_at__isnull=True))))
    if status in Incident.Status.values:
        incidents = incidents.filter(status=status)
    # the dashboard's links (docs/reports.md): filed in a period (Shanghai dates), seen in a county (`county`, as
    # the PDF reports count), belonging to a county (`area`: its children's, as a county bureau sees and counts)
    period = {key: _date_param(request.GET.get(key)) for key in ("reported_from", "reported_to")}
    if day := period["reported_from"]:
        incidents = incidents.filter(reported_at__gte=day_start(day))
    if day := period["reported_to"]:
        incidents = incidents.filter(reported_at__lt=day_start(day + datetime.timedelta(days=1)))
    county = request.GET.get("county", "")
    if county.isdigit() and len(county) == 6:
        incidents = incidents.filter(place__code__startswith=county)
    area = request.GET.get("area", "")
    if area.isdigit() and len(area) == 6:
        incidents = incidents.of_area(area)
    # Paged (the dashboard's number must be the rows its link shows, also in a month of more than a page).
    # newest first, said here: the Count() above groups the query, and Django drops Meta.ordering from grouped ones
    page = Paginator(incidents.order_by("-reported_at", "-id"), INCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    # Listing names children and what happened to them: the listing itself is a view to audit.
    audit(user=request.user, action="incident.list", request=request, ids=[i.pk for i in page])
    can_file = request.user.can(Can.DO_CASEWORK)
    return render(request, "cases/incident_list.html", {
        "incidents": page, "page": page, "status": status, "statuses": Incident.Status.choices, "can_file": can_file,
        "period": period if any(period.values()) else None})


@login_required
def incident_create(request):
    require(request.user, Can.DO_CASEWORK)
    if request.method == "POST":
        form = IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.file_incident(
                    by=request.user, situations=data["situations"], discovered_at=data["discovered_at"],
                    place=data["place"], description=data["description"], child=data["child"],
                    child_description=data["child_description"], place_detail=data["place_detail"],
                    immediate_danger=data["immediate_danger"], reporter_kind=data["reporter_kind"],
                    reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
                    visit_id=data["visit_id"], token=data["submission_token"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Report filed. Now tell each recipient below and log it."))
                return redirect(incident)
    else:
        initial = {}
        child_id, visit_id = request.GET.get("child", ""), request.GET.get("visit", "")
        if child_id.isdigit():
            initial["child"] = Child.objects.visible_to(request.user).filter(pk=child_id).values_list(
                "pk", flat=True).first()
        if visit_id.isdigit():
            initial["visit_id"] = int(visit_id)
        form = IncidentForm(initial=initial, user=request.user)
    return render(request, "cases/incident_form.html", {"form": form})


@login_required
def incident_child_options(request):
    """The report form's child search: <option>s of visible registered children whose name matches."""
    query = request.GET.get("q", "").strip()
    children = Child.objects.none()
    if query:
        children = (Child.objects.visible_to(request.user).in_registry().filter(name__icontains=query)
                    .select_related("residence").order_by("name", "id")[:30])
    return render(request, "cases/incident_child_options.html", {"children": children})


def _render_detail(request, incident: Incident, *, bound: dict | None = None, status: int = 200):
    """The report with its recipient checklist. Every rendering is a view of the report: audited."""
    bound = bound or {}
    user = request.user
    show_identity = incident.can_see_reporter(user)
    audit(user=user, action="incident.view", target=incident, request=request, reporter_shown=show_identity)
    notices = list(incident.notices.select_related("logged_by"))
    order = {r.value: i for i, r in enumerate(Recipient)}
    notices.sort(key=lambda n: order[n.recipient])
    can_change = incident.can_change(user)
    policy = IncidentPolicy.current()
    rows = []
    for notice in notices:
        form = bound.get(notice.recipient)
        if form is None and can_change and not notice.notified_at:
            form = NoticeForm(prefix=notice.recipient)
        rows.append({"notice": notice, "form": form, "overdue": notice.is_overdue(policy),
                     "alert_due_at": notice.alert_due_at(policy), "clock": notice_clock(notice, policy)})
    police = next((n for n in notices if n.recipient == Recipient.POLICE), None)
    police_feedback = police and {"due_at": police.feedback_due_at(policy), "overdue": police.feedback_overdue(policy),
                                  "days": policy.police_feedback_days}
    context = {
        "incident": incident, "rows": rows, "police": police, "police_feedback": police_feedback, "show_identity": show_identity,
        "county": Division.objects.filter(code=incident.county_code).first(),
        "filed_late": filing_delay(incident, notices, policy),
        "can_change": can_change, "measures": incident.measures.select_related("recorded_by"),
        "feedback_form": bound.get("feedback") or FeedbackForm(prefix="feedback"),
        "measure_form": bound.get("measure") or MeasureForm(prefix="measure"),
        "link_child_form": (bound.get("link_child") or LinkChildForm(prefix="link", user=user))
        if can_change and not incident.child_id else None,
    }
    return render(request, "cases/incident_detail.html", context, status=status)


@login_required
def incident_detail(request, pk):
    incident = get_object_or_404(_visible(request).select_related("child", "place", "reported_by", "case"), pk=pk)
    return _render_detail(request, incident)


@require_POST
@login_required
def incident_log_notice(request, pk, recipient):
    incident = get_changeable_or_404(Incident.objects.select_related("child", "place"), request.user, pk=pk)
    if recipient not in Recipient.values:
        raise Http404
    form = NoticeForm(request.POST, prefix=recipient)
    if form.is_valid():
        try:
            services.log_notice(incident=incident, recipient=recipient, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Logged: %(recipient)s.") % {"recipient": Recipient(recipient).label})
            return redirect(incident)
    return _render_detail(request, incident, bound={recipient: form})


@require_POST
@login_required
def incident_feedback(request, pk):
    incident = get_changeable_or_404(Incident.objects.select_related("child", "place"), request.user, pk=pk)
    form = FeedbackForm(request.POST, prefix="feedback")
    if form.is_valid():
        try:
            services.record_police_feedback(incident=incident, by=request.user,
                                            received_at=form.cleaned_data["feedback_at"],
                                            feedback=form.cleaned_data["feedback"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Police feedback recorded."))
            return redirect(incident)
    return _render_detail(request, incident, bound={"feedback": form})


@require_POST
@login_required
def incident_add_measure(request, pk):
    incident = get_changeable_or_404(Incident.objects.select_related("child", "place"), request.user, pk=pk)
    form = MeasureForm(request.POST, prefix="measure")
    if form.is_valid():
        try:
            services.add_measure(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Emergency measure recorded."))
            return redirect(incident)
    return _render_detail(request, incident, bound={"measure": form})


@require_POST
@login_required
def incident_confirm_risk(request, pk):
    incident = get_changeable_or_404(Incident.objects.select_related("child", "place"), request.user, pk=pk)
    try:
        case = services.confirm_high_risk(incident=incident, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("High risk confirmed; the report is linked to %(case)s.") % {"case": case})
    return redirect(incident)


@require_POST
@login_required
def incident_link_child(request, pk):
    incident = get_changeable_or_404(Incident.objects.select_related("child", "place"), request.user, pk=pk)
    form = LinkChildForm(request.POST, prefix="link", user=request.user)
    if form.is_valid():
        try:
            services.link_child(incident=incident, child=form.cleaned_data["child"], by=request.user)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The report is linked to the child."))
            return redirect(incident)
    return _render_detail(request, incident, bound={"link_child": form})
