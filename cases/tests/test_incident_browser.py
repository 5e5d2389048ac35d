"""A worker files a discovery report on a phone-sized screen and logs the call to the police."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Incident
from children.tests.factories import ChildFactory
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))


def test_worker_files_a_report_on_a_phone_and_logs_the_police(live_server, browser_page):
    worker = make_user("worker_phone", "social_worker", ["440802"])
    child = ChildFactory(name="林小雨")
    page = browser_page(worker)
    page.goto(f"{live_server.url}/cases/incidents/new/?child={child.pk}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "incident_form_375.png"), full_page=True)

    # Nothing on the form is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_label("疑似遭受家庭暴力", exact=True).check()
    page.get_by_label("儿童正面临紧急危险").check()
    page.get_by_label("发现情况").fill("孩子脸上和手臂有淤青，说是爸爸喝酒后打的，现在奶奶在身边")
    page.get_by_role("button", name="提交报告").click()

    page.wait_for_url("**/cases/incidents/*/")
    incident = Incident.objects.get()
    assert incident.child == child and incident.immediate_danger
    assert incident.situations == ["domestic_violence"]
    page.screenshot(path=str(SCREENSHOTS / "incident_detail_375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    police = page.locator("#recipient-police")
    police.get_by_label("报告方式").select_option("110")
    police.get_by_label("接报人").fill("赤坎派出所值班民警")
    police.get_by_label("回执号或案件编号").fill("JJ2026-0088")
    police.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert "赤坎派出所值班民警" in page.locator("#recipient-police").inner_text()
    notice = incident.notices.get(recipient="police")
    assert notice.notified_at is not None and notice.receipt_number == "JJ2026-0088"
