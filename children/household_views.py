"""Household pages (家庭, docs/households.md): the list of families (those an import proposed first), one
family's page with its children and change history, and the worker's actions: group siblings from a
child's 个人档案, confirm a proposed grouping, add a child, move a child out (split a wrong grouping)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.policy import Can, get_changeable_or_404, require
from accounts.services import audit

from . import households
from .models import Child, Household
from .services import _entries

CANDIDATES = 30  # children offered when grouping: same village or same guardian phone, not grouped yet


def candidates_for(child: Child, user):
    """Children who may be the child's siblings: the same village or the same guardian's phone, in no
    household yet, among those the user sees."""
    near = Q(residence_id=child.residence_id)
    if child.guardian_phone_index:
        near |= Q(guardian_phone_index=child.guardian_phone_index)
    return (Child.objects.visible_to(user).in_registry().filter(near, household__isnull=True)
            .exclude(pk=child.pk).select_related("residence").order_by("-guardian_name", "name")[:CANDIDATES])


def household_history(household: Household) -> list:
    """Changes to the household itself (name, note, status), newest first, as the 个人档案 shows its own."""
    return sorted(_entries(household.history.all(), lambda r: _("family"), {}), key=lambda e: e.when, reverse=True)


class ChildChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.residence.name}，{_('Guardian')}：{obj.guardian_name or '—'}）"


class HouseholdForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("family name"), max_length=60, required=False,
                           help_text=gettext_lazy("How the team calls the family, e.g. 张建国家 (the guardian's name)."))
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False,
                           help_text=gettext_lazy("Required when the children live in different villages (e.g. one "
                                                  "stays with grandparents in the next village on school days)."))


class HouseholdCreateForm(HouseholdForm):
    siblings = ChildChoiceField(label=gettext_lazy("Siblings"), queryset=Child.objects.none(), required=False,
                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siblings"].queryset = Child.objects.filter(pk__in=[c.pk for c in candidates]).select_related(
            "residence")


def _service_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@login_required
def household_list(request):
    """Families the user sees, those an import proposed (待确认) first; ?status=proposed for those only."""
    require(request.user, Can.SEE_REGISTRY)
    visible = Child.objects.visible_to(request.user)
    items = (Household.objects.visible_to(request.user)
             .annotate(n=Count("children", filter=Q(children__in=visible)))
             .prefetch_related(Prefetch("children", queryset=visible.select_related("residence").order_by("name"),
                                        to_attr="visible_children"))
             .order_by("-status", "name", "id"))
    status = request.GET.get("status")
    if status in Household.Status.values:
        items = items.filter(status=status)
    return render(request, "children/household_list.html", {
        "households": items[:200], "status": status, "statuses": Household.Status.choices,
        "proposed": Household.objects.visible_to(request.user).filter(status=Household.Status.PROPOSED).count()})


@login_required
def household_detail(request, pk):
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related(
        "created_by", "confirmed_by"), pk=pk)
    members = list(Child.objects.visible_to(request.user).filter(household=household)
                   .select_related("residence").order_by("birth_date", "name"))
    can_change = household.can_change(request.user)
    audit(user=request.user, action="household.view", target=household, request=request)
    form = HouseholdForm(initial={"name": household.name, "note": household.note})
    return render(request, "children/household_detail.html", {
        "household": household, "members": members, "can_change": can_change, "form": form,
        "candidates": candidates_for(members[0], request.user) if members and can_change else [],
        "history": household_history(household)})


@login_required
def household_create(request, child_pk):
    """Group the child with siblings (from the child's 个人档案)."""
    child = get_changeable_or_404(Child.objects.in_registry().select_related("residence", "household"),
                                  request.user, pk=child_pk)
    if child.household_id:
        return redirect(child.household)
    candidates = list(candidates_for(child, request.user))
    form = HouseholdCreateForm(request.POST or None, candidates=candidates,
                               initial={"name": households.default_name(child)})
    if request.method == "POST" and form.is_valid():
        try:
            household = households.create_household(
                children=[child, *form.cleaned_data["siblings"]], name=form.cleaned_data["name"],
                note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The family is saved."))
            return redirect(household)
    return render(request, "children/household_form.html", {"form": form, "child": child})


@login_required
def household_edit(request, pk):
    household = get_changeable_or_404(Household.objects, request.user, pk=pk)
    form = HouseholdForm(request.POST or None, initial={"name": household.name, "note": household.note})
    if request.method == "POST" and form.is_valid():
        try:
            households.update_household(household=household, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The family is saved."))
            return redirect(household)
    return render(request, "children/household_form.html", {"form": form, "household": household})


def _act(request, household, action, success: str):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(household)


@require_POST
@login_required
def household_confirm(request, pk):
    household = get_changeable_or_404(Household.objects, request.user, pk=pk)
    return _act(request, household, lambda: households.confirm_household(household=household, by=request.user),
                _("The family is confirmed: its children now count as one family."))


@require_POST
@login_required
def household_add(request, pk):
    household = get_changeable_or_404(Household.objects, request.user, pk=pk)
    child_id = request.POST.get("child", "")
    if not child_id.isdigit():
        messages.error(request, _("Choose the child to add."))
        return redirect(household)
    child = get_changeable_or_404(Child.objects.in_registry(), request.user, pk=child_id)
    return _act(request, household, lambda: households.add_child(household=household, child=child, by=request.user),
                _("%(child)s is added to the family.") % {"child": child.name})


@require_POST
@login_required
def household_move_out(request, pk, child_pk):
    """Split a wrong grouping: the child leaves this family (into a new one when a name is given)."""
    household = get_changeable_or_404(Household.objects, request.user, pk=pk)
    child = get_changeable_or_404(Child.objects.filter(household=household), request.user, pk=child_pk)
    return _act(request, household, lambda: households.move_out(
        household=household, child=child, by=request.user, new_name=request.POST.get("new_name", "")[:60]),
        _("%(child)s is moved out of the family.") % {"child": child.name})
