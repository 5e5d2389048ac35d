"""Importing a messy ledger: every kind of mess a village ledger has, all 32 children imported."""

import datetime

import pytest

from children.importing import import_ledger
from children.models import Child

from .importing_helpers import make_id, messy_ledger, to_xlsx

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


def test_two_header_rows_keep_registered_and_actual_residence_apart(lead):
    """户籍地 and 现居住地 each over 县（市、区）/镇（街道）/村（居）: the same sub-headers twice."""
    born = datetime.date(2014, 6, 15)
    ledger = to_xlsx([
        ["序号", "姓名", "公民身份号码", "户籍地", None, None, "现居住地", None, None, "儿童类别"],
        [None, None, None, "县（市、区）", "镇（街道）", "村（居）", "县（市、区）", "镇（街道）", "村（居）", None],
        [1, "陈一", make_id(born, 1, region="440882"), "雷州", "白沙", "麻扶", "赤坎区", "中华街道", "南方社区",
         "农村留守儿童"],
    ], merges=["A1:A2", "B1:B2", "C1:C2", "D1:F1", "G1:I1", "J1:J2"])
    plan, created = import_ledger(ledger, by=lead)
    assert [str(p) for p in plan.problems] == []
    assert (created[0].hukou_id, created[0].residence_id) == ("440882100201", "440802001001")
