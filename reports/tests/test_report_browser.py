"""Issue 15 in the browser (1280 px): the lead generates the November report, writes the narrative, renders it
again, signs it off and submits it; the city bureau downloads the PDF and the download is in the audit log; a
county bureau cannot open another county's analysis report.

The task runs in place here (Celery's `Task.apply`, as `task_always_eager` would): the render runs in the live
server's thread instead of a worker, so the page shows the finished report after the redirect (a real worker
is test_killed_render.py's subject)."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import AuditEntry
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))
WIDTH = 1280


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}_{WIDTH}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name


@pytest.fixture
def eager_celery(monkeypatch):
    from reports.tasks import render_report

    class InPlace:  # replaces the name the view calls, not an attribute of Celery's shared task proxy
        @staticmethod
        def delay(pk):
            return render_report.apply(args=[pk])

    monkeypatch.setattr("reports.views.render_report", InPlace)


def test_lead_prepares_and_submits_the_bureau_downloads(live_server, browser_page, eager_celery, dataset, lead,
                                                         bureau, county_bureau):
    page = browser_page(lead, width=WIDTH)
    page.set_default_timeout(90_000)  # WeasyPrint renders in the request on a shared machine
    page.goto(f"{live_server.url}/reports/")
    page.get_by_label("类型").select_option("monthly")
    page.get_by_label("期间").fill("2026-11")
    page.get_by_role("button", name="生成", exact=True).click()
    page.wait_for_url("**/reports/*/")
    report = Report.objects.get()
    # the status box polls every 2 s while the job is still rendering; wait for the link, do not sample it
    try:
        expect(page.get_by_role("link", name="下载PDF")).to_be_visible(timeout=90_000)
    except AssertionError:  # say what the page shows instead (a failed render gives its reason there)
        raise AssertionError(page.locator("#report-status").inner_text()) from None
    _shot(page, "report_rendered")

    page.get_by_label("工作开展情况").fill("本月完成全部高风险家庭入户探访，塘㙍镇新增两户。")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert Report.objects.get().narratives["work_done"].startswith("本月完成")
    page.get_by_role("button", name="重新生成").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="签发").click()
    page.wait_for_load_state()
    assert Report.objects.get().status == Report.Status.SIGNED_OFF
    page.get_by_role("button", name="报送民政局").click()
    page.wait_for_load_state()
    assert Report.objects.get().status == Report.Status.SUBMITTED
    _shot(page, "report_submitted")

    bureau_page = browser_page(bureau, width=WIDTH)
    bureau_page.set_default_timeout(60_000)
    bureau_page.goto(f"{live_server.url}/reports/")
    bureau_page.get_by_role("link", name=str(report)).click()
    with bureau_page.expect_download() as download_info:
        bureau_page.get_by_role("link", name="下载PDF").click()
    path = download_info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="report.download")
    assert entry.username == bureau.username
    _shot(bureau_page, "report_bureau")

    other = Report.objects.create(kind="analysis", period="2026-11", county_id="440883",  # 吴川市, not 遂溪县
                                  period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30),
                                  as_of=datetime.date(2026, 11, 30), status=Report.Status.SUBMITTED)
    county_page = browser_page(county_bureau, width=WIDTH)
    county_page.goto(f"{live_server.url}/reports/")
    assert county_page.get_by_role("link", name=str(report)).is_visible()  # the city report reaches it
    assert county_page.get_by_role("link", name=str(other)).count() == 0
    response = county_page.goto(f"{live_server.url}/reports/{other.pk}/")
    assert response.status == 404
    response = county_page.goto(f"{live_server.url}/reports/{other.pk}/download/pdf/")
    assert response.status == 404
    assert AuditEntry.objects.filter(action="report.download").count() == 1
