"""The case archive PDF names who printed it and when on every page (R4, docs/privacy.md "Controlled exports");
the system administrator, who sees no case, gets 404."""

import subprocess

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_of_the_case_pdf_carries_the_printers_name(client_for, worker, sysadmin, case):
    worker.full_name = "周社工"
    worker.save()
    response = client_for(worker).get(reverse("cases:pdf", args=[case.pk]))
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    pages = text.split("\f")[:-1]
    assert pages and all("导出人：周社工" in page and "导出时间：" in page for page in pages)
    # the system administrator sees no case (404 before the print capability is asked, like every object page)
    assert client_for(sysadmin).get(reverse("cases:pdf", args=[case.pk])).status_code == 404
