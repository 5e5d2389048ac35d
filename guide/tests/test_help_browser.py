"""The 帮助 link in a real browser: on a phone through the menu, on a desktop in the navigation bar, it opens the
chapter of the user's role scrolled to the section about the page it was tapped on."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.policy import Role
from guide.roles import chapter_for_role

from .conftest import help_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def with_a_section_far_down(guide_copy, chapter):
    """The chapter (in the test's copy of docs/guide) gets a last section below a page of filler: the section
    help_entry() gives a page its writer has not listed yet, which the browser must scroll to."""
    path = guide_copy / f"{chapter.SLUG}.md"
    filler = "\n\n".join(f"第 {n} 段说明文字。" for n in range(60))
    path.write_text(path.read_text() + f'\n{filler}\n\n<a id="far-down"></a>\n## 很靠下的一节\n\n说明。\n')


def section_heading(page, anchor):
    return page.locator(f'xpath=//a[@id="{anchor}"]/following::*[self::h2 or self::h3][1]')


def test_worker_taps_help_in_the_phone_menu_and_lands_on_the_work_lists_section(live_server, browser_page, worker,
                                                                                 monkeypatch, guide_copy):
    chapter = chapter_for_role(Role.SOCIAL_WORKER)
    with_a_section_far_down(guide_copy, chapter)
    anchor = help_entry(monkeypatch, chapter, "visits:worklist")
    page = browser_page(worker)
    page.goto(f"{live_server.url}{reverse('visits:worklist')}")
    page.locator(".navbar-toggler").click()
    page.locator("#help-link").click()
    page.wait_for_url(f"**/help/{chapter.SLUG}/#{anchor}")
    assert page.evaluate("location.hash") == f"#{anchor}"
    heading = section_heading(page, anchor)
    expect(heading).to_be_in_viewport()
    assert heading.inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone


def test_lead_clicks_help_on_the_reports_page_and_the_hint_on_the_home_page(live_server, browser_page, lead,
                                                                             monkeypatch, guide_copy):
    chapter = chapter_for_role(Role.PROJECT_LEAD)
    with_a_section_far_down(guide_copy, chapter)
    anchor = help_entry(monkeypatch, chapter, "reports:index")
    page = browser_page(lead, width=1280)
    page.goto(f"{live_server.url}{reverse('reports:index')}")
    page.locator("#help-link").click()
    page.wait_for_url(f"**/help/{chapter.SLUG}/#{anchor}")
    expect(section_heading(page, anchor)).to_be_in_viewport()

    page.goto(f"{live_server.url}/")
    hint = page.locator("#first-steps")
    expect(hint).to_contain_text("合同指标")
    hint.get_by_role("button", name="不再显示").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#first-steps")).to_have_count(0)
    page.reload()
    expect(page.locator("#first-steps")).to_have_count(0)


def test_every_screenshot_of_a_chapter_loads_when_the_browser_asks_for_them_all_at_once(live_server, browser_page,
                                                                                       lead):
    """A phone scrolling fast asks for many screenshots together; each must come (CI once saw one answered with a
    500 while another was being answered, and the section the help link opened jumped out of view)."""
    chapter = chapter_for_role(Role.PROJECT_LEAD)
    page = browser_page(lead, width=1280)
    page.goto(f"{live_server.url}{reverse('guide:chapter', args=[chapter.SLUG])}")
    statuses = page.evaluate("""() => Promise.all(
        [...document.querySelectorAll('img.guide-shot')].map(img => fetch(img.src).then(r => r.status)))""")
    assert len(statuses) > 10
    assert set(statuses) == {200}
