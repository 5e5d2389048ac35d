"""Issue 11 item 9: a visit draft on a shared device belongs to the user who typed it, and signing
out removes it (375 px, Debian's chromium)."""

import pytest
from django.conf import settings
from django.test import Client

from children.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FINDINGS = "屋后鱼塘没有围栏，已提醒祖母看护。"


def sign_in_as(page, live_server, user):
    """Same device, another session: swap the session cookie of the page's browser context."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def drafts(page) -> list[str]:
    return page.evaluate("Object.keys(window.localStorage).filter(k => k.startsWith('tonghu-draft:'))")


def test_a_visit_draft_is_kept_per_user_and_removed_at_sign_out(live_server, browser_page, worker, lead):
    child = ChildFactory(social_worker=worker)
    form_url = f"{live_server.url}/visits/child/{child.pk}/new/"
    page = browser_page(worker)
    page.goto(form_url)
    page.fill("textarea[name=findings]", FINDINGS)
    assert drafts(page) == [f"tonghu-draft:visit-{worker.pk}-new-{child.pk}"]

    # Someone else signs in on the same phone: the worker's draft is not poured into their form.
    sign_in_as(page, live_server, lead)
    page.goto(form_url)
    assert page.input_value("textarea[name=findings]") == ""
    assert not page.is_visible("#draft-notice")

    # The worker comes back (say, after the idle sign-out): the draft is still there for her.
    sign_in_as(page, live_server, worker)
    page.goto(form_url)
    assert page.input_value("textarea[name=findings]") == FINDINGS
    assert page.is_visible("#draft-notice")

    # She signs out: no draft stays on the device.
    page.click("button.navbar-toggler")
    page.click("form[data-clear-drafts] button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" in url)
    assert drafts(page) == []
