"""Recording visits: permissions, bad input, the version check, photos and the one-time check-in."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from visits.models import DueVisit, Visit, VisitPhoto

from .conftest import make_visit

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {"type": "home", "visited_on": timezone.localdate().isoformat(), "duration_minutes": "45",
            "child_seen": "True", "family_composition": "与祖母同住", "guardianship_care": "祖母照料",
            "hazards": ["drowning"], "parents_contact": "weekly", "findings": "屋后鱼塘无围栏"}
    data.update(overrides)
    return data


def jpeg_with_exif(size=(64, 48)) -> io.BytesIO:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"       # Make
    exif[0x0110] = "SecretPhone"      # Model
    exif[0x8825] = {2: (21.0, 16.0, 0.0)}  # GPSInfo: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    out.seek(0)
    out.name = "IMG_张三家.jpg"
    return out


def create_url(child):
    return reverse("visits:visit_create", args=[child.pk])


# ---------------------------------------------------------------- permissions


def test_worker_of_the_area_records_a_visit(client_for, worker, child):
    client = client_for(worker)
    assert client.get(create_url(child)).status_code == 200
    response = client.post(create_url(child), form_data())
    visit = Visit.objects.get(child=child)
    assert response.status_code == 302 and response.url.startswith(visit.get_absolute_url())
    assert visit.recorded_by == worker and visit.child_seen is True and visit.hazards == ["drowning"]
    assert visit.risk_level == child.risk_level and visit.version == 1
    assert client.get(visit.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["other_worker", "outsider", "county_bureau", "sysadmin"])
def test_who_cannot_see_the_child_gets_404_everywhere(request, client_for, worker, child, persona):
    visit = make_visit(child, worker, on=timezone.localdate())
    client = client_for(request.getfixturevalue(persona))
    for url in (create_url(child), visit.get_absolute_url(), reverse("visits:visit_edit", args=[visit.pk]),
                reverse("visits:call_create", args=[child.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(create_url(child), form_data()).status_code == 404
    assert Visit.objects.count() == 1


def test_other_county_worker_cannot_open_a_visit_photo(client_for, worker, other_worker, child):
    client = client_for(worker)
    client.post(create_url(child), {**form_data(), "photos": [jpeg_with_exif()]})
    photo = VisitPhoto.objects.get()
    assert client.get(photo.get_absolute_url()).status_code == 200
    assert client_for(other_worker).get(photo.get_absolute_url()).status_code == 404


def test_bureau_reads_but_cannot_record_or_edit(client_for, worker, bureau, child):
    visit = make_visit(child, worker, on=timezone.localdate())
    client = client_for(bureau)
    assert client.get(visit.get_absolute_url()).status_code == 200
    assert client.post(create_url(child), form_data()).status_code == 403
    assert client.post(reverse("visits:visit_edit", args=[visit.pk]), form_data(version="1")).status_code == 403
    assert Visit.objects.count() == 1


def test_another_worker_of_the_same_area_cannot_edit_someone_elses_visit(client_for, worker, child):
    from conftest import make_user

    colleague = make_user("colleague", "social_worker", ["440802"])
    visit = make_visit(child, worker, on=timezone.localdate())
    client = client_for(colleague)
    assert client.get(visit.get_absolute_url()).status_code == 200
    assert client.post(reverse("visits:visit_edit", args=[visit.pk]), form_data(version="1")).status_code == 403


def test_supervisor_may_correct_a_visit(client_for, worker, supervisor, child):
    visit = make_visit(child, worker, on=timezone.localdate())
    response = client_for(supervisor).post(reverse("visits:visit_edit", args=[visit.pk]),
                                           form_data(version="1", findings="督导补充"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.findings == "督导补充" and visit.updated_by == supervisor and visit.version == 2


def test_login_required(client, child):
    response = client.get(create_url(child))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(("overrides", "message"), [
    ({"visited_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "探访日期不能晚于今天"),
    ({"child_seen": ""}, "请选择是否见到了儿童本人"),
    ({"duration_minutes": ""}, "请填写探访用了多少分钟"),
    ({"duration_minutes": "0"}, "1 到 720 分钟"),
    ({"visited_on": "昨天"}, "YYYY-MM-DD"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_saved(client_for, worker, child, overrides, message):
    response = client_for(worker).post(create_url(child), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Visit.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client_for, worker, child):
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"
    response = client_for(worker).post(create_url(child), {**form_data(), "photos": [fake]})
    assert response.status_code == 200
    assert "不是照片" in response.content.decode()
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_an_oversized_photo_is_refused(client_for, worker, child, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    big = jpeg_with_exif(size=(400, 400))
    response = client_for(worker).post(create_url(child), {**form_data(), "photos": [big]})
    assert response.status_code == 200
    assert "照片最大" in response.content.decode()
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_photo_is_reencoded_without_exif_and_stored_outside_media_root(client_for, worker, child,
                                                                       protected_media, settings):
    client = client_for(worker)
    client.post(create_url(child), {**form_data(), "photos": [jpeg_with_exif()]})
    photo = VisitPhoto.objects.get()
    path = photo.image.path
    assert path.startswith(str(protected_media)) and not path.startswith(settings.MEDIA_ROOT)
    assert "张三" not in path
    with Image.open(path) as stored:
        assert stored.format == "JPEG" and stored.size == (64, 48)
        assert len(stored.getexif()) == 0
    response = client.get(photo.get_absolute_url())
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    assert b"SecretPhone" not in b"".join(response.streaming_content)


# ---------------------------------------------------------------- the version check


def test_a_concurrent_edit_is_refused_and_nothing_is_overwritten(client_for, worker, supervisor, child):
    visit = make_visit(child, worker, on=timezone.localdate(), findings="原始记录")
    edit = reverse("visits:visit_edit", args=[visit.pk])
    # Both open the form at version 1; the supervisor saves first.
    assert client_for(supervisor).post(edit, form_data(version="1", findings="督导的修改")).status_code == 302
    response = client_for(worker).post(edit, form_data(version="1", findings="社工的修改"))
    assert response.status_code == 200
    assert "在您打开页面之后保存了这条记录" in response.content.decode()
    visit.refresh_from_db()
    assert visit.findings == "督导的修改" and visit.version == 2


def test_edit_form_carries_the_current_version(client_for, worker, child):
    visit = make_visit(child, worker, on=timezone.localdate())
    response = client_for(worker).get(reverse("visits:visit_edit", args=[visit.pk]))
    assert response.context["form"]["version"].value() == 1


# ---------------------------------------------------------------- schedule, check-in, one-click links


def test_recording_a_visit_schedules_the_next_one(client_for, worker, child):
    client_for(worker).post(create_url(child), form_data())
    due = DueVisit.objects.get(child=child, kind="home")
    assert due.last_visit_on == timezone.localdate() and due.due_on > timezone.localdate()


def test_check_in_is_stored_once_and_never_changed_by_an_edit(client_for, worker, child):
    client = client_for(worker)
    client.post(create_url(child), form_data(checkin_latitude="21.271234", checkin_longitude="110.358765",
                                             checkin_accuracy_m="15"))
    visit = Visit.objects.get()
    assert str(visit.checkin_latitude) == "21.271234" and visit.checkin_at is not None
    client.post(reverse("visits:visit_edit", args=[visit.pk]),
                form_data(version="1", checkin_latitude="22.0", checkin_longitude="111.0"))
    visit.refresh_from_db()
    assert str(visit.checkin_latitude) == "21.271234" and visit.version == 2


def test_half_a_check_in_is_refused(client_for, worker, child):
    response = client_for(worker).post(create_url(child), form_data(checkin_latitude="21.27"))
    assert "签到位置不完整" in response.content.decode()
    assert not Visit.objects.exists()


def test_visit_page_links_to_reassessment_discovery_report_and_case(client_for, worker, child):
    visit = make_visit(child, worker, on=timezone.localdate())
    page = client_for(worker).get(visit.get_absolute_url()).content.decode()
    assert reverse("children:risk_assess", args=[child.pk]) in page
    assert f"{reverse('cases:incident_create')}?child={child.pk}&amp;visit={visit.pk}" in page
    assert f"{reverse('cases:case_create')}?child={child.pk}&amp;visit={visit.pk}" in page


def test_form_page_loads_the_draft_script_and_no_inline_script(client_for, worker, child):
    page = client_for(worker).get(create_url(child)).content.decode()
    # The draft is kept under the user's id too: another user on the same phone never gets it.
    assert f'data-draft-key="visit-{worker.pk}-new-{child.pk}"' in page and "js/visits.js" in page
    assert "<script>" not in page
