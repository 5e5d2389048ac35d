"""A worker imports a ledger on a phone-sized screen: a problem first, then the corrected file."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings

from children.models import Child
from conftest import make_user

from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))
BORN = datetime.date(2014, 6, 15)


def ledger(tmp_path, name, bad_id=False):
    rows = [["赤坎区农村留守儿童台账"], HEADERS]
    for n in range(1, 4):
        number = "440802201406150021" if bad_id and n == 2 else make_id(BORN, n)
        rows.append([n, f"陈{n}", "女", number, "2014.6.15", "赤坎", "中华街道", "南方社区", "农村留守儿童"])
    path = tmp_path / name
    path.write_bytes(to_xlsx(rows, ["A1:I1"]).getvalue())
    return path


def test_worker_sees_the_problem_then_imports_the_corrected_ledger(live_server, browser_page, tmp_path):
    worker = make_user("worker_phone", "social_worker", ["440802"])
    page = browser_page(worker)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/children/import/")
    page.screenshot(path=str(SCREENSHOTS / "import_start_375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.set_input_files("input[type=file]", str(ledger(tmp_path, "有误.xlsx", bad_id=True)))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("#problems")
    page.screenshot(path=str(SCREENSHOTS / "import_problems_375.png"), full_page=True)
    assert "公民身份号码" in page.inner_text("#problems") and "校验位" in page.inner_text("#problems")
    assert page.get_by_role("button", name="导入这些儿童").count() == 0
    assert Child.objects.count() == 0

    page.get_by_role("button", name="放弃，重新上传").click()
    page.set_input_files("input[type=file]", str(ledger(tmp_path, "改正.xlsx")))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("#rows")
    page.screenshot(path=str(SCREENSHOTS / "import_preview_375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="导入这些儿童").click()
    page.wait_for_url("**/children/")
    assert Child.objects.visible_to(worker).count() == 3
    assert "已从 改正.xlsx 导入 3 名儿童" in page.content()
