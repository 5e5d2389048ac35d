import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.policy import Can, get_changeable_or_404, require
from accounts.services import audit
from children.models import Child, Household
from divisions.models import Division

from . import photos, services
from .forms import FamilyCallForm, FamilyVisitForm, VisitForm
from .models import DueVisit, FamilyCall, Visit, VisitPhoto


@login_required
def worklist(request):
    """工作清单: a worker's due visits by urgency, a few of each section with a "more" link that pages
    that section; the supervisor's and lead's overview by worker and county."""
    today = timezone.localdate()
    if request.user.can(Can.SEE_OVERVIEW):
        return render(request, "visits/overview.html",
                      {"today": today, **services.overview(user=request.user, today=today)})
    counts = services.work_list_counts(user=request.user, today=today)
    section = request.GET.get("section")
    if section in services.SECTIONS:
        paginator = Paginator(range(counts[section]), services.SECTION_PAGE)  # counted already: no COUNT
        page = paginator.get_page(request.GET.get("page"))
        items = services.work_list_section(user=request.user, today=today, name=section,
                                           offset=page.start_index() - 1 if counts[section] else 0)
        sections = [(section, items, counts[section])]
    else:
        section, page = None, None
        sections = [(name, services.work_list_section(user=request.user, today=today, name=name,
                                                      limit=services.SECTION_PREVIEW), counts[name])
                    for name in services.SECTIONS]
    return render(request, "visits/worklist.html", {
        "today": today, "section": section, "sections": sections, "counts": counts, "page": page})


@login_required
def visit_create(request, child_pk):
    child = get_changeable_or_404(Child.objects.in_registry(), request.user, pk=child_pk)
    kind = request.GET.get("kind")
    initial = {"visited_on": timezone.localdate(),
               "type": Visit.Type.PHONE if kind == DueVisit.Kind.CALL else Visit.Type.HOME}
    form = VisitForm(request.POST or None, request.FILES or None, initial=initial,
                     instance=Visit(child=child))
    kept = _kept(request)
    if request.method == "POST" and form.is_valid():
        visit = services.create_visit(visit=form.save(commit=False), by=request.user,
                                      photos=[*kept, *form.cleaned_data["photos"]],
                                      token=form.cleaned_data.get("submission_token"))
        messages.success(request, _("The visit is saved."))
        return redirect(f"{visit.get_absolute_url()}?saved=new-{child.pk}")
    return render(request, "visits/visit_form.html", {"form": form, "child": child,
                                                      **_kept_context(request, form, kept),
                                                      "draft_key": f"new-{child.pk}"})


def _kept(request) -> list:
    """The photos a posted form kept from an earlier try (photos.kept_from); a form (a draft restored on the
    phone) naming kept photos removed as abandoned says so: never silently lost."""
    if request.method != "POST":
        return []
    if count := photos.removed_count(request.POST):
        messages.warning(request, photos.removed_message(count))
    return photos.kept_from(request.POST, request.user)


def _kept_context(request, form, kept) -> dict:
    """A form sent back keeps the valid photos chosen (stored now, attached on save) and says which are lost."""
    if request.method == "POST" and form.is_bound and "photos" not in form.errors:
        kept = [*kept, *photos.keep(form.cleaned_data.get("photos") or [], request.user)]
    return {"kept_photos": kept, "kept_ids": ",".join(str(p.pk) for p in kept),
            "kept_message": photos.kept_message(len(kept)) if kept else "",
            "photos_lost": request.method == "POST" and "photos" in form.errors}


