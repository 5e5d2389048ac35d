"""Households (家庭): grouping siblings as one family, proposing groupings from a ledger import, and the
worker's confirm / add / move-out actions (docs/households.md). Every write goes through here, inside a
transaction, with the user recorded in the change history of the household and of each child moved."""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit

from .models import Child, Household


def compact(value: str) -> str:
    """Text compared as the ledger import compares it: half-width, without spaces (importing.cells.compact;
    the importing package imports this module, so it is not imported from there)."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def check_villages(children: Iterable[Child], note: str) -> None:
    """Children of one household live in one village, unless a note says why not."""
    children = list(children)
    villages = {child.residence_id for child in children}
    if len(villages) > 1 and not (note or "").strip():
        names = "、".join(f"{child.name}（{child.residence.name}）" for child in children)
        raise ValidationError(
            _("These children live in different villages: %(children)s. A family normally lives in one village; "
              "write a note saying why they are one family (e.g. one stays with grandparents on school days), "
              "or leave the child out.") % {"children": names}, code="villages")


def _refuse_grouped(children: Iterable[Child], household: Household | None = None) -> None:
    taken = [child for child in children if child.household_id and child.household_id != getattr(household, "pk", None)]
    if taken:
        raise ValidationError(
            _("%(children)s already belong to another family. Move them out of it first (on that family's page).")
            % {"children": "、".join(f"{child.name}（{child.household}）" for child in taken)}, code="grouped")


def _set_household(children: Iterable[Child], household: Household | None, by) -> None:
    for child in children:
        child.household = household
        child._history_user = by
        child.save(update_fields=["household", "updated_at"])


def _locked(children: Iterable[Child]) -> list[Child]:
    """The children again, locked and fresh, with their residence (a stale household id must not win)."""
    return list(Child.objects.select_for_update(of=("self",)).select_related("residence", "household")
                .filter(pk__in=[child.pk for child in children]).order_by("pk"))


@transaction.atomic
def create_household(*, children: Iterable[Child], name: str, note: str = "", by,
                     status: str = Household.Status.CONFIRMED, source: str = Household.Source.WORKER) -> Household:
    children = _locked(children)
    if len(children) < 1:
        raise ValidationError(_("Choose at least one child for the family."), code="empty")
    _refuse_grouped(children)
    check_villages(children, note)
    household = Household(name=name.strip() or default_name(children[0]), note=note.strip(), status=status,
                          source=source, created_by=by)
    if status == Household.Status.CONFIRMED:
        household.confirmed_by, household.confirmed_at = by, timezone.now()
    household._history_user = by
    household.full_clean()
    household.save()
    _set_household(children, household, by)
    audit(user=by, action="household.create", target=household, children=len(children))
    return household


def default_name(child: Child) -> str:
    """张建国家: the guardian's name (or the child's) followed by 家."""
    return f"{child.guardian_name or child.name}家"


@transaction.atomic
def update_household(*, household: Household, name: str, note: str, by) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_villages(Child.objects.filter(household=household).select_related("residence"), note)
    household.name, household.note = name.strip() or household.name, note.strip()
    household._history_user = by
    household.full_clean()
    household.save()
    return household


@transaction.atomic
def confirm_household(*, household: Household, by) -> Household:
    """The worker confirms a grouping the import proposed: from now on it counts as one family."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    check_villages(Child.objects.filter(household=household).select_related("residence"), household.note)
    household.status, household.confirmed_by, household.confirmed_at = (
        Household.Status.CONFIRMED, by, timezone.now())
    household._history_user = by
    household.save()
    audit(user=by, action="household.confirm", target=household)
    return household


@transaction.atomic
def add_child(*, household: Household, child: Child, by) -> None:
    household = Household.objects.select_for_update().get(pk=household.pk)
    [child] = _locked([child])
    _refuse_grouped([child], household)
    members = list(Child.objects.filter(household=household).select_related("residence"))
    check_villages([*members, child], household.note)
    _set_household([child], household, by)
    audit(user=by, action="household.add_child", target=household, child=child.pk)


@transaction.atomic
def move_out(*, household: Household, child: Child, by, new_name: str = "") -> Household | None:
    """Split a wrong grouping: the child leaves the household (into a new one of its own when `new_name` is
    given). The household itself is kept, with its history, even when no child is left in it."""
    [child] = _locked([child])
    if child.household_id != household.pk:
        raise ValidationError(_("%(child)s is not in this family.") % {"child": child.name}, code="not_member")
    _set_household([child], None, by)
    audit(user=by, action="household.move_out", target=household, child=child.pk)
    if new_name.strip():
        return create_household(children=[child], name=new_name, by=by)
    return None


# ---------------------------------------------------------------- from a ledger import


def _guardian_key(child: Child) -> tuple | None:
    """"The same guardian": the guardian's name and phone, compared without spaces. The ledger has no ID
    number column for the guardian or the parents (importing/columns.py), so no ID is compared here; a
    guardian without a phone is never grouped by the import (the worker groups by hand)."""
    name, phone = compact(child.guardian_name or ""), compact(child.guardian_phone or "")
    return (name, phone) if name and phone else None


def propose_from_import(planned: list, *, by) -> list[Household]:
    """Children of one ledger (`planned`: the import's `PlannedChild` rows, not saved yet) with the same
    guardian (name and phone) in the same village at the same address are proposed as one
    household, 待确认 until a worker confirms it (docs/households.md). Sets `child.household` before the
    children are inserted, so their first history row already names it."""
    groups: dict[tuple, list] = defaultdict(list)
    for row in planned:
        key = _guardian_key(row.child)
        if key is not None:
            groups[(row.child.residence_id, compact(row.child.address or ""), key)].append(row.child)
    proposed = []
    for members in groups.values():
        if len(members) < 2:
            continue
        household = Household(name=default_name(members[0]), status=Household.Status.PROPOSED,
                              source=Household.Source.IMPORT, created_by=by)
        household._history_user = by
        household.save()
        for child in members:
            child.household = household
        proposed.append(household)
    return proposed
