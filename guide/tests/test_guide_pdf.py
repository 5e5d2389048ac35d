"""The guide as one PDF: every chapter's heading in it, in order, its fonts embedded, its pages numbered; the
/help/ download renders it once for each state of the chapters and audits each download."""

import io
import os
import re
import subprocess
import time

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from accounts.models import AuditEntry
from guide import pages, render
from guide.roles import chapters

pytestmark = pytest.mark.django_db


def test_make_guide_writes_the_whole_guide_as_one_pdf_with_its_fonts_embedded(tmp_path):
    target = tmp_path / "out" / "用户手册.pdf"
    call_command("make_guide", "--pdf-only", "--pdf", str(target), stdout=io.StringIO())
    reader = PdfReader(target)
    text = [page.extract_text() for page in reader.pages]
    whole = "\n".join(text)
    assert "用户手册" in text[0] and "目录" in text[1]
    titles = [pages.title_of(pages.read(chapter.SLUG), chapter.TITLE) for chapter in chapters()]
    # The PDF's bookmarks: the cover's title, then each chapter's heading (its sections below it), in order.
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert "用户手册" in top[0].title
    assert [item.title for item in top[1:]] == titles
    starts = [reader.get_destination_page_number(item) for item in top[1:]]
    assert starts == sorted(starts) and starts[0] >= 2  # after the cover and the contents
    for title, start in zip(titles, starts, strict=True):
        assert title in text[start], f"chapter {title} does not start on page {start + 1}"
    total = len(reader.pages)
    assert f"第 2 页 共 {total} 页" in text[1] and f"第 {total} 页 共 {total} 页" in text[-1]
    assert "第 1 页" not in text[0]  # the cover has no number
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column
    assert "Noto-Sans-CJK-SC" in fonts
    assert len(whole) > 100


def test_screenshots_fit_the_page_and_a_phones_are_narrower(guide_copy):
    html = render.html()
    widths = {name: float(mm) for name, mm in re.findall(
        r'src="file://[^"]*/print/([a-z0-9-]+)\.[0-9a-z-]+\.jpg" style="width: ([0-9.]+)mm"', html)}
    assert widths
    assert max(widths.values()) <= render.PAGE_WIDTH_MM
    phone = [widths[name] for name in widths if name.startswith("social-worker-")]
    desktop = [widths[name] for name in widths if name.startswith(("lead-", "supervisor-"))]
    assert phone and desktop and max(phone) < min(desktop)


def test_download_renders_once_per_state_of_the_chapters_and_is_audited(client_for, worker, guide_copy, monkeypatch):
    renders = []

    def fake_pdf(html):
        renders.append(html)
        return b"%PDF-1.7 guide " + str(len(renders)).encode()

    monkeypatch.setattr(render, "html_to_pdf", fake_pdf)
    client = client_for(worker)
    first = client.get("/help/pdf/")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert "attachment" in first["Content-Disposition"]
    assert b"".join(first.streaming_content) == b"%PDF-1.7 guide 1"
    assert b"".join(client.get("/help/pdf/").streaming_content) == b"%PDF-1.7 guide 1"
    assert len(renders) == 1
    assert AuditEntry.objects.filter(action="guide.download", username=worker.username).count() == 2
    copies = {path.name: path.stat().st_ino for path in render.print_dir().iterdir()}
    assert any(name.startswith("lead-home.") for name in copies)

    chapter = guide_copy / "lead.md"
    chapter.write_text(chapter.read_text() + "\n更新的一段。\n")
    later = time.time() + 5
    os.utime(chapter, (later, later))
    assert b"".join(client.get("/help/pdf/").streaming_content) == b"%PDF-1.7 guide 2"
    assert "更新的一段。" in renders[-1]
    assert [path.name for path in render.cache_dir().glob("guide-*.pdf")] == [f"guide-{render.fingerprint()}.pdf"]
    # The screenshots' print copies were made for the first render and kept for the second.
    assert {path.name: path.stat().st_ino for path in render.print_dir().iterdir()} == copies

    # A screenshot retaken: its copies are made again, the old ones removed.
    shot = guide_copy / "images" / "lead-home.png"
    shot.write_bytes((guide_copy / "images" / "supervisor-home.png").read_bytes())
    os.utime(shot, (later + 5, later + 5))
    assert b"".join(client.get("/help/pdf/").streaming_content) == b"%PDF-1.7 guide 3"
    now = {path.name for path in render.print_dir().iterdir()}
    assert {name for name in now if name.startswith("lead-home.")}.isdisjoint(copies)
    assert {name for name in copies if not name.startswith("lead-home.")} <= now


def test_help_pages_offer_the_pdf(client_for, worker):
    assert 'href="/help/pdf/"' in client_for(worker).get("/help/").content.decode()


def test_contents_give_the_page_each_section_starts_on(guide_copy, tmp_path):
    """A section whose heading is pushed to the next page by its screenshot is listed with that next page."""
    chapter = guide_copy / "social-worker.md"
    chapter.write_text(chapter.read_text() + (
        '\n<a id="far-section"></a>\n## 很靠后的一节\n\n1. 第一步。\n\n![首页](images/social-worker-home.png)\n'
        '\n<a id="last-section"></a>\n## 最后一节\n\n![首页](images/social-worker-home.png)\n'))
    target = tmp_path / "guide.pdf"
    call_command("make_guide", "--pdf-only", "--pdf", str(target), stdout=io.StringIO())
    text = [page.extract_text() for page in PdfReader(target).pages]
    listed = dict(re.findall(r"^(很靠后的一节|最后一节)[ .…]*(\d+)$", text[1], re.MULTILINE))
    assert set(listed) == {"很靠后的一节", "最后一节"}
    for title, number in listed.items():
        page = next(number for number, page in enumerate(text, start=1) if number > 2 and title in page)
        assert int(listed[title]) == page, f"{title}: contents say {listed[title]}, it is on page {page}"


