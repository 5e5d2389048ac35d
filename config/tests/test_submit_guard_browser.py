"""The page's double-click guard (static/js/app.js): a double click on a POST form's button sends one post."""

import pytest
from django.urls import reverse

from accounts.models import Role
from children.tests.factories import ChildFactory
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_double_click_on_save_posts_the_visit_form_once(live_server, browser_page):
    worker = make_user("guard_worker", Role.SOCIAL_WORKER, ["440802"])
    child = ChildFactory(social_worker=worker)
    page = browser_page(worker)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    # Every post answered "204 No Content": the browser stays on the page, so the button can be read.
    page.route("**/*", lambda route: route.fulfill(status=204) if route.request.method == "POST"
               else route.continue_())
    page.goto(f"{live_server.url}{reverse('visits:visit_create', args=[child.pk])}")
    button = page.locator("#visit-form button[type=submit]")
    button.dblclick()
    page.wait_for_function("document.querySelector('#visit-form button[type=submit]').disabled")
    assert len(posts) == 1
