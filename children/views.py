from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.concurrency import StaleEditError, claim_version
from accounts.forms import add_service_error
from accounts.policy import Can, get_changeable_or_404, get_visible_or_404, require
from accounts.services import audit

from . import pdf
from .filters import classify_search, search
from .forms import CategoryForm, ChildForm, EnrolmentForm, ExitForm, HouseholdFormSet, ParentFormSet
from .models import BenefitEnrolment, Child, ChildCategory, Parent
from .services import (
    PROFILE_PREFETCH,
    PROFILE_SELECT,
    create_child,
    profile_context,
    record_change_events,
    record_view,
    reveal_id_number,
    snapshot,
)


@login_required
def child_detail(request, pk):
    child = get_visible_or_404(
        Child.objects.select_related(*PROFILE_SELECT).prefetch_related(*PROFILE_PREFETCH), request.user, pk=pk)
    record_view(child=child, by=request.user, request=request)
    return render(request, "children/detail.html", profile_context(child, request.user))


@login_required
def child_pdf(request, pk):
    # not visible → 404 before the capability (docs/development.md: nobody learns which children exist)
    child = get_visible_or_404(
        Child.objects.select_related(*PROFILE_SELECT).prefetch_related(*PROFILE_PREFETCH), request.user, pk=pk)
    require(request.user, Can.PRINT_CHILD_FILE)
    record_view(child=child, by=request.user, request=request, what="pdf")
    response = HttpResponse(pdf.render_child_pdf(child, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="child-{child.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def child_reveal_id(request, pk):
    """Shows the full ID number once, and writes one audit entry (R4)."""
    child = get_visible_or_404(Child.objects, request.user, pk=pk)
    if not child.id_number:
        raise Http404
    number = reveal_id_number(child=child, by=request.user, request=request)
    template = "children/_id_revealed.html" if request.headers.get("HX-Request") else "children/id_revealed.html"
    response = render(request, template, {"child": child, "number": number})
    response["Cache-Control"] = "no-store"
    return response


def _save_child_form(request, child, template):
    """The child form with its parents and household formsets, all saved in one transaction."""
    is_new = child is None
    instance = child or Child()
    if request.method == "POST":
        form = ChildForm(request.POST, request.FILES, instance=instance, user=request.user)
        parents = ParentFormSet(request.POST, instance=instance, prefix="parents", initial=_missing_parents(instance))
        household = HouseholdFormSet(request.POST, instance=instance, prefix="household")
        if form.is_valid() & parents.is_valid() & household.is_valid():
            try:
                instance = _save_valid_child_form(request, is_new, form, parents, household)
            except StaleEditError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(instance)
    else:
        form = ChildForm(instance=instance, user=request.user)
        parents = ParentFormSet(instance=instance, prefix="parents", initial=_missing_parents(instance))
        household = HouseholdFormSet(instance=instance, prefix="household")
    return render(request, template, {"form": form, "parents": parents, "household": household, "child": child})


def _save_valid_child_form(request, is_new, form, parents, household):
    """Save in one transaction; an edit is refused when someone saved the child since the form was opened."""
    instance = form.instance
    with transaction.atomic():
        if is_new:
            data = {f: form.cleaned_data[f] for f in form._meta.fields if f in form.cleaned_data}
            return create_child(
                data=data, by=request.user,
                parents=[_row(f) for f in parents.forms if _keeps(f)],
                household=[_row(f) for f in household.forms if _keeps(f)])
        claim_version(instance, form.cleaned_data["version"])
        before = snapshot(instance)  # read from the database: the form has already set the new values
        instance._history_user = request.user
        instance = form.save()
        parents.save()
        household.save()
        record_change_events(child=instance, before=before, by=request.user)
        return instance


def _missing_parents(child) -> list[dict]:
    """Blank parent forms start as the father and the mother not yet recorded."""
    present = set(child.parents.values_list("kind", flat=True)) if child.pk else set()
    return [{"kind": kind} for kind in Parent.Kind.values if kind not in present]


def _keeps(form) -> bool:
    return form.has_changed() and not form.cleaned_data.get("DELETE")


def _row(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("DELETE", "id", "child")}


@login_required
def child_create(request):
    if not Child().can_change(request.user):
        raise PermissionDenied
    return _save_child_form(request, None, "children/form.html")


@login_required
def child_edit(request, pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    return _save_child_form(request, child, "children/form.html")


@login_required
def child_exit(request, pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    if not child.is_registered:
        messages.info(request, _("This child has already left the registry."))
        return redirect(child)
    form = ExitForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        child.exit(reason=form.cleaned_data["reason"], on=form.cleaned_data["exited_on"],
                   note=form.cleaned_data["note"], by=request.user)
        messages.success(request, _("The child has left the registry; the record is kept."))
        return redirect(child)
    return render(request, "children/exit.html", {"form": form, "child": child})


@require_POST
@login_required
def child_readmit(request, pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    if not child.is_registered:
        child.readmit(by=request.user)
        messages.success(request, _("The child is back in the registry."))
    return redirect(child)


@login_required
def category_edit(request, pk, link_pk=None):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    link = get_object_or_404(child.category_links, pk=link_pk) if link_pk else ChildCategory(child=child)
    form = CategoryForm(request.POST or None, request.FILES or None, instance=link, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if link.pk:  # refused when someone saved the tag since this form was opened
                    claim_version(link, form.cleaned_data["version"])
                link = form.save(commit=False)
                link.child = child
                if not link.pk:
                    link.created_by = request.user
                link._history_user = request.user
                link.save()
                if child.category_pending:  # 待细分 settled: the exact category is now recorded
                    child.category_pending = ""
                    child._history_user = request.user
                    child.save(update_fields=["category_pending"])
        except StaleEditError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(child.get_absolute_url() + "#categories")
    return render(request, "children/category_form.html", {"form": form, "child": child, "link": link})


@require_POST
@login_required
def category_remove(request, pk, link_pk):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    link = get_object_or_404(child.category_links, pk=link_pk)
    link._history_user = request.user
    link.delete()  # the history table keeps the tag, its dates and basis
    messages.success(request, _("The category was removed; its record stays in the change history."))
    return redirect(child.get_absolute_url() + "#categories")


@login_required
def category_evidence(request, pk, link_pk):
    """Evidence files live outside MEDIA_ROOT and are served only to those who see the child."""
    child = get_visible_or_404(Child.objects, request.user, pk=pk)
    link = get_object_or_404(child.category_links, pk=link_pk)
    if not link.evidence:
        raise Http404
    audit(user=request.user, action="child.download_evidence", target=child, request=request,
          category=link.category.code)
    response = FileResponse(link.evidence.open("rb"), as_attachment=True,
                            filename=link.evidence.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "no-store"
    return response


@login_required
def child_photo(request, pk):
    """The photo lives outside MEDIA_ROOT: served only to those who see the child."""
    child = get_visible_or_404(Child.objects, request.user, pk=pk)
    if not child.photo:
        raise Http404
    audit(user=request.user, action="child.view_photo", target=child, request=request)
    response = FileResponse(child.photo.open("rb"))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def enrolment_edit(request, pk, enrolment_pk=None):
    child = get_changeable_or_404(Child.objects, request.user, pk=pk)
    enrolment = (get_object_or_404(child.benefit_enrolments, pk=enrolment_pk) if enrolment_pk
                 else BenefitEnrolment(child=child))
    form = EnrolmentForm(request.POST or None, instance=enrolment, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if enrolment.pk:  # refused when someone saved the enrolment since this form was opened
                    claim_version(enrolment, form.cleaned_data["version"])
                enrolment = form.save(commit=False)
                enrolment.child = child
                enrolment.checked_by = request.user
                enrolment._history_user = request.user
                enrolment.save()
        except StaleEditError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(child.get_absolute_url() + "#benefits")
    return render(request, "children/enrolment_form.html", {"form": form, "child": child, "enrolment": enrolment})


def turning_age_querysets(user):
    """(turning 16 with the left-behind tag, turning 18) within 60 days, among visible children."""
    visible = Child.objects.visible_to(user).in_registry()
    turning16 = visible.turning(16).filter(category_links__category__code="left_behind").distinct()
    return turning16, visible.turning(18)


@login_required
def turning_age(request):
    """Children whose 留守 tag ends at 16, or whose registration ends at 18, within 60 days."""
    require(request.user, Can.SEE_REGISTRY)  # the administrator has no registry: 403, not an empty list
    turning16, turning18 = turning_age_querysets(request.user)
    sections = []
    for title, qs, age in ((_("Left-behind tag ends (turning 16)"), turning16, 16),
                           (_("Leaving the registry (turning 18)"), turning18, 18)):
        children = qs.select_related("residence", "social_worker").order_by("birth_date", "id")
        sections.append((title, [(child, child.birthday(age)) for child in children]))
    return render(request, "children/turning_age.html", {"sections": sections})


AUTOCOMPLETE_LIMIT = 20


@login_required
def child_autocomplete(request):
    """Children this user may see matching ?q= (name, pinyin or initials, the full ID number, village),
    at most AUTOCOMPLETE_LIMIT, as the options of a ChildPicker (children/widgets.py)."""
    field = request.GET.get("field", "child")
    # the picker's search box sends its own name, "<field>-q" (templates/children/child_picker.html)
    text = (request.GET.get("q") or request.GET.get(f"{field}-q") or "").strip()
    searched = classify_search(text) is not None
    children = []
    if searched:
        base = Child.objects.visible_to(request.user).in_registry()
        condition = Q(pk__in=search(base, text).values("pk")) | Q(residence__name__contains=text)
        children = list(base.filter(condition)
                        .select_related("residence").order_by("name", "pk")[:AUTOCOMPLETE_LIMIT + 1])
    return render(request, "children/autocomplete.html", {
        "children": children[:AUTOCOMPLETE_LIMIT], "more": len(children) > AUTOCOMPLETE_LIMIT,
        "limit": AUTOCOMPLETE_LIMIT, "searched": searched,
        "field": field if field.replace("_", "").replace("-", "").isalnum() else "child",
        "multiple": bool(request.GET.get("multiple"))})
