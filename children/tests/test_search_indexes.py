"""On PostgreSQL, every kind of registry search is answered through its index (issue 17): EXPLAIN on a
few thousand children with sequential scans discouraged (`enable_seqscan = off` only makes them look
expensive: a query no index serves still shows a Seq Scan)."""

import datetime
import random

import pytest
from django.db import connection

from children import idnumber
from children.filters import SearchKind, classify_search, search
from children.models import Child, Parent

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes of PostgreSQL")]

SURNAMES, GIVEN = "陈李黄林张吴梁王刘杨", "小子梓思雨欣浩宇俊杰嘉文晓明华丽婷敏志伟"


@pytest.fixture
def registry():
    rng = random.Random(17)
    children = []
    for n in range(3000):
        child = Child(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), sex="F",
                      birth_date=datetime.date(2015, 3, 1), residence_id="440802001001",
                      id_number=idnumber.make("440802", datetime.date(2010, 1, 1) + datetime.timedelta(days=n), 1, "F")
                      if n < 1000 else "", guardian_phone=f"138{n:08d}", caregiver_phone=f"139{n:08d}")
        child.fill_search_columns()
        children.append(child)
    children.append(target := Child(name="陈明华", sex="M", birth_date=datetime.date(2016, 1, 1),
                                    residence_id="440802001001", guardian_phone="13512345678",
                                    id_number=idnumber.make("440803", datetime.date(2016, 1, 1), 5, "M")))
    target.fill_search_columns()
    Child.objects.bulk_create(children)
    Parent.objects.create(child=target, kind=Parent.Kind.FATHER, name="陈志强", phone="13698765432",
                          situation=Parent.Situation.WORKING_AWAY)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE children_child")
        cursor.execute("ANALYZE children_parent")
        cursor.execute("SET enable_seqscan = off")
    yield target
    with connection.cursor() as cursor:
        cursor.execute("RESET enable_seqscan")


def plan(text: str, **options) -> str:
    """The plan of the list's first page (for a common name PostgreSQL may rightly walk the name order
    index and stop at 50) and of the count of all matches (which must go through the kind's index)."""
    children = search(Child.objects.in_registry(), text, **options)
    return children.order_by("name", "id")[:50].explain() + "\n" + children.order_by().values("pk").explain()


@pytest.mark.parametrize(("text", "kind", "index"), [
    ("陈明华", SearchKind.NAME, "children_child_name_trgm"),
    ("明华", SearchKind.NAME, "children_child_name_chars"),
    # One common character (~10 % of these names): PostgreSQL rightly prefers the name-order or status
    # index and filters; the per-character index serves rarer characters. No sequential scan either way.
    ("陈", SearchKind.NAME, None),
    ("chenminghua", SearchKind.PINYIN, "name_pinyin"),
    ("minghua", SearchKind.PINYIN, "name_pinyin_given"),
    ("cmh", SearchKind.PINYIN, "name_initials"),
    ("13512345678", SearchKind.PHONE, "guardian_phone_index"),
])
def test_each_kind_of_search_uses_its_index(registry, text, kind, index):
    assert classify_search(text)[0] == kind
    explained = plan(text)
    assert "Seq Scan on children_child" not in explained, explained
    assert index is None or index in explained, explained
    assert registry in search(Child.objects.all(), text)


def test_id_number_search_uses_the_blind_index(registry):
    explained = plan(registry.id_number)
    assert "Seq Scan on children_child" not in explained, explained
    assert "id_number_index" in explained, explained
    assert list(search(Child.objects.all(), registry.id_number)) == [registry]


def test_a_parents_phone_is_found_through_the_parents_index(registry):
    assert "Seq Scan" not in plan("13698765432")
    assert list(search(Child.objects.all(), "13698765432")) == [registry]


def test_family_names_are_searched_through_trigram_indexes_when_asked(registry):
    explained = plan("陈志强", family=True)
    assert "Seq Scan on children_parent" not in explained, explained
    assert list(search(Child.objects.all(), "陈志强", family=True)) == [registry]
