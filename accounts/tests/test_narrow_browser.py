"""The sign-in and two-step enrol pages on a 375 px phone: nothing wider than the screen."""

import pytest

from accounts.models import Role
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH = 375
# The elements sticking out, named in the failure message.
WIDER = """() => [...document.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 15)"""


def assert_fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.evaluate(WIDER)


def test_login_page_fits_a_phone(live_server, browser_page):
    page = browser_page(None, width=WIDTH)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("input[name=password]").count() == 1
    assert_fits(page)


def test_second_factor_enrol_page_fits_a_phone(live_server, browser_page):
    worker = make_user("phone_worker", Role.SOCIAL_WORKER)  # no device yet (a supervisor signed in has one)
    page = browser_page(worker, width=WIDTH)
    page.goto(f"{live_server.url}/accounts/second-factor/enrol/")
    assert page.locator("#otp-secret span").count() == 8
    assert_fits(page)
