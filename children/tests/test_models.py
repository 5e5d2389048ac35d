import datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from accounts.fields import blind_index
from children import idnumber
from children.models import Benefit, BenefitEnrolment, Category, Child, Parent, name_pinyin
from children.tests.factories import BenefitEnrolmentFactory, ChildCategoryFactory, ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db


def raw_row(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_pinyin_and_initials_are_filled_on_save():
    child = ChildFactory(name="张小明")
    assert (child.name_pinyin, child.name_initials) == ("zhangxiaoming", "zxm")
    child.name = " 李四 "
    child.save(update_fields=["name"])
    child.refresh_from_db()
    assert (child.name, child.name_pinyin, child.name_initials) == ("李四", "lisi", "ls")


@pytest.mark.parametrize(("name", "expected"), [
    ("曾小红", ("zengxiaohong", "zxh")),
    ("单田芳", ("shantianfang", "stf")),
    ("覃海", ("qinhai", "qh")),
    ("区志明", ("ouzhiming", "ozm")),
    ("吕丽", ("lvli", "ll")),
])
def test_polyphonic_surnames_read_as_surnames(name, expected):
    assert name_pinyin(name) == expected


def test_id_number_is_normalised_encrypted_and_blind_indexed():
    number = idnumber.make("440802", datetime.date(2015, 3, 1), 7, "F")
    child = ChildFactory(id_number=number.lower()[:-1] + number[-1].lower())
    stored = raw_row("children_child", "id_number", child.pk)
    assert number not in stored and number[:6] not in stored
    assert raw_row("children_child", "id_number_index", child.pk) == blind_index(number)
    assert Child.objects.with_id_number(f" {number.lower()} ").get() == child
    assert child.id_number_masked == number[:4] + "*" * 10 + number[-4:]


def test_history_table_holds_no_plain_id_number_or_phone():
    number = idnumber.make("440802", datetime.date(2015, 3, 1), 8, "F")
    child = ChildFactory(id_number=number, guardian_phone="13800138000")
    child.guardian_phone = "13900139000"
    child.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, guardian_phone FROM children_historicalchild WHERE id = %s", [child.pk])
        rows = cursor.fetchall()
    assert len(rows) == 2
    for id_cipher, phone_cipher in rows:
        assert number not in id_cipher and "1380013" not in phone_cipher and "1390013" not in phone_cipher


def test_duplicate_id_number_is_impossible_in_the_database():
    number = idnumber.make("440802", datetime.date(2015, 3, 1), 9, "F")
    ChildFactory(id_number=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildFactory(id_number=number.replace("X", "x"))


def test_children_without_id_number_do_not_collide():
    ChildFactory(id_number="")
    ChildFactory(id_number="")
    assert Child.objects.filter(id_number_index__isnull=True).count() == 2


def test_phone_search_finds_guardian_caregiver_and_parent_phones():
    by_guardian = ChildFactory(guardian_phone="138 0013 8000")
    by_caregiver = ChildFactory(caregiver_phone="13700137000")
    by_parent = ParentFactory(phone="13600136000").child
    ChildFactory(guardian_phone="13500135000")
    assert list(Child.objects.with_phone("13800138000")) == [by_guardian]
    assert list(Child.objects.with_phone("137-0013-7000")) == [by_caregiver]
    assert list(Child.objects.with_phone("13600136000")) == [by_parent]
    assert raw_row("children_parent", "phone", by_parent.parents.get().pk) != "13600136000"


def test_exit_keeps_the_record_and_requires_reason_and_date():
    child = ChildFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.filter(pk=child.pk).update(status=Child.Status.EXITED)
    child.exit(reason=Child.ExitReason.PARENTS_RETURNED, on=datetime.date(2026, 11, 1))
    child.refresh_from_db()
    assert child.status == Child.Status.EXITED
    assert child.history.count() == 2


def test_consent_as_legal_basis_needs_date_version_and_form():
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildFactory(legal_basis=Child.LegalBasis.GUARDIAN_CONSENT)
    ChildFactory(legal_basis=Child.LegalBasis.GUARDIAN_CONSENT, consent_date=datetime.date(2026, 10, 1),
                 consent_version="2026-01", consent_form=Child.ConsentForm.WRITTEN)


def test_reference_data_is_loaded():
    assert set(Category.objects.values_list("name", flat=True)) >= {"农村留守儿童", "孤儿", "事实无人抚养儿童"}
    assert Category.objects.get(code="left_behind").max_age == 16
    assert Benefit.objects.get(code="orphan_allowance").categories.filter(code="orphan").exists()


@time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0))
def test_age_and_turning_soon():
    turning16 = ChildFactory(birth_date=datetime.date(2011, 1, 20))
    turning18 = ChildFactory(birth_date=datetime.date(2008, 12, 31))
    ChildFactory(birth_date=datetime.date(2011, 3, 1))   # 16 in more than 60 days
    assert turning16.age == 15
    assert list(Child.objects.turning(16, within_days=60)) == [turning16]
    assert list(Child.objects.turning(18, within_days=60)) == [turning18]
    assert set(Child.objects.age_between(15, 15)) == {turning16, Child.objects.get(birth_date="2011-03-01")}


@time_machine.travel(datetime.datetime(2026, 11, 29, 10, 0))
def test_benefit_gap_lists_children_whose_category_suggests_an_unreceived_benefit():
    orphan = Category.objects.get(code="orphan")
    gap = ChildCategoryFactory(category=orphan).child
    covered = ChildCategoryFactory(category=orphan).child
    for code in ("orphan_allowance", "education_aid", "medical_aid"):
        BenefitEnrolmentFactory(child=covered, benefit=Benefit.objects.get(code=code))
    applied = ChildFactory()
    BenefitEnrolmentFactory(child=applied, status=BenefitEnrolment.Status.APPLIED)
    ChildCategoryFactory()  # 留守 only: no benefit suggested
    assert set(Child.objects.with_benefit_gap()) == {gap, applied}
    assert {b.code for b in gap.missing_benefits()} == {"orphan_allowance", "education_aid", "medical_aid"}
    assert covered.missing_benefits() == []


def test_parent_one_row_per_kind():
    parent = ParentFactory(kind=Parent.Kind.MOTHER)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParentFactory(child=parent.child, kind=Parent.Kind.MOTHER)


def test_parent_link_is_a_method_that_opens_the_childs_parents(client_for, worker):
    """Issue 13 item 9: get_absolute_url was a property, so calling it raised TypeError."""
    parent = ParentFactory(id_number="44080219800101001X")
    url = parent.get_absolute_url()
    assert url == parent.child.get_absolute_url() + "#parents"
    assert client_for(worker).get(url.split("#")[0]).status_code == 200
    assert parent.id_number_masked != parent.id_number  # still read as an attribute, like Child's


def test_visible_to_scopes_related_rows(worker, other_worker):
    parent = ParentFactory()
    assert list(Parent.objects.visible_to(worker)) == [parent]
    assert list(Parent.objects.visible_to(other_worker)) == []


def test_area_scope_is_a_prefix_match_without_a_join(worker, other_worker):
    chikan = ChildFactory()
    leizhou = ChildFactory(residence_id="440882001001")
    assert list(Child.objects.visible_to(worker)) == [chikan]
    assert list(Child.objects.visible_to(other_worker)) == [leizhou]
    assert "divisions_division" not in str(Child.objects.visible_to(worker).query)
