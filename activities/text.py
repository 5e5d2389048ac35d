"""Article text: sanitised HTML, and details that identify a person whatever the pseudonyms (R12)."""

import re

import nh3
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

# Patterns that identify a person whatever the pseudonyms: an ID number or a mobile number.
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def sanitise(html: str) -> str:
    """Article text as safe HTML: a few formatting tags, links without scripts or styles."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


BLOCK_TAG = re.compile(r"<(p|br|h[234]|ul|ol|li|blockquote)[\s/>]", re.IGNORECASE)


def as_html(body: str) -> str:
    """The article for display or export, safe: text typed without any tag (the usual case from the
    textarea) keeps its paragraphs — a blank line starts a <p>, a single line break is a <br>."""
    body = body or ""
    if not BLOCK_TAG.search(body):
        body = linebreaks(body.replace("\r\n", "\n").strip(), autoescape=False)
    return sanitise(body)


def identifying_details(text: str) -> list[str]:
    """What in the text identifies someone regardless of the checklist (R12)."""
    found = []
    if ID_NUMBER.search(text):
        found.append(_("The text contains an ID number; remove it."))
    if MOBILE.search(text):
        found.append(_("The text contains a mobile phone number; remove it."))
    return found