@login_required
def household_visit_create(request, household_pk):
    """家庭探访: one visit to a confirmed household, recorded for each child ticked (docs/households.md)."""
    household = get_changeable_or_404(Household.objects.filter(status=Household.Status.CONFIRMED), request.user,
                                      pk=household_pk)
    members = (Child.objects.visible_to(request.user).in_registry().filter(household=household)
               .select_related("residence").order_by("birth_date", "name"))
    form = FamilyVisitForm(request.POST or None, request.FILES or None, members=members,
                           initial={"visited_on": timezone.localdate(), "type": Visit.Type.HOME},
                           instance=Visit(household=household))
    kept = _kept(request)
    if request.method == "POST" and form.is_valid():
        try:
            visits = services.create_family_visit(visit=form.save(commit=False), children=form.cleaned_data["children"],
                                                  by=request.user, photos=[*kept, *form.cleaned_data["photos"]],
                                                  token=form.cleaned_data.get("submission_token"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The family visit is saved for %(n)s children.") % {"n": len(visits)})
            return redirect(f"{visits[0].get_absolute_url()}?saved=family-{household.pk}")
    return render(request, "visits/visit_form.html", {"form": form, "household": household, "members": members,
                                                      **_kept_context(request, form, kept),
                                                      "draft_key": f"family-{household.pk}"})


@login_required
def visit_edit(request, pk):
    visit = get_changeable_or_404(Visit.objects.select_related("child"), request.user, pk=pk)
    form = VisitForm(request.POST or None, request.FILES or None, instance=visit)
    kept = _kept(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_visit(visit=form.save(commit=False), by=request.user,
                                  expected_version=form.cleaned_data["version"],
                                  photos=[*kept, *form.cleaned_data["photos"]])
        except services.StaleVisitError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The visit is saved."))
            return redirect(f"{visit.get_absolute_url()}?saved=edit-{visit.pk}")
    return render(request, "visits/visit_form.html", {"form": form, "child": visit.child, "visit": visit,
                                                      **_kept_context(request, form, kept),
                                                      "draft_key": f"edit-{visit.pk}"})


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(
        Visit.objects.visible_to(request.user).select_related("child", "recorded_by", "updated_by", "household"),
        pk=pk)
    audit(user=request.user, action="visit.view", target=visit, request=request)
    return render(request, "visits/visit_detail.html", {
        "visit": visit, "child": visit.child, "photos": visit.photos.all(),
        "family_calls": visit.family_calls.all(), "can_change": visit.can_change(request.user),
        "family_visit": visit.family_visit_siblings().filter(child__in=Child.objects.visible_to(request.user)),
        "saved_draft": request.GET.get("saved", "")})


@never_cache
@login_required
def photo(request, pk):
    """Photos are served only here, after the same visibility check as their visit."""
    item = get_object_or_404(VisitPhoto.objects.visible_to(request.user), pk=pk)
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404
    audit(user=request.user, action="visit.view_photo", target=item, request=request)
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def call_create(request, child_pk):
    child = get_changeable_or_404(Child.objects.in_registry(), request.user, pk=child_pk)
    visit = None
    if request.GET.get("visit", "").isdigit():  # a hand-edited ?visit=x is ignored, not a 500
        visit = Visit.objects.filter(child=child, pk=request.GET["visit"]).first()
    form = FamilyCallForm(request.POST or None, initial={"held_on": timezone.localdate()},
                          instance=FamilyCall(child=child, visit=visit))
    if request.method == "POST" and form.is_valid():
        call = services.record_family_call(call=form.save(commit=False), by=request.user)
        messages.success(request, _("The parent–child call is saved."))
        return redirect(call)
    return render(request, "visits/call_form.html", {"form": form, "child": child})


@login_required
def call_detail(request, pk):
    call = get_object_or_404(FamilyCall.objects.visible_to(request.user).select_related("child", "arranged_by"),
                             pk=pk)
    return render(request, "visits/call_detail.html", {"call": call, "child": call.child})


def parse_month(value: str | None) -> datetime.date:
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def compliance(request):
    require(request.user, Can.SEE_REGISTRY)
    month = parse_month(request.GET.get("month"))
    data = services.compliance(user=request.user, month=month)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = data["last"] + datetime.timedelta(days=1)
    return render(request, "visits/compliance.html", {
        **data, "month": month, "previous": previous,
        "following": following if following <= timezone.localdate() else None})


class VisitFilterForm(forms.Form):
    """The filters of the read-only visit list (the dashboard's visit numbers link here)."""

    visited_from = forms.DateField(label=_("Visited from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    visited_to = forms.DateField(label=_("Visited to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    county = forms.ChoiceField(label=_("County-level unit"), required=False)
    type = forms.ChoiceField(label=_("visit type"), required=False, choices=[("", _("All types")), *Visit.Type.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All counties")),
                                         *Division.objects.counties().order_by("code").values_list("code", "name")]


VISITS_PER_PAGE = 50


@login_required
def visit_list(request):
    """Visits made, filtered by date, county (of the child's residence) and type: read-only, only the visits
    of children the user sees (`Visit.objects.visible_to`)."""
    require(request.user, Can.SEE_REGISTRY)  # the administrator has no registry: 403, not an empty list
    form = VisitFilterForm(request.GET or None)
    visits = Visit.objects.visible_to(request.user)
    if form.is_bound and not form.is_valid():
        visits = visits.none()
    elif form.is_bound:
        data = form.cleaned_data
        if data["visited_from"]:
            visits = visits.filter(visited_on__gte=data["visited_from"])
        if data["visited_to"]:
            visits = visits.filter(visited_on__lte=data["visited_to"])
        if data["county"]:
            visits = visits.filter(child__residence__code__startswith=data["county"])
        if data["type"]:
            visits = visits.filter(type=data["type"])
    visits = visits.select_related("child__residence", "recorded_by").order_by("-visited_on", "-id")
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "visits/visit_list.html", {"form": form, "page": page})
