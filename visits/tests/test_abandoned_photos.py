"""Photos kept for a visit form that was never saved are removed after VISIT_PENDING_PHOTO_DAYS, row and file
(docs/privacy.md, "Photos waiting for their visit"): through the nightly task's command, as an operator runs it."""

import datetime
import io
import re
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEntry
from visits.models import PendingVisitPhoto, Visit, VisitPhoto

from .test_visit_views import create_url, form_data, jpeg_with_exif

pytestmark = pytest.mark.django_db


def send_back(client, child, *photos) -> list[int]:
    """A visit form sent back with an error: the photos chosen are kept as pending photos."""
    html = client.post(create_url(child), {**form_data(duration_minutes=""),
                                           "photos": list(photos)}).content.decode()
    ids = re.search(r'name="kept_photos" id="kept-photos" value="([^"]*)"', html).group(1)
    return [int(pk) for pk in ids.split(",")]


def age(pks, days: float) -> None:
    PendingVisitPhoto.objects.filter(pk__in=pks).update(created_at=timezone.now() - datetime.timedelta(days=days))


def file_of(photo) -> Path:
    return Path(settings.PROTECTED_MEDIA_ROOT) / photo.image.name


def purge() -> str:
    out = io.StringIO()
    call_command("purge_abandoned_photos", stdout=out)
    return out.getvalue()


def test_old_abandoned_photos_go_with_their_files_and_nothing_else_does(client_for, worker, child):
    client = client_for(worker)
    days = settings.VISIT_PENDING_PHOTO_DAYS
    abandoned = send_back(client, child, jpeg_with_exif(), jpeg_with_exif((80, 60)))
    recent = send_back(client, child, jpeg_with_exif())
    saved = send_back(client, child, jpeg_with_exif())
    assert client.post(create_url(child), {**form_data(), "kept_photos": saved[0]}).status_code == 302
    uploaded = client.post(create_url(child), {**form_data(), "photos": [jpeg_with_exif()]})
    assert uploaded.status_code == 302
    age(abandoned + saved, days + 1)  # the saved one was attached long ago: it belongs to its visit
    age(recent, days - 0.5)  # a form sent back yesterday may still be open on the phone
    gone = [file_of(p) for p in PendingVisitPhoto.objects.filter(pk__in=abandoned)]
    stays = [file_of(p) for p in PendingVisitPhoto.objects.filter(pk__in=recent)]
    visit_files = [file_of(p) for p in VisitPhoto.objects.all()]
    outside = Path(settings.PROTECTED_MEDIA_ROOT) / "visits" / "not-a-pending-photo.jpg"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_bytes(b"left alone")
    assert all(path.exists() for path in [*gone, *stays, *visit_files]) and len(visit_files) == 2

    assert purge().startswith("2 abandoned visit photos removed")

    assert not PendingVisitPhoto.objects.filter(pk__in=abandoned).exists()
    assert not any(path.exists() for path in gone)
    assert PendingVisitPhoto.objects.filter(pk__in=recent + saved).count() == 2
    assert all(path.exists() for path in [*stays, *visit_files]) and outside.read_bytes() == b"left alone"
    for photo in VisitPhoto.objects.all():  # the saved visit's photos still open
        assert client.get(photo.get_absolute_url()).status_code == 200
    # the kept photo of the form sent back yesterday is still saved with its visit
    assert client.post(create_url(child), {**form_data(), "kept_photos": recent[0]}).status_code == 302
    assert VisitPhoto.objects.count() == 3

    entry = AuditEntry.objects.filter(action="visit.pending_photos_purged").get()
    assert entry.user is None and entry.target_type == "" and entry.target_id == ""
    assert entry.detail == {"removed": 2, "files_missing": 0, "older_than_days": days}  # counts only


def test_running_twice_removes_nothing_more(client_for, worker, child):
    client = client_for(worker)
    age(send_back(client, child, jpeg_with_exif()), settings.VISIT_PENDING_PHOTO_DAYS + 1)
    assert purge().startswith("1 abandoned")
    assert purge().startswith("0 abandoned")
    assert not PendingVisitPhoto.objects.exists()
    assert [e.detail["removed"] for e in AuditEntry.objects.filter(action="visit.pending_photos_purged")
            .order_by("pk")] == [1, 0]  # one entry per run


def test_a_file_already_missing_does_not_stop_the_run(client_for, worker, child):
    client = client_for(worker)
    pks = send_back(client, child, jpeg_with_exif(), jpeg_with_exif())
    age(pks, settings.VISIT_PENDING_PHOTO_DAYS + 1)
    file_of(PendingVisitPhoto.objects.get(pk=pks[0])).unlink()
    other = file_of(PendingVisitPhoto.objects.get(pk=pks[1]))
    assert purge().startswith("2 abandoned visit photos removed (1 files already missing)")
    assert not PendingVisitPhoto.objects.exists() and not other.exists()
    assert AuditEntry.objects.get(action="visit.pending_photos_purged").detail["files_missing"] == 1


def test_the_setting_decides_the_age(client_for, worker, child, settings):
    client = client_for(worker)
    pks = send_back(client, child, jpeg_with_exif())
    age(pks, 1.5)
    assert purge().startswith("0 abandoned")
    settings.VISIT_PENDING_PHOTO_DAYS = 1
    assert purge().startswith("1 abandoned")


def test_a_restored_draft_naming_removed_photos_says_to_choose_them_again(client_for, worker, child):
    client = client_for(worker)
    pks = send_back(client, child, jpeg_with_exif(), jpeg_with_exif())
    age(pks, settings.VISIT_PENDING_PHOTO_DAYS + 1)
    purge()
    # days later the phone restores the draft, hidden ids and all, and the worker saves it
    response = client.post(create_url(child), {**form_data(), "kept_photos": ",".join(map(str, pks))},
                           follow=True)
    visit = Visit.objects.get()
    assert response.redirect_chain and not visit.photos.exists()
    page = response.content.decode()
    assert "为此表单保留的2张照片已删除（探访在3天内未保存），请重新选择。" in page
    # a form sent back again says it too, and no longer names them
    html = client.post(create_url(child), {**form_data(duration_minutes=""),
                                           "kept_photos": str(pks[0])}).content.decode()
    assert "为此表单保留的1张照片已删除" in html and 'id="kept-photos" value=""' in html


def test_beat_schedule_runs_the_purge_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["visits-purge-abandoned-photos"]
    assert entry["task"] == "visits.tasks.purge_abandoned_photos"
    assert entry["task"] in current_app.tasks
