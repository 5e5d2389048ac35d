"""The dashboard's charts in a real browser (Chromium, 1280 px and a 375 px phone): Chart.js, vendored, draws
them from the json_script data under the site's CSP (no inline script); the tables stay beside them; a
click on a bar opens the filtered list behind it."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from accounts.dates import local_today

from .test_dashboard_every_link import CHIKAN_VILLAGE, SUIXI_VILLAGE, make_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))


@pytest.mark.parametrize("width", [1280, 375])
def test_the_charts_are_drawn_beside_their_tables(width, live_server, browser_page, contract, worker, lead):
    today = local_today()
    make_county(worker, CHIKAN_VILLAGE, today)
    make_county(worker, SUIXI_VILLAGE, today)
    page = browser_page(lead, width=width)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)  # said by "response" below
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/reports/dashboard/")
    for chart in ("chart-counties", "chart-visit-types"):
        canvas = page.locator(f"#{chart}")
        canvas.wait_for(state="visible")
        drawn = page.evaluate("id => { const c = window.Chart.getChart(id); return c ? c.data.labels : null }", chart)
        assert drawn, chart
        assert canvas.bounding_box()["height"] >= 150, chart
    assert page.evaluate("window.Chart.getChart('chart-counties').data.labels") == ["赤坎区", "遂溪县"]
    assert page.evaluate("window.Chart.getChart('chart-counties').data.datasets.map(d => d.label)")[0] == "高风险（红）"
    assert page.locator("#table-counties").is_visible() and page.locator("#table-visit-types").is_visible()
    assert not problems, problems  # a CSP refusal or a script error shows here
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"dashboard_{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the county table's headers wrap at a readable width (three lines at most), not one character a line; on a
    # phone the table scrolls sideways in its box and the county's name stays in view
    heights = page.eval_on_selector_all("#table-counties thead th", "cells => cells.map(c => c.offsetHeight)")
    line = page.eval_on_selector("#table-counties thead th", "c => parseFloat(getComputedStyle(c).lineHeight)")
    assert max(heights) <= 3 * line + 16, heights
    box = page.locator("#table-counties").locator("xpath=..")
    if width >= 768:  # on a desktop the whole table shows, no column cut off
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    box.evaluate("b => { b.scrollLeft = b.scrollWidth }")
    name = page.locator("#table-counties tbody th").first.bounding_box()
    assert name["x"] >= 0 and name["x"] + name["width"] <= width
    # a bar opens the list behind it: the visit types chart's first bar
    page.locator("#chart-visit-types").scroll_into_view_if_needed()
    box = page.locator("#chart-visit-types").bounding_box()
    point = page.evaluate("""() => { const c = window.Chart.getChart('chart-visit-types');
        const bar = c.getDatasetMeta(0).data[0]; return {x: (bar.x + bar.base) / 2, y: bar.y}; }""")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url("**/visits/records/?*")
    assert page.locator("#visits .list-group-item").count() >= 1
