"""Saving a checked ledger: every child with its parents and categories, in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.services import audit

from ..households import propose_from_import
from ..models import Child, ChildCategory, Parent, phone_index
from ..signals import children_created_in_bulk
from .checking import ImportPlan, plan_import


@transaction.atomic
def save_plan(plan: ImportPlan, *, by=None, filename: str = "", request=None) -> list:
    """Save every planned child with its parents and categories, and one audit entry; refuses a plan
    with any problem, so a ledger is imported whole or not at all."""
    if not plan.ok:
        raise ValueError("refusing to save an import plan with problems")
    children = []
    for planned in plan.rows:
        child = planned.child
        # bulk_create skips Child.save(): fill the search columns it would fill.
        child.fill_search_columns()
        children.append(child)
    user = by if by is not None and by.is_authenticated else None
    reason = str(_("Ledger import"))
    households = propose_from_import(plan.rows, by=user)  # siblings, 待确认 (docs/households.md)
    bulk_create_with_history(children, Child, batch_size=500, default_user=user, default_change_reason=reason)
    parents, links = [], []
    for planned in plan.rows:
        pk = planned.child.pk  # bulk_create returns primary keys on PostgreSQL and SQLite ≥ 3.35
        for parent in planned.parents:
            parent.child_id = pk
            parent.phone_index = phone_index(parent.phone)
            parents.append(parent)
        for link in planned.categories:
            link.child_id = pk
            links.append(link)
    bulk_create_with_history(parents, Parent, batch_size=500, default_user=user, default_change_reason=reason)
    bulk_create_with_history(links, ChildCategory, batch_size=500, default_user=user, default_change_reason=reason)
    audit(user=user, action="children.import", request=request, file=filename, children=len(children),
          households=len(households))
    children_created_in_bulk.send(sender=Child, child_ids=[child.pk for child in children])
    return children


def import_ledger(file, *, by=None, dry_run: bool = False, filename: str = "") -> tuple[ImportPlan, list]:
    """Check a ledger and, when every row is valid and this is not a dry run, save it whole."""
    plan = plan_import(file, by=by)
    if not plan.ok or dry_run:
        return plan, []
    return plan, save_plan(plan, by=by, filename=filename)
