"""The guide's Markdown (docs/guide/) as HTML: for the help pages in the app (/help/) and for the PDF (render.py).

One conversion for both; only the addresses differ. A chapter links to another as `lead.md#anchor` and shows
its screenshots as `images/<name>.png`: in the app these become /help/lead/#anchor and /help/images/<name>.png;
in the PDF, where all chapters are one document, an anchor becomes `#lead--anchor` (two chapters may both
have a section "home") and an image the file's own file:// address. The HTML is sanitised (nh3) whatever the
Markdown holds: the chapters are ours, but a page of the site never trusts text it did not write just now.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.conf import settings
from django.urls import reverse
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .roles import chapters

IMAGE_NAME = re.compile(r"^[a-z0-9-]+$")
CHAPTER_LINK = re.compile(r"^(?P<slug>[a-z0-9-]+)\.md(?:#(?P<anchor>[a-z0-9-]+))?$")
IMAGE_LINK = re.compile(r"^images/(?P<name>[a-z0-9-]+)\.png$")
HEADING = re.compile(r"^# (?P<title>.+)$", re.MULTILINE)

ALLOWED_TAGS = {"a", "p", "br", "strong", "b", "em", "i", "code", "pre", "blockquote", "hr", "img",
                "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
                "figure", "figcaption", "kbd", "span", "div"}
ALLOWED_ATTRIBUTES = {"a": {"href", "id", "title"}, "img": {"src", "alt", "title", "class", "width", "height", "loading"},
                      "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "th": {"align"}, "td": {"align"}, "ol": {"start"},
                      "figure": {"class"}, "span": {"class"}, "div": {"class"}}


def guide_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "guide"


def images_dir() -> Path:
    return guide_dir() / "images"


def image_path(name: str) -> Path | None:
    """The screenshot `name` (without .png) of docs/guide/images, or None: only [a-z0-9-]+ names, so no
    other file of the server can be asked for."""
    if not IMAGE_NAME.match(name or ""):
        return None
    path = images_dir() / f"{name}.png"
    return path if path.is_file() else None


def chapter_by_slug(slug: str):
    return next((chapter for chapter in chapters() if chapter.SLUG == slug), None)


DEVELOPERS_ONLY = "<!-- developers -->"


def read(slug: str | None) -> str:
    """A chapter's Markdown (None: the index, README.md, without its notes for developers: what follows a
    `<!-- developers -->` line is for the repository's readers, not for the help pages and the PDF)."""
    text = (guide_dir() / ("README.md" if slug is None else f"{slug}.md")).read_text(encoding="utf-8")
    return text.split(DEVELOPERS_ONLY, 1)[0] if slug is None else text


def title_of(text: str, default: str = "") -> str:
    found = HEADING.search(text)
    return found["title"].strip() if found else default


class Addresses:
    """Where a link or an image of a chapter points."""

    def chapter(self, slug: str, anchor: str | None) -> str:
        raise NotImplementedError

    def anchor(self, anchor: str) -> str:
        return anchor

    def image(self, name: str) -> str:
        raise NotImplementedError

    def image_size(self, name: str) -> tuple[int, int] | None:
        """The width and height attributes of the image, or None."""
        return None

    def image_parts(self, name: str) -> list[tuple[str, str]]:
        """The images the screenshot `name` is shown as, (address, style) of each: one (the app's CSS sizes it,
        style ""), or in print a tall one cut into page-high parts, each with its printed width."""
        return [(self.image(name), "")]

    schemes = frozenset({"http", "https"})
    ids_on_headings = False


class AppAddresses(Addresses):
    """The help pages. A screenshot gets its size (in CSS px: a phone's is taken at 2×), so that the page
    does not move while the screenshots load, which would leave a 帮助 link's section off the screen."""

    def __init__(self, phone: bool = False):
        self.phone = phone

    def image_size(self, name):
        from PIL import Image

        path = image_path(name)
        if path is None:
            return None
        with Image.open(path) as image:
            width, height = image.size
        scale = 2 if self.phone else 1
        return width // scale, height // scale

    def chapter(self, slug, anchor):
        return reverse("guide:chapter", args=[slug]) + (f"#{anchor}" if anchor else "")

    def image(self, name):
        return reverse("guide:image", args=[name])


