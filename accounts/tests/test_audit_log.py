"""The audit log (issue 11 item 4): anchored by signed checkpoints, free of child data, covering
every sensitive page, and recording role and area changes."""

import datetime
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.models import AuditCheckpoint, AuditEntry, Role, User
from cases import services as case_services
from cases.models import Case
from children.services import record_assessment
from children.tests.factories import ChildFactory
from visits.models import FollowUpContact, Visit, VisitPhoto

pytestmark = pytest.mark.django_db

NUMBER = "440802201503010026"
SCORES = {"family": 1, "care": 1, "schooling": 0, "health": 0, "economy": 0, "safety": 0}


def verify() -> tuple[int, str]:
    """Run verify_audit_log; (exit status, what it wrote to stderr)."""
    err = io.StringIO()
    try:
        call_command("verify_audit_log", stdout=io.StringIO(), stderr=err)
    except SystemExit as exit:
        return exit.code, err.getvalue()
    return 0, err.getvalue()


@pytest.fixture
def logged(worker):
    for n in range(5):
        services.audit(user=worker, action="child.view_profile", n=n)
    assert verify() == (0, "")  # intact: the command signs a checkpoint of the head
    return AuditCheckpoint.objects.get()


def test_a_checkpoint_signs_the_head_and_goes_to_the_log_output(worker, caplog):
    services.audit(user=worker, action="child.view_profile")
    with caplog.at_level(logging.INFO, logger="tonghu.audit"):
        from accounts.tasks import audit_checkpoint
        checkpoint = AuditCheckpoint.objects.get(pk=audit_checkpoint())
    last = AuditEntry.objects.get()
    assert (checkpoint.last_entry_id, checkpoint.count, checkpoint.head_digest) == (last.pk, 1, last.digest)
    assert f"last_id={last.pk} count=1 head={last.digest}" in caplog.text
    assert checkpoint.signature == services.sign_checkpoint(checkpoint)


def test_deleting_the_last_entries_is_reported(logged):
    for entry in AuditEntry.objects.order_by("-id")[:2]:
        entry.delete()
    status, err = verify()
    assert status == 1 and "截断" in err


def test_deleting_every_entry_is_reported(logged):
    AuditEntry.objects.all().delete()
    status, err = verify()
    assert status == 1 and "截断" in err and "现存 0 条" in err


def test_rewriting_an_entry_and_recomputing_the_chain_is_reported(logged):
    entries = list(AuditEntry.objects.order_by("id"))
    entries[1].detail = {"n": 99}
    previous = entries[0].digest
    for entry in entries[1:]:  # the attacker recomputes every digest after the change
        entry.previous_digest = previous
        entry.digest = previous = entry.compute_digest()
        AuditEntry.objects.filter(pk=entry.pk).update(detail=entry.detail, previous_digest=entry.previous_digest,
                                                      digest=entry.digest)
    problems = [str(p) for p in services.verify_audit_chain()]
    assert problems and all("检查点" in p for p in problems)  # the chain itself is consistent
    status, err = verify()
    assert status == 1 and "重写" in err


def test_a_checkpoint_recomputed_without_the_key_is_reported(logged):
    entries = list(AuditEntry.objects.order_by("id"))
    AuditEntry.objects.filter(pk=entries[-1].pk).update(digest="0" * 64)
    AuditCheckpoint.objects.update(head_digest="0" * 64)  # cannot re-sign: the key is not in the database
    status, err = verify()
    assert status == 1 and "签名" in err


def test_deleting_an_entry_in_the_middle_and_rechaining_is_reported(logged):
    entries = list(AuditEntry.objects.order_by("id"))
    entries[2].delete()
    AuditEntry.objects.filter(pk=entries[3].pk).update(previous_digest=entries[1].digest)
    status, err = verify()
    assert status == 1 and "共 5 条" in err


# ---------------------------------------------------------------- no child data in the log

def test_a_search_by_id_number_or_phone_is_audited_without_the_term(client_for, worker):
    child = ChildFactory(name="王小红", id_number=NUMBER, guardian_phone="13800138000")
    client = client_for(worker)
    for term, kind in ((NUMBER, "id_number"), ("138 0013 8000", "phone")):
        assert child.name in client.get(reverse("children:list"), {"q": term}).content.decode()
        entry = AuditEntry.objects.filter(action="child.search").latest("id")
        assert entry.detail["kind"] == kind and entry.detail["found"] == 1
    stored = str(list(AuditEntry.objects.values()))
    assert NUMBER not in stored and "13800138000" not in stored and "王小红" not in stored


