"""The supervisor reviews a plan in the admin on a desktop screen: returns it with a comment, the worker
sees the comment and resubmits, the supervisor approves it with a comment."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Approval
from accounts.services import latest_approval
from cases import services
from cases.models import PLAN_APPROVAL, Case
from children.tests.factories import ChildFactory
from conftest import make_user

from .case_helpers import case_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}_1280.png"), full_page=True)


def test_supervisor_returns_then_approves_a_plan(live_server, browser_page):
    worker = make_user("worker_review", "social_worker", ["440802"])
    supervisor = make_user("supervisor_review", "supervisor", is_staff=True)
    child = ChildFactory(name="陈小禾", social_worker=worker)
    case = services.open_case(child=child, by=worker, source=Case.Source.VISIT)
    case_through(case, worker, supervisor, Case.Stage.PLAN)
    services.submit_plan(case=case, by=worker)

    page = browser_page(supervisor, width=1280)
    page.goto(f"{live_server.url}/admin/cases/case/?pending=yes")
    page.get_by_role("link", name="陈小禾").first.click()
    page.get_by_role("link", name="阅读并审批或退回：服务计划").click()
    body = page.locator("#content").inner_text()
    assert "每周与父母视频一次" in body and "指导祖母" in body  # the plan read on one page
    _shot(page, "admin_decide_plan")
    page.get_by_label("审批意见").fill("请写清楚每次视频由谁联系")
    page.get_by_role("button", name="退回修改").click()
    page.wait_for_url("**/admin/cases/case/?pending=yes")
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.RETURNED

    worker_page = browser_page(worker, width=1280)
    worker_page.goto(f"{live_server.url}{case.get_absolute_url()}")
    returned = worker_page.locator("#plan-returned").inner_text()
    assert "已退回" in returned and "请写清楚每次视频由谁联系" in returned
    _shot(worker_page, "case_plan_returned")
    worker_page.get_by_role("link", name="提交服务计划审批").click()
    worker_page.get_by_role("button", name="提交审批").click()
    worker_page.wait_for_url(f"**{case.get_absolute_url()}")
    assert latest_approval(case, PLAN_APPROVAL).status == Approval.Status.PENDING

    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/decide/")
    page.get_by_label("审批意见").fill("同意，按计划开展")
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_url("**/admin/cases/case/?pending=yes")
    approval = latest_approval(case, PLAN_APPROVAL)
    assert approval.status == Approval.Status.APPROVED and approval.comment == "同意，按计划开展"
    case.refresh_from_db()
    assert case.stage == Case.Stage.INTERVENTION
