"""Photos are never silently lost (issue 13 item 7): a visit form sent back with an error keeps the photos
already chosen, and says when one must be chosen again."""

import io
import re

import pytest

from accounts.models import Role
from conftest import make_user
from visits.models import PendingVisitPhoto, Visit, VisitPhoto

from .test_visit_views import create_url, form_data, jpeg_with_exif

pytestmark = pytest.mark.django_db


def kept_ids(html: str) -> str:
    return re.search(r'name="kept_photos" id="kept-photos" value="([^"]*)"', html).group(1)


def test_photos_survive_a_validation_error_and_are_saved_with_the_visit(client_for, worker, child):
    client = client_for(worker)
    response = client.post(create_url(child), {**form_data(duration_minutes=""),
                                               "photos": [jpeg_with_exif(), jpeg_with_exif((80, 60))]})
    html = response.content.decode()
    assert response.status_code == 200 and not Visit.objects.exists()
    assert "已保留您选择的2张照片" in html
    ids = kept_ids(html)
    assert len(ids.split(",")) == 2 and PendingVisitPhoto.objects.filter(uploaded_by=worker).count() == 2

    # fixed and sent again without choosing the photos again: both are saved with the visit
    response = client.post(create_url(child), {**form_data(), "kept_photos": ids})
    visit = Visit.objects.get()
    assert response.status_code == 302
    assert sorted((p.width, p.height) for p in visit.photos.all()) == [(64, 48), (80, 60)]
    for photo in visit.photos.all():
        assert client.get(photo.get_absolute_url()).status_code == 200
    assert not PendingVisitPhoto.objects.filter(attached_to__isnull=True).exists()
    # the same ids posted again attach nothing more
    client.post(create_url(child), {**form_data(), "kept_photos": ids})
    assert VisitPhoto.objects.count() == 2


def test_a_second_error_keeps_the_kept_and_the_new_photos(client_for, worker, child):
    client = client_for(worker)
    first = kept_ids(client.post(create_url(child), {**form_data(duration_minutes=""),
                                                     "photos": [jpeg_with_exif()]}).content.decode())
    html = client.post(create_url(child), {**form_data(duration_minutes=""), "kept_photos": first,
                                           "photos": [jpeg_with_exif((70, 50))]}).content.decode()
    assert "已保留您选择的2张照片" in html and len(kept_ids(html).split(",")) == 2


def test_someone_elses_kept_photo_is_ignored(client_for, worker, child):
    client_for(worker).post(create_url(child), {**form_data(duration_minutes=""), "photos": [jpeg_with_exif()]})
    other = make_user("second_chikan", Role.SOCIAL_WORKER, ["440802"])
    ids = ",".join(str(pk) for pk in PendingVisitPhoto.objects.values_list("pk", flat=True))
    client_for(other).post(create_url(child), {**form_data(), "kept_photos": ids})
    assert Visit.objects.count() == 1 and not VisitPhoto.objects.exists()


def test_a_photo_that_cannot_be_used_is_named_and_must_be_chosen_again(client_for, worker, child):
    bad = io.BytesIO(b"not an image")
    bad.name = "scan.jpg"
    html = client_for(worker).post(create_url(child), {**form_data(), "photos": [bad]}).content.decode()
    assert "请重新选择" in html and "scan.jpg" in html
    assert not Visit.objects.exists() and not PendingVisitPhoto.objects.exists()
