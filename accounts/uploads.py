"""The one way a file about a child is stored: under PROTECTED_MEDIA_ROOT, images re-encoded.

Every uploaded file — a child's photo, a category's evidence, visit and activity photos — is a
`ProtectedFileField`. It keeps the file out of the public media folder (served only by views that
check visibility) and, for an image, stores a JPEG re-encoded by `clean_image`: no EXIF (GPS,
camera serial, date), at most `MAX_SIDE` pixels a side, and a file with more than `MAX_PIXELS`
pixels is refused from its header, before it is decoded (a decompression bomb never reaches memory).
"""

import hashlib
import io
import os
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40-megapixel phone photo; more is a decompression bomb, not a picture
MAX_SIDE = 2048  # enough for print and for a news site; keeps the archive small
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEG from some phone cameras
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
DOCUMENT_ACCEPT = IMAGE_ACCEPT + ",application/pdf"


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


@deconstructible(path="accounts.uploads.ProtectedStorage")
class ProtectedStorage(FileSystemStorage):
    """Files under settings.PROTECTED_MEDIA_ROOT (read each time, so tests can point it elsewhere); no URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PROTECTED_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Protected files have no public URL; serve them through a permission-checked view.")


protected_storage = ProtectedStorage()


@dataclass
class CleanImage:
    """An image re-encoded as JPEG: nothing of the original file (EXIF, GPS, camera) survives."""

    file: ContentFile
    sha256: str
    width: int
    height: int


def _check_size(upload) -> None:
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(max)s. Take the photo at a lower resolution or "
              "scan the document at a lower resolution.") % {
                "name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(max_upload_bytes())},
            code="too_large")


def clean_image(upload) -> CleanImage:
    """Check an uploaded file is a real image and re-encode it as JPEG without metadata.

    Raises ValidationError in Chinese, saying what to do.
    """
    _check_size(upload)
    not_a_photo = ValidationError(
        _("“%(name)s” is not a photo we can read. Only JPEG, PNG or WebP images can be uploaded.")
        % {"name": upload.name}, code="not_an_image")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:  # reads the header only
            image_format = probe.format
            width, height = probe.size
            if image_format not in IMAGE_FORMATS:
                raise not_a_photo
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s” has %(mp)s million pixels; at most %(max)s million can be uploaded. Send a smaller "
                      "photo.") % {"name": upload.name, "mp": width * height // 1_000_000,
                                   "max": MAX_PIXELS // 1_000_000}, code="too_many_pixels")
            probe.verify()
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
        raise not_a_photo from exc
    data = out.getvalue()
    content = ContentFile(data, name="photo.jpg")
    content._tonghu_cleaned = content  # storing it through a ProtectedFileField does not re-encode it again
    return CleanImage(file=content, sha256=hashlib.sha256(data).hexdigest(), width=image.width, height=image.height)


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    return head == b"%PDF-"


def clean_upload(upload, *, documents: bool = False) -> ContentFile:
    """The file to store for an upload: a re-encoded image, or (with `documents`) a PDF as it came.

    The result is kept on the upload, so the form's validation and the model's save clean it once.
    """
    cleaned = getattr(upload, "_tonghu_cleaned", None)
    if cleaned is not None:
        return cleaned
    if documents and _is_pdf(upload):
        _check_size(upload)
        upload.seek(0)
        cleaned = ContentFile(upload.read(), name="document.pdf")
    else:
        try:
            cleaned = clean_image(upload).file
        except ValidationError as exc:
            if documents and exc.code == "not_an_image":
                raise ValidationError(
                    _("“%(name)s” is neither a photo nor a PDF. Upload a JPEG, PNG or WebP photo or a PDF scan.")
                    % {"name": upload.name}, code="not_a_document") from exc
            raise
    upload._tonghu_cleaned = cleaned
    return cleaned


class ProtectedFileInput(forms.ClearableFileInput):
    """Says that a file is there without linking to it: a protected file has no public URL
    (Django's widget asks the storage for one, which was a 500 on every edit of a child with a photo)."""

    template_name = "accounts/widgets/protected_file_input.html"

    def is_initial(self, value):
        # Django's asks `getattr(value, "url", False)`, and the protected storage raises ValueError there.
        return bool(value and getattr(value, "name", None))


class ProtectedFileFormField(forms.FileField):
    def __init__(self, *, documents: bool = False, **kwargs):
        self.documents = documents
        # Always this widget, in the admin too (its AdminFileWidget would ask for the URL).
        kwargs["widget"] = ProtectedFileInput(attrs={"accept": DOCUMENT_ACCEPT if documents else IMAGE_ACCEPT})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and not getattr(value, "_committed", False) and hasattr(value, "seek"):
            clean_upload(value, documents=self.documents)
        return value


class ProtectedFileField(models.FileField):
    """A file about a child: stored privately; an image is re-encoded; `documents=True` also takes PDFs."""

    def __init__(self, *args, documents: bool = False, **kwargs):
        self.documents = documents
        kwargs["storage"] = protected_storage
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        if self.documents:
            kwargs["documents"] = True
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            cleaned = clean_upload(file.file, documents=self.documents)
            extension = ".pdf" if cleaned.name.endswith(".pdf") else ".jpg"
            file.save(os.path.splitext(file.name)[0] + extension, cleaned, save=False)
        return file

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ProtectedFileFormField, "documents": self.documents, **kwargs})
