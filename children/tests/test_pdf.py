import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEntry
from children import idnumber
from children.tests.factories import ChildCategoryFactory, ChildFactory, ParentFactory

pytestmark = pytest.mark.django_db

NUMBER = idnumber.make("440883", datetime.date(2014, 6, 1), 5, "M")


def test_pdf_of_the_profile_has_the_chinese_text_and_only_the_masked_id(lead, client_for):
    # 塘㙍镇 has a CJK Extension A character: the embedded font must carry it.
    child = ChildFactory(name="陈小龙", sex="M", birth_date=datetime.date(2014, 6, 1), id_number=NUMBER,
                         residence_id="440883107001", address="塘溪路8号")
    ParentFactory(child=child, name="陈大海", work_place="广东省东莞市")
    ChildCategoryFactory(child=child)
    response = client_for(lead).get(reverse("children:pdf", args=[child.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("陈小龙", "塘㙍镇", "陈大海", "广东省东莞市", "农村留守儿童", idnumber.mask(NUMBER), "个人档案"):
        assert expected in text
    assert NUMBER not in text
    assert AuditEntry.objects.filter(action="child.view_pdf", target_id=str(child.pk), user=lead).count() == 1


def test_pdf_is_404_for_a_worker_of_another_county(other_worker, client_for):
    child = ChildFactory()
    assert client_for(other_worker).get(reverse("children:pdf", args=[child.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="child.view_pdf").exists()
