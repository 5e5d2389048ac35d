"""A worker opens a case and records the assessment on a phone-sized screen."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from cases.models import Case
from children.tests.factories import ChildFactory
from conftest import make_user

from .case_helpers import case_through, serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}_375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name


def test_worker_opens_a_case_and_assesses_on_a_phone(live_server, browser_page):
    worker = make_user("worker_phone", "social_worker", ["440802"])
    child = ChildFactory(name="林小雨", social_worker=worker)
    page = browser_page(worker)
    page.goto(f"{live_server.url}/cases/new/?child={child.pk}&visit=3")
    _shot(page, "case_intake")
    page.get_by_label("接案原因").fill("祖母年迈，孩子放学后常独自在家")
    page.get_by_role("button", name="确认接案").click()
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get()
    assert case.stage == Case.Stage.INTAKE and "3" in case.source_note

    page.get_by_role("link", name="填写预估").click()
    page.get_by_label("监护照料").fill("祖母73岁，高血压，照料吃力")
    page.get_by_label("优势与资源").fill("孩子懂事，班主任关心")
    page.locator("#id_risks").fill("放学后独自在家，屋后有池塘")
    _shot(page, "case_assessment")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    case.refresh_from_db()
    assert case.stage == Case.Stage.ASSESSMENT


def test_case_file_reads_well_on_a_phone(live_server, browser_page):
    worker = make_user("worker_phone", "social_worker", ["440802"])
    supervisor = make_user("supervisor_b", "supervisor", is_staff=True)
    from cases import services

    case = services.open_case(child=ChildFactory(name="陈小文", social_worker=worker), by=worker, source="visit",
                              source_note="入户探访发现", reason="父母在广州务工，祖母年迈")
    case_through(case, worker, supervisor, Case.Stage.INTERVENTION)
    serve(case, worker, code="family_education", participants=("guardian", "child"))
    services.add_note(case=case, by=worker, text="班主任反映孩子上课更专注。")
    page = browser_page(worker)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.get_by_role("link", name="记录服务").is_visible()
    _shot(page, "case_detail")
    page.goto(f"{live_server.url}/cases/")
    _shot(page, "case_list")
    page.goto(f"{live_server.url}/cases/{case.pk}/plan/")
    _shot(page, "case_plan")
