"""Keeps `RegistryTally` (the registry's counts per town) right, and answers the registry's facet counts
from it when it can (issue 17; docs/benchmarks.md, "Counts made cheap").

Correct after a change: a child saved with another town, risk level, status or school stage, created or
deleted, a category tag saved or deleted, recounts the towns concerned *in the same transaction* (a
grouped count over one town's children, ~1,000 at a city's size, through the residence index), so the
counts commit or roll back with the change. On PostgreSQL an advisory lock serialises the recounts, so
two transactions changing the same town cannot leave the count of the one that committed first.
Writes that send no signal — `bulk_create`, `QuerySet.update()`, raw SQL — are not seen: the ledger
import recounts its children's towns (children_created_in_bulk), `generate_dataset` calls `recount_all`,
and the beat task `children.tasks.recount_registry_tally` recounts everything every 15 minutes as a
safety net.
"""

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.db.models.signals import post_delete, post_init, post_save

from accounts.policy import Can

from .models import Child, ChildCategory, RegistryTally

TOWN_DIGITS = 9  # county 440802, town 440802001, village 440802001001
DIMENSIONS = ("risk_level", "status", "school_stage")
_LOCK = 0x74616C6C  # "tall": pg_advisory_xact_lock's key for the recounts


def area_of(residence_code: str) -> str:
    """The tally's area of a child living at `residence_code`: its town (or the county or city itself)."""
    return residence_code[:TOWN_DIGITS]


def _children_in(area: str) -> Q:
    """The children whose area is `area` (a residence at county level is its own area)."""
    if len(area) < TOWN_DIGITS:
        return Q(residence__code=area)
    return Q(residence__code__startswith=area)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _rows(children, links, area=None) -> list[RegistryTally]:
    """Tally rows counted from a queryset of children and one of their category tags."""
    rows = []
    area_expr = Substr("residence_id", 1, TOWN_DIGITS)
    for group in children.order_by().annotate(a=area_expr).values("a", *DIMENSIONS).annotate(n=Count("pk")):
        rows.append(RegistryTally(area=area or group["a"], category="", n=group["n"],
                                  **{d: group[d] for d in DIMENSIONS}))
    fields = {f"child__{d}": d for d in DIMENSIONS}
    for group in (links.order_by().annotate(a=Substr("child__residence_id", 1, TOWN_DIGITS))
                  .values("a", "category__code", *fields).annotate(n=Count("pk"))):
        rows.append(RegistryTally(area=area or group["a"], category=group["category__code"], n=group["n"],
                                  **{d: group[f"child__{d}"] for d in DIMENSIONS}))
    return rows


def recount(areas) -> None:
    """Count the children of these areas again (in the caller's transaction, if any)."""
    areas = sorted({a for a in areas if a})
    if not areas:
        return
    with transaction.atomic():
        _lock()
        RegistryTally.objects.filter(area__in=areas).delete()
        rows = []
        for area in areas:
            where = _children_in(area)
            rows += _rows(Child.objects.filter(where), ChildCategory.objects.filter(
                **{f"child__{k}": v for k, v in where.children}), area=area)
        RegistryTally.objects.bulk_create(rows, batch_size=1000)


def recount_all(child_model=Child, link_model=ChildCategory, tally_model=RegistryTally) -> int:
    """Count every child again (after bulk writes, from the beat task, and in the migration that made the
    table, with its historical models); the number of rows written."""
    with transaction.atomic():
        _lock()
        tally_model.objects.all().delete()
        rows = [tally_model(**{f: getattr(row, f) for f in ("area", "category", *DIMENSIONS, "n")})
                for row in _rows(child_model.objects.all(), link_model.objects.all())]
        tally_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# ---------------------------------------------------------------- keeping it right

def _key(child) -> tuple | None:
    """(area, risk level, status, school stage) of a child as loaded or saved; None when not all loaded
    (a deferred field is never fetched for this)."""
    values = child.__dict__
    if "residence_id" not in values or any(d not in values for d in DIMENSIONS):
        return None
    return (area_of(values["residence_id"] or ""), *(values[d] for d in DIMENSIONS))


def _loaded(sender, instance, **kwargs):
    instance._tally_key = _key(instance)


def _child_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old, new = getattr(instance, "_tally_key", None), _key(instance)
    if created or old is None or new is None or old != new:
        recount({(old or (None,))[0], area_of(instance.residence_id or "")})
    instance._tally_key = new


def _child_deleted(sender, instance, **kwargs):
    recount({area_of(instance.residence_id or "")})


def _tag_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    residence = Child.objects.filter(pk=instance.child_id).values_list("residence_id", flat=True).first()
    if residence:
        recount({area_of(residence)})


def _created_in_bulk(sender, child_ids, **kwargs):
    residences = Child.objects.filter(pk__in=child_ids).values_list("residence_id", flat=True).distinct()
    recount({area_of(r) for r in residences})


def connect() -> None:
    """Called once from ChildrenConfig.ready() (through hooks.register)."""
    from .signals import children_created_in_bulk

    post_init.connect(_loaded, sender=Child, dispatch_uid="tally.loaded")
    post_save.connect(_child_saved, sender=Child, dispatch_uid="tally.child_saved")
    post_delete.connect(_child_deleted, sender=Child, dispatch_uid="tally.child_deleted")
    post_save.connect(_tag_changed, sender=ChildCategory, dispatch_uid="tally.tag_saved")
    post_delete.connect(_tag_changed, sender=ChildCategory, dispatch_uid="tally.tag_deleted")
    children_created_in_bulk.connect(_created_in_bulk, sender=Child, dispatch_uid="tally.created_in_bulk")


# ---------------------------------------------------------------- reading it

ANSWERED = {"risk", "status", "stage", "category", "place", "sort", "family"}  # family: only with a search


def tally_areas(user, data: dict) -> list[str] | None:
    """The area prefixes to sum for `user`'s facet counts under the filter `data`, or None when the tally
    cannot answer: a filter other than those it holds, a village chosen as place, or a user who sees
    children by anything but area (a worker's own caseload)."""
    # Only the filters the tally holds: any other (a search, a worker, an age, 应享未享, reassessment, dates
    # of entry or exit, the monthly visit — and any filter added later) is counted over the children.
    if any(not (value is None or value is False or value == "") for name, value in data.items()
           if name not in ANSWERED):  # an age of 0 is a filter
        return None
    from divisions.models import code_prefix

    place = data.get("place")
    if place is not None and len(place.code) > TOWN_DIGITS:
        return None
    if user.can(Can.SEE_PROJECT):
        scopes = [""]
    elif user.can(Can.SEE_AREA) and not user.can(Can.HAVE_CASELOAD):
        scopes = user.area_codes()
        if any(len(code) > TOWN_DIGITS for code in scopes):
            return None
    else:
        return None
    if place is None:
        return scopes
    chosen = code_prefix(place.code)
    # The children of the place that are also in the user's scope: the longer of two nested prefixes.
    return sorted({max(s, chosen, key=len) for s in scopes if chosen.startswith(s) or s.startswith(chosen)})


def tallied_groups(areas: list[str]) -> list[tuple]:
    """[(category, risk level, status, school stage, n)] summed over the areas (one query)."""
    if not areas:
        return []
    where = Q()
    if areas != [""]:
        where = Q(pk__in=[])
        for prefix in areas:
            where |= Q(area__startswith=prefix)
    return list(RegistryTally.objects.filter(where).order_by()
                .values_list("category", *DIMENSIONS).annotate(total=Sum("n")))