def test_the_admin_audit_log_shows_who_when_what_kind_not_the_child(client_for, worker, sysadmin):
    child = ChildFactory(name="王小红", id_number=NUMBER)
    client_for(worker).get(child.get_absolute_url())
    client_for(worker).get(reverse("children:list"), {"q": NUMBER})
    page = client_for(sysadmin).get(reverse("admin:accounts_auditentry_changelist")).content.decode()
    assert "child.view_profile" in page and "worker_chikan" in page
    assert "王小红" not in page and NUMBER not in page
    entry = AuditEntry.objects.get(action="child.view_profile")
    page = client_for(sysadmin).get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).content.decode()
    assert "王小红" not in page and NUMBER not in page


def test_the_migration_hashes_old_search_terms_as_the_service_does():
    from importlib import import_module

    migration = import_module("accounts.migrations.0002_audit_references_and_checkpoints")
    old = {"filters": {"q": "王小红", "county": "440802", "village": "440802001001"}, "phone": "13800138000"}
    scrubbed = migration.scrub(old)
    assert scrubbed == services._scrub(old)
    assert scrubbed["filters"]["county"] == "440802" and scrubbed["filters"]["village"] == "440802001001"
    assert "王小红" not in str(scrubbed) and "13800138000" not in str(scrubbed)


# ---------------------------------------------------------------- what is audited

def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def records(worker):
    child = ChildFactory(social_worker=worker)
    child.photo.save("p.jpg", ContentFile(_jpeg()))
    case = case_services.open_case(child=child, by=worker, source=Case.Source.VISIT, source_note="入户",
                                   reason="祖母年迈")
    visit = Visit.objects.create(child=child, type=Visit.Type.HOME, visited_on=datetime.date.today(),
                                 duration_minutes=30, child_seen=True, recorded_by=worker)
    photo = VisitPhoto(visit=visit, uploaded_by=worker)
    photo.image.save("v.jpg", ContentFile(_jpeg()))
    assessment = record_assessment(child=child, by=worker, occasion="intake", assessed_on=datetime.date.today(),
                                   scores=SCORES, triggers=[], confirmed_level="medium_low")
    contact = FollowUpContact.objects.create(division_id="440802001001", contacted_on=datetime.date.today(),
                                             contact_name="李主任", contact_role="儿童主任", learned="正常",
                                             recorded_by=worker)
    return {"child": child, "case": case, "visit": visit, "photo": photo, "assessment": assessment,
            "contact": contact}


VIEWS = [
    ("case.view", "case", lambda r: reverse("cases:detail", args=[r["case"].pk])),
    ("visit.view", "visit", lambda r: reverse("visits:visit_detail", args=[r["visit"].pk])),
    ("risk.view", "assessment", lambda r: reverse("children:risk_detail", args=[r["child"].pk, r["assessment"].pk])),
    ("followup.view", "contact", lambda r: reverse("visits:followup_detail", args=[r["contact"].pk])),
    ("child.view_photo", "child", lambda r: reverse("children:photo", args=[r["child"].pk])),
    ("visit.view_photo", "photo", lambda r: reverse("visits:photo", args=[r["photo"].pk])),
]
ADMIN_VIEWS = [
    ("child.view_admin", "child", "admin:children_child_change"),
    ("case.view_admin", "case", "admin:cases_case_change"),
    ("visit.view_admin", "visit", "admin:visits_visit_change"),
]


@pytest.mark.parametrize("action,key,url", VIEWS, ids=[v[0] for v in VIEWS])
def test_each_sensitive_page_writes_an_audit_entry(client_for, worker, records, action, key, url):
    response = client_for(worker).get(url(records))
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=action)
    assert (entry.user, entry.target_id) == (worker, str(records[key].pk))


@pytest.mark.parametrize("action,key,name", ADMIN_VIEWS, ids=[v[0] for v in ADMIN_VIEWS])
def test_each_admin_change_page_writes_an_audit_entry(client_for, supervisor, records, action, key, name):
    assert client_for(supervisor).get(reverse(name, args=[records[key].pk])).status_code == 200
    entry = AuditEntry.objects.get(action=action)
    assert (entry.user, entry.target_id, entry.detail) == (supervisor, str(records[key].pk), {"via": "admin"})


def test_an_admin_search_by_id_number_is_audited_hashed(client_for, supervisor):
    ChildFactory(id_number=NUMBER)
    client_for(supervisor).get(reverse("admin:children_child_changelist"), {"q": NUMBER})
    entry = AuditEntry.objects.get(action="child.search")
    assert entry.detail["kind"] == "id_number" and NUMBER not in str(entry.detail)


# ---------------------------------------------------------------- roles and areas

