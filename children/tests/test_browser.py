"""The 个人档案 and the entry form on a 375 px phone screen, in Debian's chromium."""

import datetime
import os

import pytest

from accounts.models import AuditEntry, Role
from children import idnumber
from children.models import Child
from children.tests.factories import ChildCategoryFactory, ChildFactory, ParentFactory
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def phone(live_server, browser_page):
    worker = make_user("phone_worker", Role.SOCIAL_WORKER, ["440802"])
    return browser_page(worker), live_server.url, worker


def no_horizontal_scroll(page) -> bool:
    # Against the screen's width, not window.innerWidth: a mobile viewport widens to fit wide content.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def shot(page, tmp_path, name):
    page.screenshot(path=os.path.join(SHOTS or str(tmp_path), f"{name}.png"), full_page=True)


def test_profile_reveal_on_a_phone(phone, tmp_path):
    page, base, worker = phone
    number = idnumber.make("440802", datetime.date(2014, 6, 1), 5, "M")
    child = ChildFactory(name="陈小龙", sex="M", birth_date=datetime.date(2014, 6, 1), id_number=number,
                         guardian_name="陈大海", guardian_phone="13800138000", caregiver_name="林秀梅",
                         caregiver_relation="祖母", caregiver_age=72)
    ParentFactory(child=child, name="陈大海", work_place="广东省东莞市")
    ChildCategoryFactory(child=child)
    page.goto(f"{base}{child.get_absolute_url()}")
    assert number not in page.content()
    assert no_horizontal_scroll(page)
    shot(page, tmp_path, "profile")
    page.click("text=显示完整号码")
    page.wait_for_selector(f"#id-number:has-text('{number}')")
    assert AuditEntry.objects.filter(action="child.reveal_id_number", target_id=str(child.pk)).count() == 1


def test_entering_a_child_on_a_phone(phone, tmp_path):
    page, base, worker = phone
    number = idnumber.make("440802", datetime.date(2016, 2, 29), 8, "F")
    page.goto(f"{base}/children/new/")
    assert no_horizontal_scroll(page)
    page.fill("#id_name", "林晓琳")
    page.select_option("#id_sex", "F")
    page.fill("#id_birth_date", "2016-02-29")
    page.fill("#id_id_number", number.lower())
    page.select_option("#id_residence_county", "440802")
    page.wait_for_selector("#id_residence_town option[value='440802001']", state="attached")
    page.select_option("#id_residence_town", "440802001")
    page.wait_for_selector("#id_residence_village option[value='440802001001']", state="attached")
    page.select_option("#id_residence_village", "440802001001")
    page.fill("#id_parents-0-name", "林大山")
    page.fill("#id_parents-0-work_place", "广东省深圳市")
    shot(page, tmp_path, "form")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    child = Child.objects.get()
    assert (child.name, child.id_number, child.parents.get().name) == ("林晓琳", number, "林大山")
    assert page.url.endswith(child.get_absolute_url())
