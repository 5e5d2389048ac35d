"""The worker's phone (375 px): find a child by pinyin initials, assess the risk, confirm the proposal."""

import os
from pathlib import Path

import pytest

from accounts.models import Role
from children.models import RiskAssessment
from children.tests.factories import ChildFactory
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("CHILDREN_SCREENSHOTS", "var/screenshots"))


@pytest.fixture
def page(browser_page):
    """Not signed in: the test signs in through the login form, with a password in Chinese."""
    return browser_page()


def test_worker_finds_a_child_by_initials_and_confirms_a_proposed_level(live_server, page):
    worker = make_user("hjm", Role.SOCIAL_WORKER, ["440802"], full_name="何嘉敏")
    worker.set_password("湛江-评估-2026")
    worker.save()
    child = ChildFactory(name="张小明", risk_level="", social_worker=worker, caregiver_name="张奶奶", caregiver_age=76)
    ChildFactory(name="李华", risk_level="low")
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/accounts/login/?next=/children/")
    page.fill("input[name=username]", "hjm")
    page.fill("input[name=password]", "湛江-评估-2026")
    page.click("button[type=submit]")
    page.fill("input[name=q]", "zxm")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#children")
    assert page.locator("#children a.list-group-item").count() == 1
    page.screenshot(path=str(SHOTS / "registry-list-375.png"), full_page=True)

    page.goto(f"{live_server.url}/children/{child.pk}/risk/new/")
    assert page.locator("input[name=triggers][value=caregiver_unfit]").is_checked()  # from the record
    for dimension, score in (("family", 2), ("care", 2), ("schooling", 0), ("health", 1), ("economy", 1),
                             ("safety", 1)):
        page.click(f"label[for=id_score_{dimension}_{score}]")
    page.click("button[name=step][value=propose]")
    page.wait_for_selector("#proposal")
    assert "中高风险" in page.locator("#proposal h2").inner_text()
    page.screenshot(path=str(SHOTS / "risk-proposal-375.png"), full_page=True)
    page.click("button[name=step][value=confirm]")
    page.wait_for_url(f"**/children/{child.pk}/risk/*/")
    assessment = RiskAssessment.objects.get(child=child)
    assert assessment.confirmed_level == assessment.proposed_level == "medium_high"
    assert assessment.triggers == ["caregiver_unfit"] and assessment.total_score == 7
    page.screenshot(path=str(SHOTS / "risk-detail-375.png"), full_page=True)
    page.goto(f"{live_server.url}/children/{child.pk}/risk/")
    assert page.locator("#assessments a.list-group-item").count() == 1
    page.screenshot(path=str(SHOTS / "risk-history-375.png"), full_page=True)
