"""The hand-over from the browser (the lead starts it, the task runs it, the bureau downloads the zip; both
audited) and the reminder 60 days before the contract ends."""

import datetime
import html
import io
import re
import zipfile

import pytest

from accounts.models import AuditEntry, Notification
from activities.models import ContractYear
from children.tests.factories import ChildFactory
from handover import services
from handover.models import HandoverExport
from handover.tasks import contract_end_reminder

pytestmark = pytest.mark.django_db


def test_the_lead_starts_the_export_the_bureau_downloads_it(client_for, lead, bureau, worker):
    ChildFactory(name="陈小雨")
    client = client_for(lead)
    page = client.get("/handover/")
    assert page.status_code == 200
    assert [str(i["label"]) for i in page.context["nav_items"]].count("档案移交") == 1
    assert client.post("/handover/start/").status_code == 302
    assert client.post("/handover/start/").status_code == 302  # a second click: the same job
    job = HandoverExport.objects.get()
    assert job.created_by == lead and job.job_status == HandoverExport.Job.QUEUED
    assert AuditEntry.objects.filter(action="handover.started", username=lead.username).count() == 1

    assert services.run_export(job.pk) is True  # the Celery task's body
    assert services.run_export(job.pk) is False  # a second delivery does nothing
    job.refresh_from_db()
    assert job.job_status == HandoverExport.Job.DONE and job.progress == 100 and len(job.manifest_sha256) == 64
    status = client.get("/handover/status/")
    assert job.manifest_sha256 in status.content.decode()
    assert client.get("/handover/download/").status_code == 403  # the lead exports; the bureau downloads

    assert [str(i["label"]) for i in client_for(bureau).get("/").context["nav_items"]].count("档案移交") == 1
    bureau_client = client_for(bureau)
    assert bureau_client.get("/handover/download/").status_code == 403  # no signed link (R4)
    link = re.search(r'href="(/handover/download/\?t=[^"]+)"', bureau_client.get("/handover/status/").content.decode())
    response = bureau_client.get(html.unescape(link.group(1)))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in archive.namelist() and "data/json/children.child.json" in archive.namelist()
    assert archive.read("用户手册.pdf").startswith(b"%PDF")  # the user guide, though the PDFs were not ticked
    assert "陈小雨" in archive.read("data/json/children.child.json").decode()
    assert AuditEntry.objects.filter(action="handover.download", username=bureau.username).count() == 1


def test_nobody_else_opens_or_starts_it(client_for, worker, county_bureau, sysadmin):
    for user in (worker, county_bureau, sysadmin):
        client = client_for(user)
        assert client.get("/handover/").status_code == 403
        assert "档案移交" not in [str(i["label"]) for i in client.get("/").context["nav_items"]]
        assert client.post("/handover/start/").status_code == 403
        assert client.get("/handover/download/").status_code == 403
    assert not HandoverExport.objects.exists()


def test_download_before_any_export_is_a_404(client_for, bureau):
    assert client_for(bureau).get("/handover/download/").status_code == 404


def test_the_lead_is_reminded_once_60_days_before_the_contract_ends(lead, bureau, settings):
    year = ContractYear.objects.create(name="2026–2027", signed_on=datetime.date(2026, 3, 15))
    assert year.ends_on == datetime.date(2027, 3, 14)
    assert services.remind_contract_end(today=datetime.date(2027, 1, 12)) == 0  # 61 days before
    assert services.remind_contract_end(today=datetime.date(2027, 1, 13)) == 1  # 60 days before
    assert services.remind_contract_end(today=datetime.date(2027, 1, 14)) == 0  # already told
    note = Notification.objects.get(recipient=lead)
    assert "2027-03-14" in note.title
    assert not Notification.objects.filter(recipient=bureau).exists()
    # a renewal (a later contract year) moves the reminder to the new end
    ContractYear.objects.create(name="2027–2028", signed_on=datetime.date(2027, 3, 15))
    assert services.remind_contract_end(today=datetime.date(2027, 1, 20)) == 0
    assert "handover-contract-end" in settings.CELERY_BEAT_SCHEDULE
    assert contract_end_reminder() == 0


def test_the_status_page_says_when_the_user_guide_could_not_be_put_in_the_hand_over(client_for, lead, bureau,
                                                                                    monkeypatch, tmp_path):
    from guide import pages

    monkeypatch.setattr(pages, "guide_dir", lambda: tmp_path / "no-guide")  # e.g. docs/ not deployed
    client = client_for(lead)
    client.post("/handover/start/")
    job = HandoverExport.objects.get()
    assert services.run_export(job.pk) is True
    job.refresh_from_db()
    assert list(job.documents_missing) == ["用户手册.pdf"]
    for user in (lead, bureau):
        status = client_for(user).get("/handover/status/").content.decode()
        assert 'id="handover-documents-missing"' in status
        assert "以下文档未能生成" in status and "用户手册.pdf" in status and "FileNotFoundError" in status
        assert "请在“帮助”页面下载用户手册" in status


def test_the_status_page_of_a_complete_hand_over_has_no_warning(client_for, lead):
    client = client_for(lead)
    client.post("/handover/start/")
    assert services.run_export(HandoverExport.objects.get().pk) is True
    status = client.get("/handover/status/").content.decode()
    assert "清单的 SHA-256" in status and "handover-documents-missing" not in status