@dataclass
class PdfAddresses(Addresses):
    """All chapters in one document: anchors prefixed with their chapter's slug, images as files."""

    slug: str = ""

    def chapter(self, slug, anchor):
        return f"#{slug}--{anchor}" if anchor else f"#{slug}"

    def anchor(self, anchor):
        return f"{self.slug}--{anchor}"

    # parts_for(name) -> [(file, "75.0mm"), …]: the files printed for the screenshot and the width each is
    # printed (render.py: copies at print resolution, a tall screenshot in page-high parts); None: as it is
    parts_for: object = None
    schemes = frozenset({"http", "https", "file"})
    ids_on_headings = True

    def image_parts(self, name):
        path = image_path(name)
        if path is None:
            return [("", "")]
        if self.parts_for is None:
            return [(path.as_uri(), "")]
        return [(part.as_uri(), f"width: {width}") for part, width in self.parts_for(name)]


class _Rewrite(Treeprocessor):
    def __init__(self, md, addresses: Addresses):
        super().__init__(md)
        self.addresses = addresses

    def run(self, root: Element):
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.tag == "a":
                self._link(element)
            elif element.tag == "img" and (found := IMAGE_LINK.match(element.get("src", ""))):
                self._image(element, found["name"], parents[element])  # Markdown puts an image in a <p>

    def _image(self, element: Element, name: str, parent: Element):
        parts = self.addresses.image_parts(name)
        size = self.addresses.image_size(name) if len(parts) == 1 else None
        tail, images = element.tail, []
        for number, (src, style) in enumerate(parts):
            image = element if number == 0 else Element("img", {"alt": element.get("alt", "")})
            image.set("src", src)
            image.set("class", "guide-shot guide-shot-part" if len(parts) > 1 else "guide-shot")
            # A chapter holds up to 60 screenshots: a phone loads those it scrolls to (width and height are
            # set below, so the page does not jump and the section a help link opens stays in view).
            image.set("loading", "lazy")
            if style:
                image.set("style", style)
            if size:
                image.set("width", str(size[0]))
                image.set("height", str(size[1]))
            image.tail = None
            images.append(image)
        images[-1].tail = tail
        at = list(parent).index(element)
        for offset, image in enumerate(images[1:], start=1):
            parent.insert(at + offset, image)

    def _link(self, element: Element):
        if element.get("id"):
            element.set("id", self.addresses.anchor(element.get("id")))
        href = element.get("href")
        if href is None:
            return
        if href.startswith("#"):
            element.set("href", "#" + self.addresses.anchor(href[1:]))
        elif found := CHAPTER_LINK.match(href):
            element.set("href", self.addresses.chapter(found["slug"], found["anchor"]))


class _RewriteExtension(Extension):
    def __init__(self, addresses: Addresses):
        super().__init__()
        self.addresses = addresses

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.treeprocessors.register(_Rewrite(md, self.addresses), "guide_links", 0)


ANCHOR_TAG = re.compile(r'<a id="([a-z0-9-]+)"></a>')
# In print, the anchor goes onto its heading: an empty paragraph may stay at the foot of a page whose heading
# moved on to the next, and the contents would give the wrong page.
ANCHOR_BEFORE_HEADING = re.compile(r'<p><a id="([a-z0-9-]+)"></a></p>\s*<h([1-4])>')


def to_html(text: str, addresses: Addresses) -> str:
    """The Markdown `text` as sanitised HTML, its links and images pointing where `addresses` says."""
    # `<a id>` lines are raw HTML, which Markdown leaves alone: rewrite their ids here, the rest in the tree.
    text = ANCHOR_TAG.sub(lambda found: f'<a id="{addresses.anchor(found[1])}"></a>', text)
    # lazy_ol=False: a list that a screenshot interrupts goes on with its own numbers ("2." stays 2), also when
    # the screenshot under a step is indented by 3 spaces (enough on GitHub, not for Python-Markdown's 4).
    html = markdown.markdown(text, extensions=["tables", "sane_lists", _RewriteExtension(addresses)], lazy_ol=False)
    if addresses.ids_on_headings:
        html = ANCHOR_BEFORE_HEADING.sub(r'<h\2 id="\1">', html)
    attributes = dict(ALLOWED_ATTRIBUTES)
    if isinstance(addresses, PdfAddresses):  # the printed width of each screenshot (render.py)
        attributes["img"] = attributes["img"] | {"style"}
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=attributes, url_schemes=set(addresses.schemes),
                     link_rel=None, strip_comments=True)


def sections(text: str) -> list[tuple[str, str]]:
    """(anchor, heading) of each `## ` section that has an `<a id>` line right before it."""
    return re.findall(r'<a id="([a-z0-9-]+)"></a>\s*\n## (.+)', text)