def test_screenshots_are_embedded_at_print_resolution_as_palette_images(tmp_path):
    """A phone's screenshot (750 px, taken at 2×) is printed 75 mm wide: the PDF holds it at PRINT_DPI, not
    at its own size; and as a palette image, not as the RGB image WeasyPrint makes of a PNG (three bytes a
    pixel: the PDF was 2.8 times the size of the screenshots, 24 MB)."""
    target = tmp_path / "guide.pdf"
    call_command("make_guide", "--pdf-only", "--pdf", str(target), stdout=io.StringIO())
    images = {}
    for page in PdfReader(target).pages:
        for ref in page["/Resources"]["/XObject"].values():
            image = ref.get_object()
            if image["/Subtype"] == "/Image":
                images[ref.idnum] = image
    sources = sorted(pages.images_dir().glob("*.png"))
    assert len(images) >= len({path.read_bytes() for path in sources}) * 0.9  # the chapters show nearly all
    # Each image is as many pixels wide as its screenshot is printed wide at PRINT_DPI (or fewer: its own), and
    # the parts of a long one (-p1, -p2, …) are together as high as the whole.
    printed = re.findall(r'src="file://[^"]*/print/([a-z0-9-]+)\.[0-9a-z]+-[0-9]+-v1(-p[0-9]+)?\.jpg" '
                         r'style="width: ([0-9.]+)mm"', render.html())
    expected, heights = set(), {}
    for name, part, mm in printed:
        with Image.open(pages.image_path(name)) as shot:
            width, height = shot.size
        px = render.print_width(width, float(mm))
        expected.add(px)
        heights.setdefault(name, (round(height * px / width), set()))[1].add(part)
        if name.startswith("social-worker-"):
            assert px <= 591 < width  # a phone's 750 px printed 75 mm wide (or narrower)
    assert {image["/Width"] for image in images.values()} <= expected
    assert any(len(parts) > 1 for _, parts in heights.values())
    for name, (height, parts) in heights.items():
        got = sum(Image.open(copy).height for copy in render.print_dir().glob(f"{name}.*.jpg")
                  if re.fullmatch(rf"{name}\.[0-9a-z]+-[0-9]+-v1(-p[0-9]+)?\.jpg", copy.name))
        assert abs(got - height) <= len(parts), name
    # (a copy stays a JPEG where that is smaller: a photograph, say; the screenshots are not)
    indexed = [image for image in images.values() if image["/ColorSpace"][0] == "/Indexed"]
    assert len(indexed) >= 0.9 * len(images)
    assert target.stat().st_size < 1.25 * sum(path.stat().st_size for path in sources)


def test_beat_prepares_the_pdf_so_the_first_download_does_not_wait(client_for, worker, guide_copy, monkeypatch):
    from celery import current_app
    from django.conf import settings

    from guide.tasks import prepare_pdf

    renders = []
    monkeypatch.setattr(render, "html_to_pdf", lambda html: renders.append(html) or b"%PDF-1.7 prepared")
    entry = settings.CELERY_BEAT_SCHEDULE["guide-prepare-pdf"]
    assert entry["task"] == "guide.tasks.prepare_pdf" and entry["task"] in current_app.tasks
    assert prepare_pdf.apply().get() == f"guide-{render.fingerprint()}.pdf"
    assert prepare_pdf.apply().get() == f"guide-{render.fingerprint()}.pdf"  # nothing changed: not rendered again
    assert len(renders) == 1
    assert b"".join(client_for(worker).get("/help/pdf/").streaming_content) == b"%PDF-1.7 prepared"
    assert len(renders) == 1  # the download served the prepared file


def test_a_long_phone_screenshot_is_printed_at_a_phones_width_in_parts_cut_between_lines(guide_copy):
    """Shrunk to fit one page, a phone's whole form (750 × 5,200 px) was 29 mm wide and its text 3.5 pt. It is
    printed 75 mm wide in page-high parts, one under the other, each cut where no line of text is."""
    # A "screenshot" of lines of text (noise) everywhere but in two gaps, each a little above where a cut into
    # three equal parts would fall (rows 1,733 and 3,467).
    gaps = [(1640, 1664), (3380, 3404)]
    shot = Image.effect_noise((750, 5200), 90).convert("RGB")
    for top, bottom in gaps:
        shot.paste((255, 255, 255), (0, top, 750, bottom))
    shot.save(guide_copy / "images" / "social-worker-long-form.png")
    chapter = guide_copy / "social-worker.md"
    chapter.write_text(chapter.read_text() + "\n\n![很长的表单](images/social-worker-long-form.png)\n")

    html = render.html()
    parts = re.findall(r'<img alt="很长的表单" class="guide-shot guide-shot-part" loading="lazy" '
                       r'src="file://([^"]+-p[0-9])\.jpg" style="width: ([0-9.]+)mm">', html)
    assert len(parts) == 3
    assert {mm for _, mm in parts} == {"75.0"}
    heights = [Image.open(f"{path}.jpg").height for path, _ in parts]
    scale = 591 / 750  # printed 75 mm wide at PRINT_DPI
    assert max(heights) / 591 * 75 <= render.MAX_HEIGHT_MM
    first_cut, second_cut = heights[0] / scale, (heights[0] + heights[1]) / scale
    assert gaps[0][0] - 2 <= first_cut <= gaps[0][1] + 2
    assert gaps[1][0] - 2 <= second_cut <= gaps[1][1] + 2
