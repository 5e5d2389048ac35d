"""随访 (follow-up contacts): the list with filters and pages, recording, the feedback notice and its receipt."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.forms import add_service_error
from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from accounts.services import audit
from children.models import Child
from divisions.models import Division

from . import followups
from .forms import FollowUpFeedbackForm, FollowUpForm
from .models import FollowUpContact

PAGE_SIZE = 25
FEEDBACK_FILTERS = [
    ("pending", gettext_lazy("Not fed back yet")),
    ("overdue", gettext_lazy("Feedback overdue")),
    ("fed_back", gettext_lazy("Fed back, not yet received")),
    ("received", gettext_lazy("Received by the civil affairs bureau")),
]


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _filtered(request):
    """The visible contacts narrowed by the list's filters; returns (queryset, the filters as given)."""
    contacts = FollowUpContact.objects.visible_to(request.user)
    today = timezone.localdate()
    feedback = request.GET.get("feedback", "")
    if feedback == "pending":
        contacts = contacts.filter(fed_back=False)
    elif feedback == "overdue":
        contacts = contacts.filter(fed_back=False, feedback_due_on__lt=today)
    elif feedback == "fed_back":
        contacts = contacts.filter(fed_back=True, received_at__isnull=True)
    elif feedback == "received":
        contacts = contacts.filter(received_at__isnull=False)
    county = request.GET.get("county", "")
    if county.isdigit() and len(county) == 6:
        contacts = contacts.filter(division__code__startswith=county)
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    if start:
        contacts = contacts.filter(contacted_on__gte=start)
    if end:
        contacts = contacts.filter(contacted_on__lte=end)
    if request.GET.get("mine") and request.user.can(Can.HAVE_CASELOAD):
        contacts = contacts.filter(recorded_by=request.user)
    given = {"feedback": feedback, "county": county, "from": start.isoformat() if start else "",
             "to": end.isoformat() if end else "", "mine": bool(request.GET.get("mine"))}
    return contacts, given


def _counties(user):
    counties = Division.objects.filter(level="county").order_by("code")
    if not user.sees_whole_project:
        codes = [code[:6] for code in user.area_codes()]
        counties = counties.filter(Q(code__in=codes))
    return counties.only("code", "name")


@login_required
def followup_list(request):
    contacts, given = _filtered(request)
    contacts = contacts.select_related("division", "division__parent", "recorded_by", "received_by")
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/followup_list.html", {
        "contacts": page, "page": page, "given": given, "today": timezone.localdate(),
        "feedback_filters": FEEDBACK_FILTERS, "counties": _counties(request.user),
        "can_add": request.user.can(Can.DO_CASEWORK)})


@login_required
def followup_create(request):
    require(request.user, Can.DO_CASEWORK)
    form = FollowUpForm(request.POST or None, user=request.user, initial={"contacted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        contact = followups.record_contact(contact=form.save(commit=False), by=request.user, save_m2m=form.save_m2m)
        messages.success(request, _("The follow-up contact is saved."))
        return redirect(contact)
    return render(request, "visits/followup_form.html", {"form": form})


def _render_detail(request, contact, *, feedback_form=None, status=200):
    user = request.user
    children = contact.children.filter(pk__in=Child.objects.visible_to(user))
    audit(user=user, action="followup.view", target=contact, request=request)
    can_feed_back = not contact.fed_back and contact.can_change(user) and user.can(Can.DO_CASEWORK)
    if can_feed_back and feedback_form is None:
        county = Division.objects.filter(code=contact.division_id[:6]).first()
        feedback_form = FollowUpFeedbackForm(initial={
            "fed_back_on": timezone.localdate(),
            "fed_back_to": _("%(county)s civil affairs bureau") % {"county": county.name} if county else ""})
    return render(request, "visits/followup_detail.html", {
        "contact": contact, "children": children, "state": contact.feedback_state(),
        "feedback_form": feedback_form if can_feed_back else None,
        "can_receive": contact.fed_back and not contact.received_at and user.can(Can.RECEIVE_REPORTS)},
        status=status)


@login_required
def followup_detail(request, pk):
    contact = get_object_or_404(FollowUpContact.objects.visible_to(request.user).select_related(
        "division", "recorded_by", "received_by"), pk=pk)
    return _render_detail(request, contact)


@require_POST
@login_required
def followup_feedback(request, pk):
    contact = get_changeable_or_404(FollowUpContact.objects.select_related("division", "recorded_by"),
                                    request.user, pk=pk)
    require(request.user, Can.DO_CASEWORK)
    if contact.fed_back:
        messages.error(request, _("This follow-up was already fed back."))
        return redirect(contact)
    form = FollowUpFeedbackForm(request.POST)
    if form.is_valid():
        try:
            followups.send_feedback(contact=contact, by=request.user, fed_back_to=form.cleaned_data["fed_back_to"],
                                    fed_back_on=form.cleaned_data["fed_back_on"],
                                    note=form.cleaned_data["feedback_note"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Fed back; the county civil affairs bureau is notified."))
            return redirect(contact)
    return _render_detail(request, contact, feedback_form=form)


@require_POST
@login_required
def followup_received(request, pk):
    contact = get_visible_or_404(FollowUpContact.objects.select_related("division", "recorded_by"),
                                 request.user, pk=pk)
    require(request.user, Can.RECEIVE_REPORTS)
    try:
        followups.mark_received(contact=contact, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked received."))
    return redirect(contact)
