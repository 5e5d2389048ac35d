"""Controlled exports (R4, docs/privacy.md "Controlled exports"): the who-and-when stamp every exported
file carries, and download links to stored files that expire."""

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

# A link to a stored file (a periodic report, the hand-over zip) works for this long after the page showing it.
DOWNLOAD_LINK_MAX_AGE = 60 * 60


def export_stamp(user, when=None) -> str:
    """'导出人：张三　导出时间：2026-12-01 15:40' — the xlsx footer and the PDF watermark."""
    when = timezone.localtime(when or timezone.now())
    name = str(user) if user is not None else _("server command")
    return _("Exported by %(name)s at %(time)s") % {"name": name, "time": f"{when:%Y-%m-%d %H:%M}"}


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"tonghu.download.{purpose}")


def sign_download(purpose: str, user, obj_id) -> str:
    """A token for one user's link to one stored file; `download_allowed` checks it and its age."""
    return _signer(purpose).sign(f"{user.pk}:{obj_id}")


def download_allowed(purpose: str, token: str, user, obj_id, max_age: int = DOWNLOAD_LINK_MAX_AGE) -> bool:
    """True when the token was made for this user and file less than `max_age` seconds ago."""
    try:
        value = _signer(purpose).unsign(token or "", max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == f"{user.pk}:{obj_id}"


def link_expired(request, back_url: str):
    """The answer to a download link that is too old, made for someone else, or has no token: 403, in words."""
    from django.shortcuts import render

    return render(request, "link_expired.html", {"back_url": back_url}, status=403)
