"""Ledgers as counties keep them (issue 13 item 1): umbrella categories imported 待细分 and settled from a
list; an in-file duplicate reported on both rows next to their other errors; a future birth date named
as such; a .csv told to be saved as .xlsx."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from children.importing import import_ledger
from children.models import Category, Child

from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db

BORN = datetime.date(2014, 6, 15)
PLACE = ["赤坎区", "中华街道", "南方社区"]


def row(n, name="张三", id_number=None, birth=BORN, categories="农村留守儿童", **extra):
    values = dict(zip(HEADERS, [n, f"{name}{n}", "女", id_number or make_id(BORN, n), birth, *PLACE, categories]))
    values.update(extra)
    return [values.get(h) for h in HEADERS]


def ledger(*rows):
    return to_xlsx([HEADERS, *rows])


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_umbrella_category_imports_the_child_as_to_be_confirmed(lead):
    plan, created = import_ledger(ledger(row(1, categories="困境儿童"), row(2), row(3, categories="困境")), by=lead)
    assert plan.problems == [] and len(created) == 3
    assert plan.pending_count == 2
    pending = Child.objects.exclude(category_pending="").order_by("id")
    assert [c.name for c in pending] == ["张三1", "张三3"]
    assert {c.category_pending for c in pending} == {"困境儿童"}
    assert all(not c.category_links.exists() for c in pending)  # nothing decided until the type is set
    assert Child.objects.in_registry().count() == 3  # they count in the registry meanwhile


def test_umbrella_category_skips_the_age_limit_until_the_type_is_set(lead):
    seventeen = datetime.date.today().replace(year=datetime.date.today().year - 17) - datetime.timedelta(days=3)
    plan, created = import_ledger(ledger(row(1, id_number=make_id(seventeen, 1), birth=seventeen,
                                             categories="困境儿童")), by=lead)
    assert plan.problems == [] and created[0].category_pending == "困境儿童"


def test_command_summary_counts_the_children_to_confirm(lead, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger(row(1, categories="困境儿童"), row(2)).getvalue())
    call_command("import_children", str(path), "--user", lead.username)
    out = capsys.readouterr().out
    assert "导入 2" in out or "2 名" in out or "2" in out
    assert "1" in out and "待细分" in out


def test_preview_and_confirm_say_how_many_are_to_be_confirmed(client_for, worker, protected_media):
    client = client_for(worker)
    file = SimpleUploadedFile("台账.xlsx", ledger(row(1, categories="困境儿童"), row(2)).getvalue())
    preview = client.post(reverse("children:import"), {"file": file}).url
    page = client.get(preview).content.decode()
    assert 'id="pending-count"' in page and "1 名" in page
    response = client.post(preview, follow=True)
    assert "待细分" in response.content.decode() or "待确认" in response.content.decode()
    assert Child.objects.exclude(category_pending="").count() == 1


def test_the_list_to_settle_and_settling(client_for, worker, lead, protected_media):
    import_ledger(ledger(row(1, categories="困境儿童"), row(2)), by=worker)
    child = Child.objects.get(category_pending="困境儿童")
    client = client_for(worker)
    page = client.get(reverse("children:pending")).content.decode()
    assert child.name in page and "张三2" not in page
    assert reverse("children:category_add", args=[child.pk]) in page
    home = client.get(reverse("home")).content.decode()
    assert reverse("children:pending") in home

    category = Category.objects.get(code="poor_family")
    response = client.post(reverse("children:category_add", args=[child.pk]), {
        "category": category.pk, "recognised_on": datetime.date.today().isoformat(), "basis": "低保证"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.category_pending == ""
    assert child.history.filter(category_pending="困境儿童").exists()  # the umbrella word stays in the history
    assert child.name not in client.get(reverse("children:pending")).content.decode()


def test_pending_list_shows_only_visible_children(client_for, worker, other_worker, lead):
    import_ledger(ledger(row(1, categories="困境儿童")), by=lead)
    assert "张三1" in client_for(worker).get(reverse("children:pending")).content.decode()
    assert "张三1" not in client_for(other_worker).get(reverse("children:pending")).content.decode()


def test_pending_list_query_count_does_not_grow(client_for, lead, django_assert_max_num_queries):
    import_ledger(ledger(*[row(n, categories="困境儿童") for n in range(1, 4)]), by=lead)
    client = client_for(lead)
    client.get(reverse("children:pending"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("children:pending"))
    import_ledger(ledger(*[row(n, categories="困境儿童") for n in range(10, 20)]), by=lead)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("children:pending"))


def test_in_file_duplicate_is_reported_on_both_rows_next_to_their_other_errors(lead):
    same = make_id(BORN, 1)
    plan, created = import_ledger(ledger(
        row(1, id_number=same, **{"监护人电话": "12345"}),
        row(2),
        row(3, id_number=same, categories="不存在的类别")), by=lead)
    assert created == []
    found = [(p.row, p.column, p.message) for p in plan.problems]
    assert (2, "监护人电话") in [(r, c) for r, c, _m in found]
    assert (4, "儿童类别") in [(r, c) for r, c, _m in found]
    assert (2, "公民身份号码", "本文件第4行也是这个身份证号。") in found
    assert (4, "公民身份号码", "本文件第2行也是这个身份证号。") in found


def test_future_birth_date_says_so(lead):
    future = datetime.date.today() + datetime.timedelta(days=40)
    plan, _created = import_ledger(ledger(row(1, birth=future)), by=lead)
    messages = [p.message for p in plan.problems]
    assert any("将来" in m or "未来" in m for m in messages), messages
    assert not any("不是" in m and "日期" in m for m in messages), messages


def test_future_birth_date_in_the_id_number_says_so(lead):
    future = datetime.date.today() + datetime.timedelta(days=400)
    plan, _created = import_ledger(ledger(row(1, id_number=make_id(future, 1), birth=None)), by=lead)
    messages = [p.message for p in plan.problems]
    assert any(future.isoformat() in m and ("将来" in m or "未来" in m) for m in messages), messages


@pytest.mark.parametrize("name", ["台账.csv", "台账.xls", "台账.ods", "台账.pdf"])
def test_other_files_are_told_to_save_as_xlsx(client_for, worker, protected_media, name):
    response = client_for(worker).post(reverse("children:import"),
                                       {"file": SimpleUploadedFile(name, b"name,id\n")})
    assert response.status_code == 200
    page = response.content.decode()
    assert "另存为" in page and ".xlsx" in page
    assert list(protected_media.rglob("*")) == [] or not any(p.is_file() for p in protected_media.rglob("*"))
