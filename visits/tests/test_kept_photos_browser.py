"""Issue 13 item 7 at 375 px (Debian's chromium): a visit with two photos fails validation once and is then
saved with both photos, without choosing them again."""

import io

import pytest
from PIL import Image

from children.tests.factories import ChildFactory
from visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def photo(tmp_path, name, size):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def test_two_photos_survive_a_validation_error_at_375px(live_server, browser_page, worker, tmp_path):
    child = ChildFactory(social_worker=worker)
    page = browser_page(worker)
    page.goto(f"{live_server.url}/visits/child/{child.pk}/new/")
    page.fill("input[name=duration_minutes]", "")  # forgotten: the form comes back
    page.check("input[name=child_seen][value=True]")
    page.fill("textarea[name=findings]", "屋后鱼塘没有围栏")
    page.set_input_files("input[name=photos]", [photo(tmp_path, "a.jpg", (120, 90)),
                                                photo(tmp_path, "b.jpg", (90, 120))])
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#photos-kept")
    assert "已保留您选择的2张照片" in page.inner_text("#photos-kept")
    assert not Visit.objects.exists()

    page.fill("input[name=duration_minutes]", "40")
    page.click("#visit-form button[type=submit]")
    page.wait_for_url(lambda url: "/visits/" in url and "/new/" not in url)
    visit = Visit.objects.get()
    assert sorted((p.width, p.height) for p in visit.photos.all()) == [(90, 120), (120, 90)]
    assert page.locator("img[alt]").count() >= 2
