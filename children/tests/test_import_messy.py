"""Importing a messy ledger: every kind of mess a village ledger has, all 32 children imported."""

import pytest

from children.importing import import_ledger
from children.models import Child

from .importing_helpers import messy_ledger

pytestmark = pytest.mark.django_db


def test_messy_ledger_imports_every_child(lead):
    ledger, expected = messy_ledger()
    plan, created = import_ledger(ledger, by=lead, filename="messy.xlsx")
    assert [str(p) for p in plan.problems] == []
    assert len(created) == len(expected) == 32
    assert plan.skipped_rows  # the signature line
    children = {c.id_number: c for c in Child.objects.prefetch_related("category_links__category", "parents")}
    assert set(children) == set(expected)
    for number, expect in expected.items():
        child = children[number]
        for field, value in expect.items():
            if field == "residence":
                assert child.residence_id == value, (number, child.name)
            elif field == "categories":
                assert child.category_codes() == value, (number, child.name)
            elif field == "parents":
                assert {p.kind: p.situation for p in child.parents.all()} == value
            else:
                assert getattr(child, field) == value, (number, field)
