"""Photos: images only, size-limited, EXIF stripped, stored out of the web root, served to those who may see."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import uploads
from activities.models import ActivityPhoto, ArticleImage

from .factories import ActivityFactory, ArticleFactory

pytestmark = pytest.mark.django_db

SUIXI_VILLAGE = "440823001001"


def jpeg_with_gps(name="photo.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 16.0, 12.0), 3: "E", 4: (110.0, 21.0, 36.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def activity(worker):
    return ActivityFactory(organiser=worker, created_by=worker)


def upload(client, activity, file, **extra):
    return client.post(reverse("activities:photo_add", args=[activity.pk]),
                       {"image": file, "caption": "活动现场", "no_faces": "on", **extra})


def test_photo_is_reencoded_without_exif_and_stored_under_protected_root(client_for, worker, activity,
                                                                           protected_media):
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original.read()
    original.seek(0)
    assert upload(client_for(worker), activity, original).status_code == 302
    photo = ActivityPhoto.objects.get()
    stored = Path(photo.image.path)
    assert stored.is_relative_to(protected_media) and stored.exists()
    data = stored.read_bytes()
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and not image.getexif()
    assert len(photo.sha256) == 64


def test_a_file_that_is_not_an_image_is_refused(client_for, worker, activity):
    fake = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = upload(client_for(worker), activity, fake)
    assert response.status_code == 302
    assert not ActivityPhoto.objects.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("无法识别" in m for m in messages)


def test_a_photo_over_the_size_limit_is_refused(client_for, worker, activity, settings):
    settings.MAX_UPLOAD_BYTES = 100
    response = upload(client_for(worker), activity, jpeg_with_gps())
    assert not ActivityPhoto.objects.exists()
    assert any("照片最大" in str(m) for m in response.wsgi_request._messages)


def test_photo_needs_the_no_faces_confirmation(client_for, worker, activity):
    client_for(worker).post(reverse("activities:photo_add", args=[activity.pk]), {"image": jpeg_with_gps()})
    assert not ActivityPhoto.objects.exists()


def test_large_photo_is_scaled_down(client_for, worker, activity):
    upload(client_for(worker), activity, jpeg_with_gps(size=(4000, 3000)))
    with Image.open(ActivityPhoto.objects.get().image.path) as image:
        assert max(image.size) == uploads.MAX_SIDE


def test_only_those_who_may_change_the_activity_upload(client_for, other_worker, bureau, activity):
    for user in (other_worker, bureau):
        assert upload(client_for(user), activity, jpeg_with_gps()).status_code == 403
    assert not ActivityPhoto.objects.exists()


def test_photo_is_served_only_to_those_who_see_the_activity(client_for, client, worker, other_worker, outsider,
                                                             county_bureau, bureau, activity):
    upload(client_for(worker), activity, jpeg_with_gps())
    url = ActivityPhoto.objects.get().get_absolute_url()
    for user in (worker, other_worker, bureau):
        response = client_for(user).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
    for user in (outsider, county_bureau):  # county bureau of 遂溪县; the activity is in 赤坎区
        assert client_for(user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_county_bureau_sees_photos_of_its_county(client_for, worker, county_bureau):
    activity = ActivityFactory(place_id=SUIXI_VILLAGE, organiser=worker, created_by=worker)
    upload(client_for(worker), activity, jpeg_with_gps())
    assert client_for(county_bureau).get(ActivityPhoto.objects.get().get_absolute_url()).status_code == 200


def test_article_image_is_visible_to_the_bureau_only_once_submitted(client_for, worker, bureau, outsider):
    article = ArticleFactory(author=worker)
    client = client_for(worker)
    response = client.post(reverse("activities:article_image_add", args=[article.pk]),
                           {"image": jpeg_with_gps(), "no_faces": "on"})
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert client.get(image.get_absolute_url()).status_code == 200
    assert client_for(bureau).get(image.get_absolute_url()).status_code == 404
    assert client_for(outsider).get(image.get_absolute_url()).status_code == 404
    client = client_for(worker)
    client.post(reverse("activities:article_submit", args=[article.pk]),
                {"uses_pseudonyms": "on", "no_faces": "on", "no_school": "on", "no_address": "on"})
    assert client_for(bureau).get(image.get_absolute_url()).status_code == 200


def test_adding_an_image_changes_the_fingerprint_and_clears_the_checklist(client_for, worker):
    article = ArticleFactory(author=worker, uses_pseudonyms=True, no_faces=True, no_school=True, no_address=True)
    before = article.fingerprint()
    client_for(worker).post(reverse("activities:article_image_add", args=[article.pk]),
                            {"image": jpeg_with_gps(), "no_faces": "on"})
    article.refresh_from_db()
    assert article.fingerprint() != before and not article.deidentified


def test_other_worker_cannot_add_images_to_someone_elses_article(client_for, worker, other_worker):
    article = ArticleFactory(author=worker)
    response = client_for(other_worker).post(reverse("activities:article_image_add", args=[article.pk]),
                                             {"image": jpeg_with_gps(), "no_faces": "on"})
    assert response.status_code == 403 and not ArticleImage.objects.exists()
