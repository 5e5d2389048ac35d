"""The user guide as one PDF (for printing, and for the hand-over of the project): a cover, the contents with
page numbers, then every chapter in the order of guide.roles.chapters(), its screenshots scaled to the page
(a phone's narrower than a desktop's), "第 x 页 共 y 页" at the foot of each page. WeasyPrint through the
project's one PDF helper (accounts/pdf.py), with the fonts of the other PDFs, embedded.

The PDF depends only on files of the repository (docs/guide/, this module, its template), so it is rendered
once for each state of them: `cached_pdf()` keeps it under PROTECTED_MEDIA_ROOT/guide/, named by a
fingerprint of those files' sizes and modification times; the /help/ page serves that file, and
`manage.py make_guide` writes the same PDF to a path of its own (var/guide/用户手册.pdf by default).
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.pdf import html_to_pdf

from . import pages
from .roles import chapters

FILENAME = "用户手册.pdf"
TEMPLATE = "guide/pdf.html"
# The page's writing area is 178 mm × 261 mm (A4, margins 18 mm × 16 mm); a screenshot keeps room for the
# text around it.
PAGE_WIDTH_MM = 178
MAX_HEIGHT_MM = 200
PHONE_MM_PER_PX = 0.1     # a 375 px phone shot (750 image px at 2×) is 75 mm wide: its text about 8 pt
DESKTOP_MM_PER_PX = PAGE_WIDTH_MM / 1280  # a 1280 px desktop shot fills the width
PHONE_MAX_PX = 750  # a whole 375 px phone screen at 2×


def _image_width(name: str, *, phone: bool) -> str:
    from PIL import Image

    path = pages.image_path(name)
    if path is None:
        return f"{PAGE_WIDTH_MM}mm"
    with Image.open(path) as image:
        width, height = image.size
    phone = phone and width <= PHONE_MAX_PX  # a desktop page shown in a phone chapter is printed as one
    mm = width * (PHONE_MM_PER_PX if phone else DESKTOP_MM_PER_PX)
    mm = min(mm, PAGE_WIDTH_MM, MAX_HEIGHT_MM * width / max(height, 1))
    return f"{mm:.1f}mm"


def _chapter(chapter) -> dict:
    text = pages.read(chapter.SLUG)
    phone = chapter.WIDTH < 768
    addresses = pages.PdfAddresses(slug=chapter.SLUG, width_for=lambda name: _image_width(name, phone=phone))
    return {"slug": chapter.SLUG, "title": pages.title_of(text, chapter.TITLE),
            "sections": [{"anchor": addresses.anchor(anchor), "title": title}
                         for anchor, title in pages.sections(text)],
            "html": mark_safe(pages.to_html(text, addresses))}  # noqa: S308 - sanitised by pages.to_html


def html() -> str:
    index = pages.read(None)
    intro = next((block for block in index.split("\n\n")[1:] if block and block[0] not in "#-*!<"), "")
    return render_to_string(TEMPLATE, {
        "title": pages.title_of(index, "用户手册"), "site_title": settings.SITE_TITLE,
        "intro": mark_safe(pages.to_html(intro, pages.PdfAddresses())),  # noqa: S308 - sanitised
        "chapters": [_chapter(chapter) for chapter in chapters()], "generated_on": timezone.localdate()})


def render_pdf() -> bytes:
    return html_to_pdf(html())


def save_pdf(path: Path) -> Path:
    """Render the guide into `path` (written whole or not at all)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = render_pdf()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".guide-", suffix=".pdf")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)  # an ordinary file to print or hand over (mkstemp makes it 0600)
    os.replace(temporary, path)
    return path


def sources() -> list[Path]:
    """The files the PDF is made of."""
    here = Path(__file__).resolve().parent
    template = Path(settings.BASE_DIR) / "templates" / TEMPLATE
    return sorted([*pages.guide_dir().glob("*.md"), *pages.images_dir().glob("*.png"),
                   here / "render.py", here / "pages.py", template])


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sources():
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    return Path(settings.PROTECTED_MEDIA_ROOT) / "guide"


def cached_pdf() -> Path:
    """The PDF of the guide as it is now: rendered when a chapter, a screenshot or the layout has changed
    since the last one (which is then removed), else the file already rendered."""
    path = cache_dir() / f"guide-{fingerprint()}.pdf"
    if not path.exists():
        save_pdf(path)
        for old in cache_dir().glob("guide-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
    return path
