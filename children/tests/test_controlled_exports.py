"""Controlled exports (R4, docs/privacy.md "Controlled exports"), through HTTP: a capability per kind of
export, who and when on every file (the xlsx footer, the PDF watermark), download links that expire, and the
bureaus' registry exports masked unless a reason is recorded (the reason in the audit log)."""

import datetime
import html
import io
import re
import subprocess

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEntry
from children.tests.factories import ChildFactory
from children.tests.importing_helpers import make_id

pytestmark = pytest.mark.django_db

BORN = datetime.date(2013, 2, 28)
NUMBER = make_id(BORN, 7)


def _book(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def child():
    return ChildFactory(id_number=NUMBER, residence_id="440802006200")


def test_the_xlsx_footer_names_who_exported_it_and_when(client_for, lead, child):
    lead.full_name = "林导出"
    lead.save()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 7, 30, tzinfo=datetime.UTC), tick=False):
        response = client_for(lead).get(reverse("children:export"))
    sheet = _book(response).active
    assert sheet.oddFooter.left.text == "导出人：林导出　导出时间：2026-12-01 15:30"
    assert sheet.cell(row=2, column=5).value != NUMBER  # masked unless asked for


def test_the_child_pdf_carries_the_viewers_name_as_a_watermark(client_for, lead, child):
    lead.full_name = "林导出"
    lead.save()
    response = client_for(lead).get(reverse("children:pdf", args=[child.pk]))
    pages = _pdf_text(response.content).split("\f")[:-1]
    assert len(pages) >= 1
    assert all("导出人：林导出" in page and "导出时间：" in page for page in pages)  # on every page


def test_bureau_export_without_a_reason_is_masked_with_one_full_and_the_reason_audited(client_for, bureau,
                                                                                        county_bureau, child):
    client = client_for(bureau)
    page = client.get(reverse("children:list")).content.decode()
    assert 'name="reason"' in page and "导出原因" in page
    masked = _book(client.get(reverse("children:export"), {"full": "1"})).active
    assert masked.cell(row=2, column=5).value != NUMBER and masked.cell(row=2, column=5).value.startswith("440802")
    assert AuditEntry.objects.get(action="children.export").detail["full"] is False

    full = _book(client.get(reverse("children:export"), {"full": "1", "reason": "核查留守儿童台账"})).active
    assert full.cell(row=2, column=5).value == NUMBER
    entry = AuditEntry.objects.filter(action="children.export").order_by("-pk").first()
    assert entry.detail["full"] is True and entry.detail["reason"] == "核查留守儿童台账"
    assert entry.username == bureau.username
    # the county bureau alike (a child of its own county)
    ChildFactory(id_number=make_id(BORN, 9, region="440823"), residence_id="440823101200")
    county_client = client_for(county_bureau)
    masked = _book(county_client.get(reverse("children:export"), {"full": "1", "reason": " "})).active
    assert masked.cell(row=2, column=5).value == "440823************"
    county = _book(county_client.get(reverse("children:export"), {"full": "1", "reason": "抽查"})).active
    assert county.cell(row=2, column=5).value == make_id(BORN, 9, region="440823")
    assert AuditEntry.objects.filter(action="children.export", username=county_bureau.username,
                                     detail__reason="抽查").count() == 1


def test_a_role_without_the_export_capability_gets_403(client_for, sysadmin, worker, child):
    assert client_for(sysadmin).get(reverse("children:export")).status_code == 403
    # the child's PDF: the administrator sees no child, so 404 comes first (no one learns which ids exist)
    assert client_for(sysadmin).get(reverse("children:pdf", args=[child.pk])).status_code == 404
    # a social worker may export the masked ledger but never the full one, reason or not
    assert client_for(worker).get(reverse("children:export"), {"full": "1", "reason": "想看"}).status_code == 403
    assert not AuditEntry.objects.filter(action="children.export").exists()


def test_a_download_link_expires_after_an_hour_and_works_only_for_its_user(client_for, lead, bureau):
    from handover.models import HandoverExport
    from handover.services import run_export, start_export

    job, _created = start_export(by=lead, include_pdfs=False)
    run_export(job.pk)
    client = client_for(bureau)
    status = client.get(reverse("handover:status")).content.decode()
    link = html.unescape(re.search(r'href="(/handover/download/\?t=[^"]+)"', status).group(1))
    assert client.get(link).status_code == 200
    assert client_for(lead).get(link).status_code == 403  # the lead may not download at all
    with time_machine.travel(datetime.timedelta(minutes=61)):
        refused = client_for(bureau).get(link)
    assert refused.status_code == 403 and "下载链接已过期" in refused.content.decode()
    assert AuditEntry.objects.filter(action="handover.download").count() == 1
    assert HandoverExport.objects.filter(pk=job.pk).exists()