def _user_form(user, **changes) -> dict:
    data = {"username": user.username, "full_name": user.full_name, "role": user.role, "is_active": "on",
            "is_staff": "on" if user.is_staff else "", "is_superuser": "on" if user.is_superuser else "",
            "areas": [d.pk for d in user.areas.all()], "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
            "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0", "profile-MAX_NUM_FORMS": "1"}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_role_and_area_change_is_audited(client_for, sysadmin, worker):
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    response = client_for(sysadmin).post(url, _user_form(worker, role=Role.SUPERVISOR, areas=[]))
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.access_changed")
    assert entry.user == sysadmin and entry.target_id == str(worker.pk)
    assert entry.detail["role"] == [Role.SOCIAL_WORKER, Role.SUPERVISOR] and entry.detail["areas"] == [["440802"], []]
    assert services.verify_audit_chain() == []


def test_nobody_changes_their_own_role_or_area(client_for, sysadmin):
    url = reverse("admin:accounts_user_change", args=[sysadmin.pk])
    response = client_for(sysadmin).post(url, _user_form(sysadmin, role=Role.PROJECT_LEAD))
    assert response.status_code == 200 and "不能修改自己的角色" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.ADMIN and not AuditEntry.objects.filter(action="user.access_changed").exists()


# ---------------------------------------------------------------- written last

def test_the_entry_is_written_after_the_pdf_is_rendered(client_for, lead, monkeypatch):
    """The audit write is the last thing a request does: nothing of the chain is touched (and on
    PostgreSQL no lock is held, see test_audit_concurrency) while the PDF renders."""
    from children import pdf

    child = ChildFactory()
    seen = []
    real = pdf.render_child_pdf

    def render(*args, **kwargs):
        seen.append(AuditEntry.objects.filter(action="child.view_pdf").exists())
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_child_pdf", render)
    assert client_for(lead).get(reverse("children:pdf", args=[child.pk])).status_code == 200
    assert seen == [False] and AuditEntry.objects.filter(action="child.view_pdf").count() == 1
    assert services.verify_audit_chain() == []


def test_a_request_that_fails_writes_no_entry(client_for, lead, monkeypatch):
    from children import pdf

    child = ChildFactory()
    monkeypatch.setattr(pdf, "render_child_pdf", lambda *a, **k: 1 / 0)
    client = client_for(lead)
    client.raise_request_exception = False
    assert client.get(reverse("children:pdf", args=[child.pk])).status_code == 500
    assert not AuditEntry.objects.exists()


def test_staff_follows_the_role_and_accounts_are_never_deleted(client_for, sysadmin, worker):
    """A supervisor made in the admin can open the admin without a hand-ticked 工作人员状态; a worker made
    from a supervisor loses it; and there is no 删除 for accounts (they are deactivated)."""
    client = client_for(sysadmin)
    response = client.post(reverse("admin:accounts_user_add"), {
        "username": "new_supervisor", "password1": "Tonghu-Sup-2026!x", "password2": "Tonghu-Sup-2026!x",
        "usable_password": "true", "full_name": "新督导", "role": Role.SUPERVISOR,
        "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0", "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(username="new_supervisor").is_staff
    worker.is_staff = True
    worker.save()
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    assert client.post(url, _user_form(worker, role=Role.SUPERVISOR)).status_code == 302
    worker.refresh_from_db()
    assert worker.is_staff
    assert client.post(url, _user_form(worker, role=Role.SOCIAL_WORKER)).status_code == 302
    worker.refresh_from_db()
    assert not worker.is_staff
    assert client.get(reverse("admin:accounts_user_delete", args=[worker.pk])).status_code == 403
    assert "deletelink" not in client.get(url).content.decode()


def test_the_admin_audit_log_speaks_chinese_and_local_time(client_for, worker, sysadmin):
    entry = services.audit(user=worker, action="child.search", target=None, kind="name")
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=datetime.datetime(2026, 11, 30, 20, 5,
                                                                               tzinfo=datetime.UTC))
    client = client_for(sysadmin)
    page = client.get(reverse("admin:accounts_auditentry_changelist")).content.decode()
    for english in ("Created at", "Username", "以 action", "Target id", "Ip address"):
        assert english not in page
    assert "以 操作" in page and "用户名" in page and "2026年12月1日 04:05" in page
    page = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).content.decode()
    for english in ("Created at", "Detail:", "Previous digest", "Digest:", "Target type"):
        assert english not in page
    assert "摘要值" in page and "详细情况" in page
    assert "20:05" not in page and page.count("2026-12-01 04:05") >= 2  # title and breadcrumb
    assert "2026年12月1日 04:05" in page
