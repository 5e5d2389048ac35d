"""The user guide as one PDF (for printing, and for the hand-over of the project): a cover, the contents with
page numbers, then every chapter in the order of guide.roles.chapters(), its screenshots scaled to the page
(a phone's narrower than a desktop's), "第 x 页 共 y 页" at the foot of each page. WeasyPrint through the
project's one PDF helper (accounts/pdf.py), with the fonts of the other PDFs, embedded.

The PDF depends only on files of the repository (docs/guide/, this module, its template), so it is rendered
once for each state of them: `cached_pdf()` keeps it under PROTECTED_MEDIA_ROOT/guide/, named by a
fingerprint of those files' sizes and modification times; the /help/ page serves that file, and
`manage.py make_guide` writes the same PDF to a path of its own (var/guide/用户手册.pdf by default).

The screenshots are not embedded as they are: WeasyPrint turns a palette PNG into an RGB image (three bytes
a pixel, re-compressed at each render), and a phone's shot, taken at 2×, has more pixels than its printed
width can show; the PDF was 24 MB and spent a third of its render re-compressing them. Each screenshot is
embedded at print resolution (at most PRINT_DPI over its printed width: a phone's 750 px over 75 mm become
591 px; a desktop's 1280 px over 178 mm, 183 dpi, stay) as a palette image: WeasyPrint is given a JPEG of
the copy, which it embeds as it is, and _palette_images() then puts the copy's palette PNG data in its place
(a PDF "Indexed" image). The copies are made once for each content of a screenshot, under
PROTECTED_MEDIA_ROOT/guide/print/ (docs/guide/README.md has the figures).

A screenshot longer than the page (a phone's whole form, up to 5,200 px) is printed at a phone's width and cut
into page-high parts, each one image of the PDF, one under the other (_print_layout()); shrunk to fit whole,
the longest were 29 mm wide with their text at 3.5 pt.
"""

import hashlib
import io
import math
import os
import re
import struct
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
SHRINK_BEFORE_CUT = 0.75  # a screenshot too long for the page is printed smaller down to this, then cut in parts
PHONE_MM_PER_PX = 0.1     # a 375 px phone shot (750 image px at 2×) is 75 mm wide: its text about 8 pt
DESKTOP_MM_PER_PX = PAGE_WIDTH_MM / 1280  # a 1280 px desktop shot fills the width
PHONE_MAX_PX = 750  # a whole 375 px phone screen at 2×


PRINT_DPI = 200      # the most pixels per printed inch a screenshot keeps in the PDF
JPEG_QUALITY = 85    # without chroma subsampling: the red/green of the risk badges and thin text stay sharp
PRINT_COPY = "v1"    # part of each copy's name: change it when the way the copies are made changes
MARKER = b"tonghu-guide-print:"  # in each copy's JPEG comment: which copy an image of the PDF is
FOUND_MARKER = re.compile(re.escape(MARKER) + rb"([0-9a-z.-]+)")
COPY_IN_HTML = re.compile(r'src="file://[^"]*/print/([0-9a-z.-]+)\.jpg"')


def _print_layout(size: tuple[int, int], *, phone: bool) -> tuple[float, int]:
    """How a screenshot of `size` (px) is printed: (its width in mm, the number of parts). Whole (1) when it fits
    the page — made smaller, if need be, down to SHRINK_BEFORE_CUT of its width; else a long phone page cut into
    page-high parts, each printed as wide as a phone's screen (whole, the longest were 29 mm wide, their text
    3.5 pt)."""
    width, height = size
    phone = phone and width <= PHONE_MAX_PX  # a desktop page shown in a phone chapter is printed as one
    mm = min(width * (PHONE_MM_PER_PX if phone else DESKTOP_MM_PER_PX), PAGE_WIDTH_MM)
    fitting = MAX_HEIGHT_MM * width / max(height, 1)
    if fitting >= mm * SHRINK_BEFORE_CUT:
        return round(min(mm, fitting), 1), 1
    return round(mm, 1), math.ceil(mm * height / width / MAX_HEIGHT_MM)


def _cuts(image, parts: int) -> list[tuple[int, int]]:
    """The rows of `image` cut into `parts` of about the same height, each cut moved up (by at most a fifth of
    a part) to the nearest row with the fewest colours: between two lines of text, not through one."""
    if parts == 1:
        return [(0, image.height)]
    gray = image.convert("L")
    width, height = gray.size
    step = height / parts
    tops = [0]
    for number in range(1, parts):
        target = round(number * step)
        best = target
        fewest = None
        for row in range(target, max(tops[-1] + 1, round(target - step / 5)), -1):
            colours = gray.crop((0, row, width, row + 1)).getcolors(maxcolors=16)
            count = len(colours) if colours is not None else 17
            if fewest is None or count < fewest:
                best, fewest = row, count
            if count <= 2:
                break
        tops.append(best)
    return [(top, bottom) for top, bottom in zip(tops, [*tops[1:], height], strict=True)]


def _print_parts(name: str, *, phone: bool) -> list[tuple[Path, str]]:
    """(file, printed width) of each image printed for the screenshot `name`: one, or its page-high parts. The
    files are JPEGs at print resolution that WeasyPrint embeds (as they are: it re-encodes a PNG), each with
    beside it, when that is smaller, the same pixels as a palette PNG that _palette_images() puts in its place.
    Named <name>.<content hash>-<width px>-<PRINT_COPY>[-p<part>]: made once for each content of the
    screenshot (cached_pdf() removes the copies its PDF does not use)."""
    from PIL import Image

    data = pages.image_path(name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:24]
    with Image.open(io.BytesIO(data)) as image:
        mm, parts = _print_layout(image.size, phone=phone)
        px = print_width(image.width, mm)
        stem = f"{name}.{digest}-{px}-{PRINT_COPY}"
        stems = [stem] if parts == 1 else [f"{stem}-p{number}" for number in range(1, parts + 1)]
        copies = [print_dir() / f"{stem}.jpg" for stem in stems]
        if not all(copy.exists() for copy in copies):
            for stem, (top, bottom) in zip(stems, _cuts(image, parts), strict=True):
                _make_copy(image.crop((0, top, image.width, bottom)), stem, px)
    return [(copy, f"{mm:.1f}mm") for copy in copies]


