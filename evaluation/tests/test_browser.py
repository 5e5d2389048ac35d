"""A worker closes a case and fills the client survey on a 375 px phone, one tap per item."""

import pytest

from accounts.models import Role
from conftest import CHIKAN, make_user
from evaluation.models import Survey

from .conftest import closed_case_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_worker_fills_a_client_survey_after_closing_a_case(live_server, browser_page, tmp_path):
    worker = make_user("phone_worker", Role.SOCIAL_WORKER, [CHIKAN])
    supervisor = make_user("phone_supervisor", Role.SUPERVISOR)
    case = closed_case_for(worker, supervisor, name="陈小明")
    page = browser_page(worker)

    page.goto(f"{live_server.url}/")
    page.get_by_text("待回访的已结案个案").first.click()
    page.locator("#waiting a", has_text="回访").first.click()
    assert "服务对象回访" in page.inner_text("h1")
    buttons = page.locator("#item-1 label.btn")
    assert buttons.count() == 5
    box = buttons.first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target
    for item, score in enumerate([5, 4, 5, 5], start=1):
        page.locator(f"#item-{item} label.btn", has_text=str(score)).click()  # one tap per item
    page.get_by_label("监护人", exact=True).check()
    page.get_by_label("当面").check()
    page.get_by_label("意见和建议").fill("奶奶说社工很耐心")
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "survey.png"), full_page=True)
    page.get_by_role("button", name="保存回访").click()
    page.wait_for_url("**/evaluation/surveys/*/")
    assert "回访已保存" in page.inner_text("main")

    survey = Survey.objects.get()
    assert (survey.case_id, survey.respondent, survey.method, survey.worker_id) == (
        case.pk, "guardian", "in_person", worker.pk)
    assert sorted(survey.answers.values_list("score", flat=True)) == [4, 5, 5, 5]
    assert no_horizontal_scroll(page)
