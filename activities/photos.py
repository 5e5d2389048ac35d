"""Photos of activities and articles: images only, size-limited, re-encoded without EXIF (no GPS, no
camera serial), stored under PROTECTED_MEDIA_ROOT and served only through a permission-checked view."""

import hashlib
import io
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about a 50-megapixel photo; more is a decompression bomb, not a phone picture
MAX_SIDE = 2000  # enough for print and for a news site; keeps the archive small
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEG from some phone cameras


@deconstructible
class ProtectedStorage(FileSystemStorage):
    """Files under settings.PROTECTED_MEDIA_ROOT (read each time, so tests can point it elsewhere); no URL."""

    @property
    def base_location(self):
        return str(settings.PROTECTED_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Protected files have no public URL; link to the checked view.")


def photo_path(instance, filename: str) -> str:
    return f"{instance._meta.model_name}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


def clean_image(upload) -> tuple[ContentFile, str]:
    """Check an uploaded file is a real image and re-encode it as JPEG without metadata.

    Returns the new file and its SHA-256. Raises ValidationError (Chinese, saying what to do).
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is larger than %(mb)s MB; send a smaller one (a phone photo at normal "
                                "quality is fine).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
            image_format = probe.format
            width, height = probe.size
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("Only JPEG, PNG or WebP photos can be uploaded."))
        if width * height > MAX_PIXELS:
            raise ValidationError(_("The photo has too many pixels; send a smaller one."))
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag gave, then drop EXIF
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not a photo we can read; upload a JPEG, PNG or WebP image.")) from exc
    data = out.getvalue()
    return ContentFile(data, name="photo.jpg"), hashlib.sha256(data).hexdigest()