def print_dir() -> Path:
    return cache_dir() / "print"


def print_width(width_px: int, printed_mm: float) -> int:
    """The width in pixels of the copy of a `width_px` wide screenshot printed `printed_mm` wide."""
    return max(1, min(width_px, round(printed_mm / 25.4 * PRINT_DPI)))


def _make_copy(image, stem: str, px: int) -> None:
    """print_dir()/<stem>.jpg of `image` `px` wide, and <stem>.png beside it when the palette PNG is smaller."""
    from PIL import Image

    width, height = image.size
    if px < width or image.mode != "P" or "transparency" in image.info:
        copy = image.convert("RGB")
        if px < width:
            copy = copy.resize((px, max(1, round(height * px / width))), Image.Resampling.LANCZOS)
        palette = copy.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    else:  # a screenshot's own palette PNG, printed at its size: its pixels exactly
        palette = image
        copy = image.convert("RGB")
    jpeg, png = io.BytesIO(), io.BytesIO()
    copy.save(jpeg, format="JPEG", quality=JPEG_QUALITY, subsampling=0, comment=MARKER + stem.encode())
    palette.save(png, format="PNG", bits=8)  # optimize=True: 5 % smaller, 6 times slower
    print_dir().mkdir(parents=True, exist_ok=True)
    if len(_png_chunks(png.getvalue())["IDAT"]) < jpeg.tell():
        _write(print_dir() / f"{stem}.png", png.getvalue())
    _write(print_dir() / f"{stem}.jpg", jpeg.getvalue())  # last: the copy is complete once its JPEG is there


def _write(path: Path, data: bytes):
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".copy-", suffix=path.suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _png_chunks(data: bytes) -> dict[str, bytes]:
    """IHDR, PLTE and IDAT (all IDAT chunks joined) of a PNG."""
    chunks, offset = {"IDAT": b""}, 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        kind = kind.decode("latin-1")
        chunks[kind] = chunks.get(kind, b"") + body if kind == "IDAT" else body
        offset += 12 + length
    return chunks


def _palette_images(pdf: bytes) -> bytes:
    """The PDF with each screenshot's JPEG replaced by its palette PNG where there is one: an indexed image
    (a palette of up to 256 colours, one byte a pixel, compressed with the PNG's own predictors), which for a
    screenshot is a fraction of the JPEG or of the RGB image WeasyPrint would make of a PNG."""
    if MARKER not in pdf:  # no copy in it (a test's stand-in for WeasyPrint)
        return pdf
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    seen = set()
    for page in writer.pages:
        xobjects = page.get("/Resources", {}).get("/XObject")
        if not xobjects or id(xobjects := xobjects.get_object()) in seen:
            continue
        seen.add(id(xobjects))
        for ref in xobjects.values():
            image = ref.get_object()
            if image.get("/Subtype") != "/Image" or image.get("/Filter") != "/DCTDecode" or id(image) in seen:
                continue
            seen.add(id(image))
            found = FOUND_MARKER.search(image._data[:1024])
            png = print_dir() / f"{found[1].decode()}.png" if found else None
            if png is None or not png.exists():
                continue
            chunks = _png_chunks(png.read_bytes())
            width, height, bits, color_type = struct.unpack(">IIBB", chunks["IHDR"][:10])
            if (bits, color_type) != (8, 3) or (width, height) != (image["/Width"], image["/Height"]):
                continue
            image._data = chunks["IDAT"]
            image[NameObject("/Filter")] = NameObject("/FlateDecode")
            image[NameObject("/DecodeParms")] = DictionaryObject({
                NameObject("/Predictor"): NumberObject(15), NameObject("/Colors"): NumberObject(1),
                NameObject("/BitsPerComponent"): NumberObject(8), NameObject("/Columns"): NumberObject(width)})
            image[NameObject("/ColorSpace")] = ArrayObject([
                NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(len(chunks["PLTE"]) // 3 - 1),
                ByteStringObject(chunks["PLTE"])])
            image[NameObject("/BitsPerComponent")] = NumberObject(8)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _chapter(chapter) -> dict:
    text = pages.read(chapter.SLUG)
    phone = chapter.WIDTH < 768
    addresses = pages.PdfAddresses(slug=chapter.SLUG, parts_for=lambda name: _print_parts(name, phone=phone))
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


def render_pdf(page: str | None = None) -> bytes:
    """The PDF of the guide (of `page`, the guide's html(), when it has been made already)."""
    return _palette_images(html_to_pdf(page or html()))


def save_pdf(path: Path, page: str | None = None) -> Path:
    """Render the guide into `path` (written whole or not at all)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = render_pdf(page)
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
        page = html()
        save_pdf(path, page)
        for old in cache_dir().glob("guide-*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
        used = set(COPY_IN_HTML.findall(page))
        for copy in [*print_dir().glob("*.jpg"), *print_dir().glob("*.png")]:  # of screenshots since retaken
            if copy.name.rsplit(".", 1)[0] not in used:
                copy.unlink(missing_ok=True)
    return path
