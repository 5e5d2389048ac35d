"""The printable 个人档案 (WeasyPrint, Noto Sans CJK SC, which also covers 㙍 of 塘㙍镇)."""

from django.template.loader import render_to_string

from accounts.exports import export_stamp
from accounts.pdf import html_to_pdf

from .services import profile_context


def render_child_pdf(child, user) -> bytes:
    """The file as `user` sees it, with their name and the time as a watermark on every page (R4)."""
    html = render_to_string("children/pdf.html", {**profile_context(child, user), "export_stamp": export_stamp(user)})
    return html_to_pdf(html)
