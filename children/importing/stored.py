"""The checked plan kept server-side (issue 11 item 8): a ledger is read and checked once, into a
`LedgerImport` row; the preview and the confirm read that row, never the file again.

The plan is JSON (Django's "python" serialisation of the unsaved children, parents and tags), encrypted
at rest because it holds ID numbers and phones.
"""

import json

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from ..models import Category, LedgerImport
from .checking import ImportPlan, PlannedChild, Problem, plan_import
from .saving import save_plan

PROGRESS_EVERY = 250  # rows between two progress writes


def _dump(objects) -> list:
    return serializers.serialize("python", objects)


def _load(data: list) -> list:
    return [item.object for item in serializers.deserialize("python", data)]


def store_plan(ledger_import: LedgerImport, plan: ImportPlan) -> LedgerImport:
    """Keep the plan on the row: problems as text, valid rows as an encrypted JSON plan."""
    rows = [{"row": p.row, "place": p.place, "child": _dump([p.child])[0], "parents": _dump(p.parents),
             "categories": _dump(p.categories)} for p in plan.rows]
    ledger_import.plan = json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)
    ledger_import.problems = [[p.row, p.column, str(p.message)] for p in plan.problems]
    ledger_import.skipped_rows = plan.skipped_rows
    ledger_import.ignored_headers = plan.ignored_headers
    ledger_import.row_count = plan.row_count or len(plan.rows)
    ledger_import.pending_count = plan.pending_count
    ledger_import.done = ledger_import.row_count
    ledger_import.state = LedgerImport.State.CHECKED
    ledger_import.save()
    return ledger_import


def load_plan(ledger_import: LedgerImport, *, limit: int | None = None) -> ImportPlan:
    """The stored plan as an ImportPlan (its first `limit` rows only, for a preview)."""
    plan = ImportPlan(problems=[Problem(*p) for p in ledger_import.problems], skipped_rows=ledger_import.skipped_rows,
                      ignored_headers=ledger_import.ignored_headers, row_count=ledger_import.row_count)
    rows = json.loads(ledger_import.plan) if ledger_import.plan else []
    categories = {c.pk: c for c in Category.objects.all()}
    for item in rows[:limit] if limit is not None else rows:
        links = _load(item["categories"])
        for link in links:
            link.category = categories[link.category_id]
        plan.rows.append(PlannedChild(row=item["row"], child=_load([item["child"]])[0],
                                      parents=_load(item["parents"]), categories=links, place=item["place"]))
    plan.stored_rows = len(rows)
    return plan


def check_file(ledger_import: LedgerImport, file) -> LedgerImport:
    """Read and check the file once, writing the progress on the row as it goes."""
    def progress(done: int) -> None:
        LedgerImport.objects.filter(pk=ledger_import.pk).update(done=done, updated_at=timezone.now())

    plan = plan_import(file, by=ledger_import.uploaded_by, progress=progress, progress_every=PROGRESS_EVERY)
    return store_plan(ledger_import, plan)


def import_stored(ledger_import: LedgerImport, *, request=None) -> int:
    """Save the stored plan (once: a second call on an imported row does nothing). Returns the number of
    children saved by this call."""
    with transaction.atomic():
        locked = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
        if locked.state == LedgerImport.State.IMPORTED:
            return 0
        plan = load_plan(locked)
        children = save_plan(plan, by=locked.uploaded_by, filename=locked.filename, request=request)
        locked.state, locked.imported, locked.plan = LedgerImport.State.IMPORTED, len(children), ""
        locked.done = locked.row_count
        locked.save()
    ledger_import.refresh_from_db()
    return len(children)
