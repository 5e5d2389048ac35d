"""All or nothing: one bad row and nothing is saved; every problem is named by row and column in Chinese."""

import datetime

import pytest
from django.utils import translation

from accounts.models import AuditEntry
from children.importing import import_ledger
from children.models import Child

from .factories import ChildFactory
from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db

BORN = datetime.date(2014, 6, 15)
PLACE = ["赤坎区", "中华街道", "南方社区"]


def row(n, name="张三", id_number=None, birth=BORN, place=PLACE, categories="农村留守儿童", sex="女", **extra):
    values = dict(zip(HEADERS, [n, name, sex, id_number or make_id(BORN, n), birth, *place, categories]))
    values.update(extra)
    return [values.get(h) for h in HEADERS]


def ledger(*rows):
    return to_xlsx([HEADERS, *rows])


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def problems(plan):
    return [(p.row, p.column, p.message) for p in plan.problems]


def test_one_bad_row_means_nothing_is_saved_and_every_error_is_listed(lead):
    file = ledger(
        row(1),
        row(2, id_number="440802201406150021"),  # wrong check digit
        row(3, birth="2014.13.40"),
        row(4, place=["赤坎区", "中华街道", "不存在村"]),
        row(5, categories="贫困生"),
        row(6, **{"监护人电话": "12345"}),
        row(7, name=""),
    )
    plan, created = import_ledger(file, by=lead)
    assert created == [] and Child.objects.count() == 0
    assert not AuditEntry.objects.filter(action="children.import").exists()
    found = problems(plan)
    assert [(r, c) for r, c, _m in found] == [(3, "公民身份号码"), (4, "出生日期"), (5, "村（居）"), (6, "儿童类别"),
                                              (7, "监护人电话"), (8, "姓名")]
    messages = " ".join(m for _r, _c, m in found)
    for chinese_words in ("校验位", "2015-03-01", "不存在村", "农村留守儿童", "13800138000", "姓名"):
        assert chinese_words in messages, chinese_words


def test_problem_reads_as_row_and_column_in_chinese(lead):
    plan, _created = import_ledger(ledger(row(1, birth="明年")), by=lead)
    assert str(plan.problems[0]).startswith("第2行“出生日期”列")


def test_dry_run_checks_but_saves_nothing(lead):
    plan, created = import_ledger(ledger(row(1), row(2)), by=lead, dry_run=True)
    assert plan.ok and len(plan.rows) == 2
    assert created == [] and Child.objects.count() == 0


def test_sex_and_birth_date_must_agree_with_the_id_number(lead):
    plan, _created = import_ledger(ledger(row(1, sex="男"), row(2, birth=datetime.date(2014, 6, 16))), by=lead)
    assert [(r, c) for r, c, _m in problems(plan)] == [(2, "性别"), (3, "出生日期")]
    assert "2014-06-15" in plan.problems[1].message


def test_age_limits_of_the_categories(lead):
    sixteen = datetime.date.today().replace(year=datetime.date.today().year - 16) - datetime.timedelta(days=1)
    eighteen = sixteen.replace(year=sixteen.year - 2)
    plan, _created = import_ledger(ledger(
        row(1, id_number=make_id(sixteen, 1), birth=None, categories="农村留守儿童"),
        row(2, id_number=make_id(sixteen, 2), birth=None, categories="孤儿"),
        row(3, id_number=make_id(eighteen, 3), birth=None, categories="孤儿"),
    ), by=lead)
    assert [(r, c) for r, c, _m in problems(plan)] == [(2, "儿童类别"), (4, "出生日期"), (4, "儿童类别")]


def test_id_number_that_excel_turned_into_a_number_is_reported(lead):
    plan, _created = import_ledger(ledger(row(1, id_number=4.40802201406151e17)), by=lead)
    assert "文本" in plan.problems[0].message


def test_masked_id_number_is_reported(lead):
    plan, _created = import_ledger(ledger(row(1, id_number="4408**********0021")), by=lead)
    assert "完整" in plan.problems[0].message


def test_ambiguous_village_names_the_candidates(lead):
    """和安社区居委会 and 和安村委会 are in the same town of 徐闻县."""
    plan, _created = import_ledger(ledger(row(1, place=["徐闻", "", "和安"])), by=lead)
    assert plan.problems[0].column == "村（居）"
    assert "和安村委会" in plan.problems[0].message and "和安社区居委会" in plan.problems[0].message


def test_village_outside_the_county_given_is_not_found(lead):
    plan, _created = import_ledger(ledger(row(1, place=["雷州市", "", "南方社区"])), by=lead)
    assert plan.problems[0].column == "村（居）"


def test_duplicate_within_the_file_is_reported_on_both_rows(lead):
    same = make_id(BORN, 1)
    plan, _created = import_ledger(ledger(row(1, id_number=same), row(2), row(3, id_number=same.lower())), by=lead)
    assert problems(plan) == [(2, "公民身份号码", "本文件第4行也是这个身份证号。"),
                              (4, "公民身份号码", "本文件第2行也是这个身份证号。")]


def test_duplicate_of_a_visible_record_names_it(worker):
    existing = ChildFactory(name="已登记", id_number=make_id(BORN, 1))
    plan, _created = import_ledger(ledger(row(1)), by=worker)
    assert "已登记" in plan.problems[0].message and str(existing.pk) in plan.problems[0].message


def test_duplicate_of_another_countys_record_leaks_nothing(worker):
    hidden = ChildFactory(name="雷州儿童", id_number=make_id(BORN, 1), residence_id="440882100201")
    plan, _created = import_ledger(ledger(row(1)), by=worker)
    assert plan.problems[0].message == "该身份证号已登记在台账中。"
    assert "雷州" not in plan.problems[0].message and str(hidden.pk) not in plan.problems[0].message


def test_worker_cannot_import_children_outside_their_area(worker):
    plan, _created = import_ledger(ledger(row(1, place=["雷州市", "白沙镇", "麻扶村"])), by=worker)
    assert plan.problems[0].column == "村（居）" and "工作区域" in plan.problems[0].message


def test_worker_import_assigns_the_children_to_them(worker):
    _plan, created = import_ledger(ledger(row(1)), by=worker)
    assert created[0].social_worker == worker
    assert Child.objects.visible_to(worker).count() == 1


def test_missing_required_column_is_named(lead):
    plan, _created = import_ledger(to_xlsx([["姓名", "县区", "镇街", "村居"], ["张三", "赤坎", "中华", "南方"]]),
                                   by=lead)
    assert "公民身份号码" in plan.problems[0].message and plan.problems[0].row is None


def test_header_without_children_is_reported(lead):
    plan, _created = import_ledger(ledger(), by=lead)
    assert plan.problems and not plan.ok


def test_phones_are_normalised_like_the_forms_do(lead):
    plan, created = import_ledger(ledger(row(1, **{"监护人电话": "(0759)3331234"}),
                                         row(2, **{"监护人电话": "＋86 138-0013-8000"})), by=lead)
    assert plan.ok
    assert sorted(c.guardian_phone for c in created) == ["0759-3331234", "13800138000"]
