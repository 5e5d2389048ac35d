"""Exports: the import template's columns, masked unless full details are needed, formula-safe,
audited; and a full export imports back into an empty registry as the same records."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEntry
from children import idnumber
from children.exporting import HEADER, guard, write_ledger
from children.importing import import_ledger
from children.models import Category, Child, ChildCategory, Parent

from .factories import ChildFactory
from .importing_helpers import make_id, messy_ledger

pytestmark = pytest.mark.django_db

BORN = datetime.date(2013, 2, 28)


def full_record(worker) -> Child:
    """A child with every ledger field filled in."""
    child = Child.objects.create(
        name="欧阳小明", sex="M", birth_date=BORN, ethnicity="壮族", id_number=make_id(BORN, 41, "M", "440882"),
        hukou_id="440882100201", hukou_address="麻扶村3巷12号", hukou_type=Child.HukouType.RURAL,
        residence_id="440802006200", address="调顺村东街8号", guardian_name="欧阳大", guardian_relation="grandparent",
        guardian_phone="13800138041", caregiver_name="陈阿姨", caregiver_relation="邻居",
        caregiver_phone="0759-2345678", school_stage="junior", school_name="调顺中学", grade="初一(2)班",
        health="disabled", disability_type="intellectual", disability_grade=3, economy="minimum_living",
        social_worker=worker, created_at=timezone.make_aware(datetime.datetime(2024, 3, 5, 9)))
    for code in ("left_behind", "poor_family"):
        ChildCategory.objects.create(child=child, category=Category.objects.get(code=code),
                                     recognised_on=datetime.date(2024, 3, 5), basis="摸排")
    Parent.objects.create(child=child, kind="father", name="欧阳父", situation="working_away",
                          work_place="广东省东莞市", phone="13900139041")
    Parent.objects.create(child=child, kind="mother", name="李母", situation="in_prison")
    exited = Child.objects.create(
        name="已退出", sex="F", birth_date=BORN, id_number=make_id(BORN, 42), residence_id="440802001001",
        status=Child.Status.EXITED, exit_reason="parents_returned", exited_on=datetime.date(2025, 1, 2),
        created_at=timezone.make_aware(datetime.datetime(2024, 3, 5, 9)))
    ChildCategory.objects.create(child=exited, category=Category.objects.get(code="left_behind"),
                                 recognised_on=datetime.date(2024, 3, 5), basis="摸排")
    return child


def snapshot() -> set:
    children = Child.objects.prefetch_related("parents", "category_links__category")
    return {(
        c.name, c.sex, c.birth_date, c.ethnicity, c.id_number, c.hukou_id, c.hukou_address, c.hukou_type,
        c.residence_id, c.address, c.guardian_name, c.guardian_relation, c.guardian_phone, c.caregiver_name,
        c.caregiver_relation, c.caregiver_phone, c.school_stage, c.school_name, c.grade, c.health,
        c.disability_type, c.disability_grade, c.economy, c.social_worker_id, timezone.localtime(c.created_at).date(),
        c.status, c.exit_reason, c.exited_on,
        frozenset((link.category.code, link.recognised_on) for link in c.category_links.all()),
        frozenset((p.kind, p.name, p.situation, p.work_place, p.phone) for p in c.parents.all()),
    ) for c in children}


def test_full_export_imports_back_into_an_empty_registry_as_the_same_records(lead, worker):
    import_ledger(messy_ledger()[0], by=lead)
    full_record(worker)
    before = snapshot()
    assert len(before) == 34
    buffer = io.BytesIO()
    assert write_ledger(Child.objects.all(), buffer, full=True, by=lead, via="test") == 34

    Child.objects.all().delete()
    Child.history.all().delete()
    buffer.seek(0)
    plan, created = import_ledger(buffer, by=lead)
    assert [str(p) for p in plan.problems] == []
    assert len(created) == 34
    assert snapshot() == before


def read(buffer) -> list[list]:
    buffer.seek(0)
    return [list(r) for r in load_workbook(buffer).active.iter_rows(values_only=True)]


def test_masked_export_hides_id_numbers_phones_and_addresses(worker):
    full_record(worker)
    buffer = io.BytesIO()
    write_ledger(Child.objects.filter(name="欧阳小明"), buffer, full=False, by=worker)
    header, row = read(buffer)
    values = dict(zip(header, row))
    assert header == HEADER
    assert values["公民身份号码"] == "440882" + "*" * 12
    assert values["监护人电话"] == "*******8041" and values["父亲电话"] == "*******9041"
    assert values["详细地址"] is None and values["户籍地"] == "雷州市"
    assert values["镇（街道）"] == "调顺街道" and values["出生日期"] == "2013年"
    assert values["儿童类别"] == "农村留守儿童、困难家庭儿童"
    assert "13800138041" not in str(row) and "东街" not in str(row)


def id_candidates(values: dict, county: str) -> list[str]:
    """Every valid ID number consistent with what a masked row shows: the visible characters of the
    number, the birth year (or date), the sex, the county of 户籍 (`county`, from the 户籍地 name);
    the hidden digits and the check digit brute-forced."""
    shown = values["公民身份号码"]
    born = values["出生日期"]
    if isinstance(born, datetime.datetime):
        days = [born.date()]
    else:
        year = int(str(born).rstrip("年"))
        days = [datetime.date(year, 1, 1) + datetime.timedelta(n) for n in range(366)]
        days = [d for d in days if d.year == year]
    parity = 1 if values["性别"] == "男" else 0
    found = []
    for day in days:
        for seq in range(1000):
            if seq % 2 != parity:
                continue
            first17 = f"{county}{day:%Y%m%d}{seq:03d}"
            number = first17 + idnumber.check_digit(first17)
            if all(s in ("*", c) for s, c in zip(shown, number, strict=True)):
                found.append(number)
    return found


def phone_candidates(shown: str) -> int:
    """How many mobile numbers (1[3-9]…, eleven digits) agree with a masked phone."""
    hidden = [i for i, c in enumerate(shown) if c == "*"]
    fixed = {i: c for i, c in enumerate(shown) if c != "*"}
    if fixed.get(0, "1") != "1" or (1 in fixed and fixed[1] not in "3456789"):
        return 0
    free = [i for i in hidden if i not in (0, 1)]
    return (7 if 1 in hidden else 1) * 10 ** len(free)


def test_a_masked_row_does_not_rebuild_an_id_number_or_a_phone(worker):
    """Brute force over the hidden digits and the check digit: the row leaves ≥ 10⁴ ID numbers and
    phones possible (the old mask + 出生日期 + 户籍地 + check digit left exactly one)."""
    child = full_record(worker)
    buffer = io.BytesIO()
    write_ledger(Child.objects.filter(pk=child.pk), buffer, full=False, by=worker)
    values = dict(zip(*read(buffer)))
    assert values["户籍地"] == "雷州市"
    candidates = id_candidates(values, "440882")
    assert child.id_number in candidates and len(candidates) >= 10**4
    for column in ("监护人电话", "父亲电话"):
        assert len(values[column]) == 11 and phone_candidates(values[column]) >= 10**4
    # what the old export showed would have given the number away
    old = dict(values, 公民身份号码=idnumber.mask(child.id_number),
               出生日期=datetime.datetime.combine(child.birth_date, datetime.time()))
    assert id_candidates(old, "440882") == [child.id_number]
    assert phone_candidates("138****8041") == 10**4 and phone_candidates("*******8041") >= 10**5


def test_every_export_writes_one_audit_entry(worker):
    ChildFactory.create_batch(3)
    write_ledger(Child.objects.visible_to(worker), io.BytesIO(), full=False, by=worker,
                 filters={"q": "", "county": "440802"})
    entry = AuditEntry.objects.get(action="children.export")
    assert entry.user == worker
    assert entry.detail == {"children": 3, "full": False, "via": "web", "filters": {"county": "440802"}}


def test_full_export_is_refused_to_a_social_worker(worker):
    with pytest.raises(PermissionError):
        write_ledger(Child.objects.all(), io.BytesIO(), full=True, by=worker)
    assert not AuditEntry.objects.filter(action="children.export").exists()


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_guard(text):
    assert guard(text) == "'" + text
    assert guard("13800138000") == "13800138000" and guard(5) == 5


def test_cells_that_look_like_formulas_are_exported_as_text_and_import_back(lead, worker):
    child = full_record(worker)
    child.guardian_name, child.school_name, child.grade = "=1+2", "@学校", "-1班"
    child.save()
    buffer = io.BytesIO()
    write_ledger(Child.objects.filter(pk=child.pk), buffer, full=True, by=lead)
    values = dict(zip(*read(buffer)))
    assert (values["监护人"], values["就读学校"], values["年级"]) == ("'=1+2", "'@学校", "'-1班")
    Child.objects.all().delete()
    buffer.seek(0)
    plan, created = import_ledger(buffer, by=lead)
    assert plan.ok
    assert (created[0].guardian_name, created[0].school_name, created[0].grade) == ("=1+2", "@学校", "-1班")
