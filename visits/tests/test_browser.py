"""The worker's phone: log in, open the overdue list, record a visit, see the child leave the list (375 px)."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from children.models import RiskLevel
from children.tests.factories import ChildFactory
from conftest import make_user

from .conftest import make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("VISITS_SCREENSHOTS", "var/screenshots"))


@pytest.fixture
def page(browser_page):
    """Not signed in: signed_in_worker() uses the login form, with a password in Chinese."""
    return browser_page()


def signed_in_worker(live_server, page):
    worker = make_user("cxl", Role.SOCIAL_WORKER, ["440802"], full_name="陈晓琳")
    worker.set_password("湛江-探访-2026")
    worker.save()
    page.goto(f"{live_server.url}/accounts/login/?next=/visits/")
    page.fill("input[name=username]", "cxl")
    page.fill("input[name=password]", "湛江-探访-2026")
    page.click("button[type=submit]")
    page.wait_for_selector(".worklist-tabs")
    return worker


def test_worker_records_a_visit_and_the_child_leaves_the_overdue_list(live_server, page):
    worker = signed_in_worker(live_server, page)
    long_ago = timezone.localdate() - datetime.timedelta(days=45)
    visited = ChildFactory(name="林小雨", risk_level=RiskLevel.MEDIUM_HIGH, social_worker=worker)
    waiting = ChildFactory(name="陈小海", risk_level=RiskLevel.HIGH, social_worker=worker)
    for child in (visited, waiting):
        make_visit(child, worker, on=long_ago)
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.reload()
    page.click("#tab-overdue")
    overdue = page.locator("#section-overdue")
    assert overdue.locator(f"li[data-child='{visited.pk}']").count() == 1
    assert overdue.locator(f"li[data-child='{waiting.pk}']").count() == 2   # home visit and the high-risk call
    page.screenshot(path=str(SHOTS / "worklist-375.png"), full_page=True)

    overdue.locator(f"li[data-child='{visited.pk}'][data-kind='home'] a.btn").click()
    page.wait_for_selector("#visit-form")
    page.fill("input[name=duration_minutes]", "45")
    page.check("input[name=child_seen][value=True]")
    page.check("input[name=hazards][value=drowning]")
    page.fill("textarea[name=findings]", "屋后鱼塘没有围栏，已提醒祖母看护。")

    # The network drops, the page reloads: the draft comes back from the device.
    page.reload()
    assert page.input_value("textarea[name=findings]") == "屋后鱼塘没有围栏，已提醒祖母看护。"
    assert page.is_checked("input[name=child_seen][value=True]")
    assert page.is_visible("#draft-notice")
    page.screenshot(path=str(SHOTS / "visit-form-375.png"), full_page=True)

    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-actions")
    assert "林小雨" in page.inner_text("h1")
    page.screenshot(path=str(SHOTS / "visit-detail-375.png"), full_page=True)

    page.goto(f"{live_server.url}/visits/?section=overdue")
    overdue = page.locator("#section-overdue")
    assert overdue.locator(f"li[data-child='{visited.pk}']").count() == 0
    assert overdue.locator(f"li[data-child='{waiting.pk}']").count() == 2

    # The saved draft is gone: a new visit form for the same child starts empty.
    page.goto(f"{live_server.url}/visits/child/{visited.pk}/new/")
    assert page.input_value("textarea[name=findings]") == ""
    assert not page.is_visible("#draft-notice")


def test_a_draft_begun_before_someone_else_saved_is_not_poured_over_their_changes(live_server, page, supervisor):
    from visits import services
    from visits.models import Visit

    worker = signed_in_worker(live_server, page)
    child = ChildFactory(name="林小雨", social_worker=worker)
    visit = make_visit(child, worker, on=timezone.localdate(), findings="原始记录")
    page.goto(f"{live_server.url}/visits/{visit.pk}/edit/")
    page.fill("textarea[name=findings]", "社工在村里写的修改")

    # Meanwhile the supervisor saves the record.
    other = Visit.objects.get(pk=visit.pk)
    other.findings = "督导的修改"
    services.update_visit(visit=other, expected_version=1, by=supervisor)

    page.reload()
    assert page.is_visible("#draft-stale") and not page.is_visible("#draft-notice")
    assert page.input_value("textarea[name=findings]") == "督导的修改"
    page.click("#draft-restore")
    assert page.input_value("textarea[name=findings]") == "社工在村里写的修改"
