"""In the browser: attendance picked through the child search, children staying ticked across
searches (issue 12 item 4). The search box sends "<field>-q", which the autocomplete reads."""

import pytest

from children.tests.factories import ChildFactory
from conftest import make_user

from .factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_attendance_picker_keeps_children_ticked_across_searches(live_server, browser_page):
    worker = make_user("worker_attend", "social_worker", ["440802"])
    first = ChildFactory(name="林小雨", social_worker=worker, residence_id="440802001001")
    second = ChildFactory(name="陈大山", social_worker=worker, residence_id="440802001001")
    activity = ActivityFactory(organiser=worker, created_by=worker, place_id="440802001001")
    page = browser_page(worker, width=1024)
    page.goto(f"{live_server.url}/activities/{activity.pk}/edit/")
    search = page.locator("input[name='registered_children-q']")
    search.fill("林小雨")
    page.locator(f"#id_registered_children-results input[value='{first.pk}']").check()
    search.fill("陈大山")
    page.locator(f"#id_registered_children-results input[value='{second.pk}']").check()
    assert page.locator("#id_registered_children-chosen input:checked").count() == 2
    page.locator("#activity-form").get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/activities/{activity.pk}/")
    assert set(activity.registered_children.all()) == {first, second}
