import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEntry
from children import idnumber
from children.models import Child, Parent
from children.tests.factories import ChildCategoryFactory, ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(2015, 3, 1)
NUMBER = idnumber.make("440802", BORN, 3, "F")
TODAY = datetime.datetime(2026, 11, 29, 10, 0)


def form_data(**overrides) -> dict:
    data = {
        "name": "张小明", "sex": "F", "birth_date": BORN.isoformat(), "ethnicity": "汉族", "id_number": NUMBER,
        "hukou_type": "rural", "residence_county": "440802", "residence_town": "440802001",
        "residence_village": "440802001001", "address": "南方路3号", "health": "healthy", "economy": "none",
        "source": "survey", "legal_basis": "statutory_duty", "guardian_name": "张大山", "guardian_relation": "parent",
        "guardian_phone": "13800138000",
        "parents-TOTAL_FORMS": "2", "parents-INITIAL_FORMS": "0", "parents-MIN_NUM_FORMS": "0",
        "parents-MAX_NUM_FORMS": "2",
        "parents-0-kind": "father", "parents-0-name": "张大山", "parents-0-situation": "working_away",
        "parents-0-work_place": "广东省深圳市", "parents-0-phone": "13900139000", "parents-0-contact_frequency": "weekly",
        "parents-1-kind": "mother", "parents-1-situation": "working_away",  # the blank second form as sent
        "household-TOTAL_FORMS": "1", "household-INITIAL_FORMS": "0", "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "1000", "household-0-name": "李秀英", "household-0-relation": "祖母",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ scope

@pytest.mark.parametrize("persona", ["worker", "lead", "supervisor", "bureau"])
def test_those_who_cover_the_child_see_the_profile(persona, request, client_for):
    child = ChildFactory()
    assert client_for(request.getfixturevalue(persona)).get(child.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["other_worker", "outsider", "county_bureau", "sysadmin"])
def test_others_get_404_on_the_profile(persona, request, client_for):
    child = ChildFactory()  # 赤坎区
    client = client_for(request.getfixturevalue(persona))
    for name in ("detail", "pdf", "edit", "exit"):
        assert client.get(reverse(f"children:{name}", args=[child.pk])).status_code == 404
    assert client.post(reverse("children:reveal_id", args=[child.pk])).status_code == 404


def test_leizhou_worker_gets_404_on_a_chikan_child_but_sees_one_in_leizhou(other_worker, client_for):
    chikan = ChildFactory()
    leizhou = ChildFactory(residence_id="440882001001")
    client = client_for(other_worker)
    assert client.get(chikan.get_absolute_url()).status_code == 404
    assert client.get(leizhou.get_absolute_url()).status_code == 200


def test_read_only_roles_get_403_on_changes(bureau, client_for):
    child = ChildFactory()
    client = client_for(bureau)
    assert client.get(reverse("children:edit", args=[child.pk])).status_code == 403
    assert client.post(reverse("children:edit", args=[child.pk]), form_data()).status_code == 403
    assert client.post(reverse("children:exit", args=[child.pk]), {"reason": "other"}).status_code == 403
    assert client.post(reverse("children:create"), form_data()).status_code == 403
    assert Child.objects.count() == 1


def test_anonymous_is_sent_to_login(client):
    child = ChildFactory()
    response = client.get(child.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------ privacy on the page

def test_profile_shows_only_the_masked_id_and_audits_the_view(worker, client_for):
    child = ChildFactory(id_number=NUMBER)
    response = client_for(worker).get(child.get_absolute_url())
    content = response.content.decode()
    assert NUMBER not in content
    assert idnumber.mask(NUMBER) in content
    assert AuditEntry.objects.filter(action="child.view_profile", target_id=str(child.pk), user=worker).count() == 1


def test_reveal_shows_the_full_number_and_writes_exactly_one_audit_entry(worker, client_for):
    child = ChildFactory(id_number=NUMBER)
    before = AuditEntry.objects.count()
    response = client_for(worker).post(reverse("children:reveal_id", args=[child.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert NUMBER in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.target_id, entry.user) == ("child.reveal_id_number", str(child.pk), worker)


def test_reveal_is_post_only(worker, client_for):
    child = ChildFactory(id_number=NUMBER)
    assert client_for(worker).get(reverse("children:reveal_id", args=[child.pk])).status_code == 405
    assert not AuditEntry.objects.filter(action="child.reveal_id_number").exists()


def test_edit_form_never_contains_the_full_id_number(worker, client_for):
    child = ChildFactory(id_number=NUMBER)
    content = client_for(worker).get(reverse("children:edit", args=[child.pk])).content.decode()
    assert NUMBER not in content and idnumber.mask(NUMBER) in content


# ------------------------------------------------------------------ create and validation

@time_machine.travel(TODAY)
def test_worker_registers_a_child_with_parents_and_household(worker, client_for):
    response = client_for(worker).post(reverse("children:create"), form_data(id_number=" " + NUMBER.lower()))
    child = Child.objects.get()
    assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
    assert (child.id_number, child.name_initials, child.social_worker, child.created_by) == (
        NUMBER, "zxm", None, worker)
    assert child.parents.get().phone == "13900139000"
    assert child.household_members.get().name == "李秀英"
    assert child.history.first().history_user == worker


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"id_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "id_number", "校验位"),
    ({"id_number": NUMBER[:10]}, "id_number", "18位"),
    ({"id_number": ""}, "id_number", "请填写身份证号"),
    ({"birth_date": "2015-03-02"}, "birth_date", "2015-03-01"),
    ({"sex": "M"}, "sex", "女孩"),
    ({"id_number": idnumber.make("440802", datetime.date(2008, 1, 1), 3, "F"), "birth_date": "2008-01-01"},
     "birth_date", "未满18周岁"),
    ({"guardian_phone": "1380013800"}, "guardian_phone", "手机号"),
    ({"parents-0-phone": "23800138000"}, "phone", "手机号"),
    ({"parents-0-work_place": ""}, "work_place", "务工地"),
    ({"legal_basis": "guardian_consent"}, "consent_date", "同意日期"),
    ({"residence_village": "", "residence_town": "", "residence_county": ""}, "residence", ""),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(worker, client_for, overrides, field, message):
    response = client_for(worker).post(reverse("children:create"), form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = dict(form.errors)
    for parent_form in response.context["parents"].forms:
        errors.update(parent_form.errors)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert Child.objects.count() == 0 and Parent.objects.count() == 0


@time_machine.travel(TODAY)
def test_accepted_phone_forms(worker, client_for):
    client_for(worker).post(reverse("children:create"), form_data(guardian_phone="０７５９-３３３１２３４",
                                                                  **{"parents-0-phone": "+86 139 0013 9000"}))
    child = Child.objects.get()
    assert child.guardian_phone == "0759-3331234"
    assert child.parents.get().phone == "13900139000"


@time_machine.travel(TODAY)
def test_duplicate_id_visible_to_the_user_links_to_the_existing_record(worker, client_for):
    existing = ChildFactory(id_number=NUMBER, name="王芳")
    response = client_for(worker).post(reverse("children:create"), form_data(id_number=NUMBER.lower()))
    error = " ".join(response.context["form"].errors["id_number"])
    assert existing.get_absolute_url() in error and "王芳" in error
    assert Child.objects.count() == 1


@time_machine.travel(TODAY)
def test_duplicate_id_not_visible_to_the_user_leaks_nothing(other_worker, client_for):
    existing = ChildFactory(id_number=NUMBER, name="王芳")
    response = client_for(other_worker).post(
        reverse("children:create"),
        form_data(residence_county="440882", residence_town="440882001", residence_village="440882001001"))
    error = " ".join(response.context["form"].errors["id_number"])
    content = response.content.decode()
    assert error == "该身份证号无法登记，请联系项目负责人。"
    assert "区域" not in error and "已在台账" not in error
    assert "王芳" not in content and existing.get_absolute_url() not in content and "赤坎" not in error
    assert Child.objects.count() == 1


@time_machine.travel(TODAY)
def test_edit_keeps_the_id_number_when_left_empty_and_records_history(worker, client_for):
    child = ChildFactory(id_number=NUMBER, name="张小明", sex="F", birth_date=BORN)
    data = form_data(id_number="", name="张晓明", version="1",
                     **{"parents-TOTAL_FORMS": "0", "household-TOTAL_FORMS": "0"})
    response = client_for(worker).post(reverse("children:edit", args=[child.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    child.refresh_from_db()
    assert (child.name, child.id_number) == ("张晓明", NUMBER)
    change = child.history.first()
    assert change.history_user == worker
    page = client_for(worker).get(child.get_absolute_url()).content.decode()
    assert "张小明" in page and "张晓明" in page  # old → new in the change history


# ------------------------------------------------------------------ exit

@time_machine.travel(TODAY)
def test_exit_with_reason_and_date_keeps_the_record(worker, client_for):
    child = ChildFactory(created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    response = client_for(worker).post(reverse("children:exit", args=[child.pk]),
                                       {"reason": "parents_returned", "exited_on": "2026-11-20"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.status, child.exit_reason, child.exited_on) == ("exited", "parents_returned",
                                                                   datetime.date(2026, 11, 20))
    assert client_for(worker).get(child.get_absolute_url()).status_code == 200


@time_machine.travel(TODAY)
@pytest.mark.parametrize(("data", "field"), [
    ({"reason": "turned_16", "exited_on": "2026-11-20"}, "reason"),     # born 2015: only 11
    ({"reason": "other", "exited_on": "2026-11-20"}, "note"),
    ({"reason": "moved_away", "exited_on": "2026-12-20"}, "exited_on"),
    ({"reason": "moved_away"}, "exited_on"),
])
def test_bad_exit_is_refused(worker, client_for, data, field):
    child = ChildFactory(created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    response = client_for(worker).post(reverse("children:exit", args=[child.pk]), data)
    assert field in response.context["form"].errors
    child.refresh_from_db()
    assert child.status == Child.Status.REGISTERED


# ------------------------------------------------------------------ categories and evidence

@time_machine.travel(TODAY)
def test_left_behind_tag_is_refused_at_16_but_other_categories_allowed(worker, client_for):
    child = ChildFactory(birth_date=datetime.date(2010, 5, 1))  # 16
    client = client_for(worker)
    url = reverse("children:category_add", args=[child.pk])
    from children.models import Category
    left_behind, poor = Category.objects.get(code="left_behind"), Category.objects.get(code="poor_family")
    response = client.post(url, {"category": left_behind.pk, "recognised_on": "2026-11-01", "basis": "摸排"})
    assert "16" in " ".join(response.context["form"].errors["category"])
    assert response.status_code == 200 and not child.category_links.exists()
    response = client.post(url, {"category": poor.pk, "recognised_on": "2026-11-01", "basis": "低保证"})
    assert response.status_code == 302 and child.category_links.get().category == poor


@time_machine.travel(TODAY)
def test_evidence_is_downloaded_only_by_those_who_see_the_child_and_audited(worker, other_worker, client_for,
                                                                           protected_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from children.models import Category
    child = ChildFactory()
    client = client_for(worker)
    upload = SimpleUploadedFile("低保证.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = client.post(reverse("children:category_add", args=[child.pk]), {
        "category": Category.objects.get(code="poor_family").pk, "recognised_on": "2026-11-01", "basis": "低保证",
        "evidence": upload})
    assert response.status_code == 302
    link = child.category_links.get()
    assert str(protected_media) in link.evidence.path
    url = reverse("children:category_evidence", args=[child.pk, link.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
    assert AuditEntry.objects.filter(action="child.download_evidence", target_id=str(child.pk)).count() == 1
    client.logout()
    assert client_for(other_worker).get(url).status_code == 404


def test_removing_a_category_keeps_it_in_the_history(worker, client_for):
    link = ChildCategoryFactory()
    response = client_for(worker).post(reverse("children:category_remove", args=[link.child.pk, link.pk]))
    assert response.status_code == 302
    assert not link.child.category_links.exists()
    assert link.history.model.objects.filter(id=link.pk, history_type="-").exists()


# ------------------------------------------------------------------ benefits

def test_benefit_enrolment_is_recorded_by_the_worker(worker, client_for):
    from children.models import Benefit
    child = ChildFactory()
    response = client_for(worker).post(reverse("children:enrolment_add", args=[child.pk]), {
        "benefit": Benefit.objects.get(code="minimum_living").pk, "status": "stopped", "started_on": "2026-01-01"})
    assert "stopped_on" in response.context["form"].errors
    response = client_for(worker).post(reverse("children:enrolment_add", args=[child.pk]), {
        "benefit": Benefit.objects.get(code="minimum_living").pk, "status": "receiving", "started_on": "2026-01-01",
        "checked_on": "2026-11-01"})
    assert response.status_code == 302
    assert child.benefit_enrolments.get().checked_by == worker


# ------------------------------------------------------------------ turning 16 / 18

@time_machine.travel(TODAY)
def test_turning_age_page_and_home_card(worker, other_worker, client_for):
    left_behind = ChildCategoryFactory(child=ChildFactory(name="快十六", birth_date=datetime.date(2011, 1, 10))).child
    ChildFactory(name="十六无标签", birth_date=datetime.date(2011, 1, 10))
    ChildFactory(name="快十八", birth_date=datetime.date(2009, 1, 15))
    ChildFactory(name="还早", birth_date=datetime.date(2011, 6, 1))
    response = client_for(worker).get(reverse("children:turning_age"))
    content = response.content.decode()
    assert "快十六" in content and "快十八" in content and "2027-01-10" in content
    assert "十六无标签" not in content and "还早" not in content
    assert left_behind.name in content
    home = client_for(worker).get("/")
    card = next(c for c in home.context["cards"] if c.url == reverse("children:turning_age"))
    assert card.value == 2
    home = client_for(other_worker).get("/")
    assert next(c for c in home.context["cards"] if c.url == reverse("children:turning_age")).value == 0


# ------------------------------------------------------------------ parents shown with warnings

def test_parent_contact_warnings_on_profile(worker, client_for):
    parent = ParentFactory(contact_frequency=Parent.ContactFrequency.MONTHLY, last_met_on=datetime.date(2024, 1, 1))
    content = client_for(worker).get(parent.child.get_absolute_url()).content.decode()
    assert parent.name in content


def test_profile_query_count_does_not_grow_with_related_rows(worker, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from children.models import Benefit, Category
    from children.tests.factories import BenefitEnrolmentFactory, HouseholdMemberFactory

    def fill(child, n):
        for i, kind in enumerate(["father", "mother"][:n]):
            ParentFactory(child=child, kind=kind, phone=f"1390000000{i}")
        for i in range(n):
            HouseholdMemberFactory(child=child)
        for category in Category.objects.exclude(code="left_behind")[:n]:
            ChildCategoryFactory(child=child, category=category)
        for benefit in Benefit.objects.all()[:n]:
            BenefitEnrolmentFactory(child=child, benefit=benefit)

    small, large = ChildFactory(), ChildFactory()
    fill(small, 1)
    fill(large, 2)
    client = client_for(worker)
    client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as first:
        client.get(small.get_absolute_url())
    # The page's queries: session, user, the user's areas, the child with its places and people,
    # then one each for parents, household, tags + categories, enrolments + benefits + checker,
    # the benefits the tags suggest (+ their categories), the audit entry (savepoint, last, insert),
    # the timeline providers of the other apps, one history query per model (+ category and
    # benefit names), the place names, unread notifications. None is per row.
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(large.get_absolute_url())


@time_machine.travel(TODAY)
def test_photo_is_stored_privately_and_served_only_to_those_who_see_the_child(worker, other_worker, client_for,
                                                                            protected_media):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    photo = SimpleUploadedFile("张小明-2026.png", buffer.getvalue(), content_type="image/png")
    response = client_for(worker).post(reverse("children:create"), {**form_data(), "photo": photo})
    assert response.status_code == 302
    child = Child.objects.get()
    assert "张小明" not in child.photo.name and str(protected_media) in child.photo.path
    url = reverse("children:photo", args=[child.pk])
    assert url in client_for(worker).get(child.get_absolute_url()).content.decode()
    response = client_for(worker).get(url)
    # What is served is the stored, re-encoded JPEG (accounts.uploads), not the uploaded PNG.
    with child.photo.open("rb") as stored:
        assert stored.read(3) == b"\xff\xd8\xff"
        stored.seek(0)
        assert response.status_code == 200 and b"".join(response.streaming_content) == stored.read()
    client_for(worker).logout()
    assert client_for(other_worker).get(url).status_code == 404
