"""The three commands through call_command: import_children, export_children, generate_dataset."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from accounts.models import AuditEntry
from children import idnumber
from children.models import Child

from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db


def ledger_file(tmp_path, *rows):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(to_xlsx([HEADERS, *rows]).getvalue())
    return path


def good_row(n):
    return [n, f"张{n}", "女", make_id(datetime.date(2014, 6, 15), n), None, "赤坎区", "中华街道",
            "南方社区", "农村留守儿童"]


def test_import_command_imports_a_valid_ledger(tmp_path):
    out = io.StringIO()
    call_command("import_children", str(ledger_file(tmp_path, good_row(1), good_row(2))), stdout=out)
    assert Child.objects.count() == 2
    assert "已导入 2 名儿童" in out.getvalue()
    assert AuditEntry.objects.get(action="children.import").detail["children"] == 2


def test_import_command_with_one_bad_row_imports_nothing_and_exits_1(tmp_path):
    bad = good_row(2)
    bad[3] = "440802201406150021"
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_children", str(ledger_file(tmp_path, good_row(1), bad)), stderr=err)
    assert raised.value.returncode == 1
    assert "未导入任何儿童" in str(raised.value)
    assert err.getvalue().startswith("第3行“公民身份号码”列：")
    assert Child.objects.count() == 0


def test_import_command_dry_run_saves_nothing(tmp_path):
    out = io.StringIO()
    call_command("import_children", str(ledger_file(tmp_path, good_row(1))), "--dry-run", stdout=out)
    assert "检查通过" in out.getvalue() and Child.objects.count() == 0


def test_import_command_as_a_user_checks_their_area(tmp_path, other_worker):
    with pytest.raises(CommandError):
        call_command("import_children", str(ledger_file(tmp_path, good_row(1))), "--user", other_worker.username,
                     stderr=io.StringIO())
    assert Child.objects.count() == 0


def test_import_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法打开"):
        call_command("import_children", str(tmp_path / "nope.xlsx"))


def test_export_command_masks_by_default_and_audits(tmp_path):
    call_command("import_children", str(ledger_file(tmp_path, good_row(1), good_row(2))), stdout=io.StringIO())
    target = tmp_path / "out.xlsx"
    call_command("export_children", str(target), "--area", "440802", stdout=io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 3 and all("*" in row[4] for row in rows[1:])
    entry = AuditEntry.objects.get(action="children.export")
    assert entry.user is None and entry.detail["via"] == "command" and entry.detail["children"] == 2
    assert entry.detail["filters"] == {"area": "440802", "status": "all"}


def test_export_command_full_writes_whole_id_numbers(tmp_path):
    call_command("import_children", str(ledger_file(tmp_path, good_row(1))), stdout=io.StringIO())
    target = tmp_path / "out.xlsx"
    call_command("export_children", str(target), "--full", stdout=io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][4] == Child.objects.get().id_number


def test_generate_dataset_makes_valid_children_in_real_villages():
    call_command("generate_dataset", "--children", "60", stdout=io.StringIO())
    children = list(Child.objects.select_related("residence"))
    assert len(children) == 60
    assert all(idnumber.is_valid(c.id_number) and c.residence.level == "village" for c in children)
    assert all(c.id_number[:6] == c.residence_id[:6] for c in children)
    call_command("generate_dataset", "--children", "10", "--seed", "7", stdout=io.StringIO())
    assert Child.objects.count() == 70


def test_generate_dataset_writes_a_ledger_that_imports(tmp_path):
    target = tmp_path / "synthetic.xlsx"
    call_command("generate_dataset", "--children", "30", "--xlsx", str(target), stdout=io.StringIO())
    call_command("import_children", str(target), stdout=io.StringIO())
    assert Child.objects.count() == 30
