"""In the browser: 添加一行 / 删除 on the plan page (issue 12 item 5)."""

import pytest

from cases import services
from cases.models import Case
from children.tests.factories import ChildFactory
from conftest import make_user

from .case_helpers import case_through, service_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_adds_and_removes_goal_rows(live_server, browser_page):
    worker = make_user("worker_rows", "social_worker", ["440802"])
    supervisor = make_user("supervisor_rows", "supervisor", ["440802"])
    case = services.open_case(child=ChildFactory(social_worker=worker), by=worker, source=Case.Source.VISIT,
                              source_note="入户探访", reason="独自在家")
    case_through(case, worker, supervisor, Case.Stage.ASSESSMENT)
    page = browser_page(worker, width=1024)
    page.goto(f"{live_server.url}/cases/{case.pk}/plan/")
    add_goal = page.locator("[data-formset='goals'] [data-formset-add]")
    for _ in range(4):
        add_goal.click()
    assert page.locator("input[name='goals-TOTAL_FORMS']").input_value() == "6"
    for n in range(6):
        page.fill(f"textarea[name='goals-{n}-text'], input[name='goals-{n}-text']", f"目标{n + 1}")
    page.locator("[data-formset='goals'] [data-formset-row]").nth(1).get_by_role("button", name="删除").click()
    page.select_option("select[name='services-0-service_type']", str(service_type("family_education").pk))
    page.fill("input[name='services-0-owner']", "社工")
    page.fill("input[name='services-0-starts_on']", "2026-12-01")
    page.fill("input[name='services-0-ends_on']", "2027-01-31")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert [g.text for g in case.plans.get().goals.all()] == ["目标1", "目标3", "目标4", "目标5", "目标6"]
