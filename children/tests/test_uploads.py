"""The child's photo and a category's evidence go through accounts.uploads, tested through the pages:
an image is stored re-encoded without EXIF (GPS, camera), a PDF is kept as sent, and a form showing a
stored file does not ask the protected storage for a public URL."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from children.models import Category, Child
from children.tests.factories import ChildFactory
from children.tests.test_record_views import TODAY, form_data

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps(name="IMG_20261128_张小明.jpg") -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = {1: "N", 2: (21.0, 16.0, 12.0), 3: "E", 4: (110.0, 21.0, 30.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif().get_ifd(GPS_IFD)  # the upload does carry GPS
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def assert_clean_jpeg(field_file):
    with field_file.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert not exif and not exif.get_ifd(GPS_IFD)


def test_a_photo_with_gps_is_stored_without_exif(worker, client_for, protected_media):
    response = client_for(worker).post(reverse("children:create"), {**form_data(), "photo": jpeg_with_gps()})
    assert response.status_code == 302
    child = Child.objects.get()
    assert "张小明" not in child.photo.name and child.photo.name.endswith(".jpg")
    assert str(protected_media) in child.photo.path
    assert_clean_jpeg(child.photo)


def test_editing_a_child_with_a_photo_shows_the_form(worker, client_for, protected_media):
    """It was a 500: Django's file widget asked the protected storage for the photo's URL."""
    client = client_for(worker)
    client.post(reverse("children:create"), {**form_data(), "photo": jpeg_with_gps()})
    child = Child.objects.get()
    assert child.photo
    response = client.get(reverse("children:edit", args=[child.pk]))
    assert response.status_code == 200
    assert child.photo.name not in response.content.decode()  # no path or link to the stored file


def test_a_photo_that_is_not_an_image_is_refused_in_chinese(worker, client_for, protected_media):
    fake = SimpleUploadedFile("photo.jpg", b"not a picture", content_type="image/jpeg")
    response = client_for(worker).post(reverse("children:create"), {**form_data(), "photo": fake})
    assert response.status_code == 200 and not Child.objects.exists()
    assert "JPEG" in " ".join(response.context["form"].errors["photo"])
    assert "照片" in " ".join(response.context["form"].errors["photo"])


@time_machine.travel(TODAY)
def test_image_evidence_is_re_encoded_and_pdf_evidence_kept(worker, client_for, protected_media):
    child = ChildFactory()
    client = client_for(worker)
    url = reverse("children:category_add", args=[child.pk])
    poor, orphan = Category.objects.get(code="poor_family"), Category.objects.get(code="orphan")
    response = client.post(url, {"category": poor.pk, "recognised_on": "2026-11-01", "basis": "低保证",
                                 "evidence": jpeg_with_gps("低保证.jpg")})
    assert response.status_code == 302
    image_link = child.category_links.get(category=poor)
    assert image_link.evidence.name.endswith(".jpg")
    assert_clean_jpeg(image_link.evidence)
    edit = client.get(reverse("children:category_edit", args=[child.pk, image_link.pk]))
    assert edit.status_code == 200  # the form shows that a file is on record, without asking for its URL

    pdf = b"%PDF-1.4 death certificate"
    response = client.post(url, {"category": orphan.pk, "recognised_on": "2026-11-01", "basis": "死亡证明",
                                 "evidence": SimpleUploadedFile("证明.pdf", pdf, content_type="application/pdf")})
    assert response.status_code == 302
    pdf_link = child.category_links.get(category=orphan)
    assert pdf_link.evidence.name.endswith(".pdf")
    with pdf_link.evidence.open("rb") as stored:
        assert stored.read() == pdf
    download = client.get(reverse("children:category_evidence", args=[child.pk, image_link.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:3] == b"\xff\xd8\xff"


@time_machine.travel(TODAY)
def test_evidence_too_large_or_not_a_document_is_refused_in_chinese(worker, client_for, protected_media, settings):
    child = ChildFactory()
    client = client_for(worker)
    url = reverse("children:category_add", args=[child.pk])
    data = {"category": Category.objects.get(code="poor_family").pk, "recognised_on": "2026-11-01", "basis": "低保证"}
    settings.MAX_UPLOAD_BYTES = 10
    response = client.post(url, {**data, "evidence": SimpleUploadedFile("证明.pdf", b"%PDF-1.4 too long",
                                                                        content_type="application/pdf")})
    assert response.status_code == 200 and not child.category_links.exists()
    assert "最大" in " ".join(response.context["form"].errors["evidence"])
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    response = client.post(url, {**data, "evidence": SimpleUploadedFile("证明.docx", b"PK\x03\x04 word",
                                                                        content_type="application/msword")})
    assert response.status_code == 200 and not child.category_links.exists()
    assert "PDF" in " ".join(response.context["form"].errors["evidence"])
