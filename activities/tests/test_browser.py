"""The tracker and the calendar on a 375 px phone screen, in Debian's chromium."""

import datetime

import pytest

from accounts.models import Role
from activities.services import create_contract_year
from conftest import make_user

from .factories import ActivityFactory, shanghai

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def phone(live_server, browser_page):
    return browser_page(make_user("phone_lead", Role.PROJECT_LEAD)), live_server.url


def no_horizontal_scroll(page) -> bool:
    # Against the screen's width, not window.innerWidth: a mobile viewport widens to fit wide content.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_tracker_and_calendar_fit_a_phone(phone, tmp_path):
    page, base = phone
    create_contract_year(name="2026—2027 合同年度（湛江市留守儿童和困境儿童关爱保护服务）",
                         signed_on=datetime.date(2026, 3, 15))
    ActivityFactory(title="防溺水安全教育进村（赤坎区中华街道）", starts_at=shanghai(2026, 4, 30, 23, 30))
    ActivityFactory(title="儿童主任培训", kind="training", starts_at=shanghai(2026, 4, 18, 9), status="planned")

    page.goto(f"{base}/activities/targets/?year=")
    assert page.locator("#target-rules li").count() == 4
    assert "逾期未完成" in page.inner_text("#target-rules")
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "targets.png"), full_page=True)

    page.goto(f"{base}/activities/calendar/?month=2026-04")
    assert page.locator("#calendar a.act").count() == 2
    assert page.locator("#calendar td", has_text="30").locator("a.act.held").count() == 1
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(tmp_path / "calendar.png"), full_page=True)
