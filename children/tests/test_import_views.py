"""Import in the browser (upload → preview → confirm), the template download, and the web export."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from accounts.fields import blind_index
from accounts.models import AuditEntry
from children.importing import plan_import
from children.models import Child

from .factories import ChildFactory
from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db

BORN = datetime.date(2014, 6, 15)


def upload(rows, name="台账.xlsx"):
    return SimpleUploadedFile(name, to_xlsx([HEADERS, *rows]).getvalue())


def good(n, place=("赤坎区", "中华街道", "南方社区")):
    return [n, f"张{n}", "女", make_id(BORN, n), None, *place, "农村留守儿童"]


def uploaded_files(root):
    return [p for p in root.rglob("*.xlsx")]


def start(client, rows):
    response = client.post(reverse("children:import"), {"file": upload(rows)})
    assert response.status_code == 302
    return response.url


def test_upload_preview_then_confirm_imports(client_for, worker, protected_media):
    client = client_for(worker)
    assert client.get(reverse("children:import")).status_code == 200
    preview = start(client, [good(1), good(2)])
    response = client.get(preview)
    assert response.status_code == 200
    assert [p.row for p in response.context["rows"]] == [2, 3]
    assert "4408**********" in response.content.decode()
    assert Child.objects.count() == 0  # nothing saved before the confirm
    response = client.post(preview)
    assert response.status_code == 302 and response.url == reverse("children:list")
    assert Child.objects.visible_to(worker).count() == 2
    assert uploaded_files(protected_media) == []
    assert client.get(preview).status_code == 404  # the upload is gone once imported


def test_preview_lists_every_problem_and_confirm_saves_nothing(client_for, worker, protected_media):
    client = client_for(worker)
    bad = good(2)
    bad[3] = "440802201406150021"
    preview = start(client, [good(1), bad, good(3, ("雷州市", "白沙镇", "麻扶村"))])
    response = client.get(preview)
    problems = response.context["plan"].problems
    assert [(p.row, p.column) for p in problems] == [(3, "公民身份号码"), (4, "村（居）")]
    assert "校验位" in response.content.decode() and "工作区域" in response.content.decode()
    response = client.post(preview)
    assert response.status_code == 400
    assert Child.objects.count() == 0
    assert uploaded_files(protected_media) == []  # checked once: the plan is kept, the file is not


def test_cancel_discards_the_upload(client_for, worker, protected_media):
    client = client_for(worker)
    preview = start(client, [good(1)])
    token = preview.rstrip("/").split("/")[-1]
    response = client.post(reverse("children:import_cancel", args=[token]))
    assert response.status_code == 302
    assert uploaded_files(protected_media) == [] and Child.objects.count() == 0


def test_a_file_that_is_not_xlsx_is_refused_in_chinese(client_for, worker, protected_media):
    response = client_for(worker).post(reverse("children:import"),
                                       {"file": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0")})
    assert response.status_code == 200
    assert "另存为 .xlsx" in response.content.decode()
    assert uploaded_files(protected_media) == []


def test_someone_elses_upload_is_404(client, worker, other_worker):
    client.force_login(worker)
    preview = start(client, [good(1)])
    client.force_login(other_worker)
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    assert Child.objects.count() == 0


def test_bad_token_is_404(client_for, worker):
    assert client_for(worker).get(reverse("children:import_preview", args=["not-a-token"])).status_code == 404


def test_read_only_roles_get_403(client_for, bureau):
    client = client_for(bureau)
    assert client.get(reverse("children:import")).status_code == 403
    assert client.post(reverse("children:import"), {"file": upload([good(1)])}).status_code == 403
    assert Child.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("children:import")).status_code == 302
    assert client.get(reverse("children:export")).status_code == 302


def test_template_has_the_ledger_columns_and_is_recognised(client_for, worker, tmp_path):
    response = client_for(worker).get(reverse("children:import_template"))
    assert response.status_code == 200
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    book = load_workbook(path)
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:6] == ["序号", "姓名", "性别", "民族", "公民身份号码", "出生日期"]
    assert "村（居）" in header and "儿童类别" in header
    assert book.worksheets[0]["E2"].number_format == "@"  # the ID column keeps every digit
    assert book.worksheets[1]["A1"].value == "列名"
    with open(path, "rb") as file:
        plan = plan_import(file)
    assert [str(p) for p in plan.problems] == ["台账有表头，但表头下没有儿童信息。"]


def read(response):
    from io import BytesIO

    return [list(r) for r in load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True)]


def test_worker_exports_only_visible_children_masked(client_for, worker):
    ChildFactory(name="赤坎儿童", id_number=make_id(BORN, 1))
    ChildFactory(name="雷州儿童", id_number=make_id(BORN, 2), residence_id="440882100201")
    response = client_for(worker).get(reverse("children:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read(response)
    assert [r[1] for r in rows[1:]] == ["赤坎儿童"]
    assert rows[1][4] == make_id(BORN, 1)[:6] + "*" * 12  # the region only (docs/privacy.md, "Masked exports")
    entry = AuditEntry.objects.get(action="children.export")
    assert entry.user == worker and entry.detail["children"] == 1 and entry.detail["filters"] == {}


def test_export_follows_the_lists_filter_and_search(client_for, lead):
    ChildFactory(name="张小明", id_number=make_id(BORN, 1))
    ChildFactory(name="李小红", id_number=make_id(BORN, 2))
    ChildFactory(name="张大明", id_number=make_id(BORN, 3), residence_id="440882100201")
    response = client_for(lead).get(reverse("children:export"), {"q": "zxm", "place_county": "440802"})
    assert [r[1] for r in read(response)[1:]] == ["张小明"]
    # the search term is kept as its HMAC, never in clear (docs/privacy.md, "Audit log")
    assert AuditEntry.objects.get(action="children.export").detail["filters"] == {"q": "hmac:" + blind_index("zxm"),
                                                                                   "place_county": "440802"}


def test_export_with_a_bad_filter_sends_back_to_the_list(client_for, lead):
    response = client_for(lead).get(reverse("children:export"), {"age_min": "12", "age_max": "3"})
    assert response.status_code == 302 and response.url.startswith(reverse("children:list"))
    assert not AuditEntry.objects.filter(action="children.export").exists()


def test_full_export_is_403_for_a_worker_and_allowed_to_the_lead(client_for, worker, lead):
    ChildFactory(id_number=make_id(BORN, 1))
    assert client_for(worker).get(reverse("children:export"), {"full": "1"}).status_code == 403
    assert not AuditEntry.objects.filter(action="children.export").exists()
    response = client_for(lead).get(reverse("children:export"), {"full": "1"})
    assert read(response)[1][4] == make_id(BORN, 1)
    assert AuditEntry.objects.get(action="children.export").detail["full"] is True


def test_outsider_exports_an_empty_ledger(client_for, outsider):
    ChildFactory()
    rows = read(client_for(outsider).get(reverse("children:export")))
    assert len(rows) == 1


@pytest.mark.parametrize("children", [2, 10])
def test_export_query_count_does_not_grow_with_children(client_for, lead, django_assert_num_queries, children):
    client = client_for(lead)
    ChildFactory.create_batch(children)
    read(client.get(reverse("children:export")))  # the first request also refreshes the session
    # 1 session, 2 user, 3 savepoint (the request's transaction), 4 division names, 5 children,
    # 6 their parents, 7 their category tags, 8 savepoint, 9 last audit entry, 10 new audit entry,
    # 11-12 release savepoints; on PostgreSQL one more, the advisory lock of the audit chain.
    with django_assert_num_queries(12 + (connection.vendor == "postgresql")):
        rows = read(client.get(reverse("children:export")))
    assert len(rows) == children + 1


def test_preview_names_the_columns_it_does_not_import(client_for, worker):
    client = client_for(worker)
    rows = [[*HEADERS, "风险等级", "备注"], [*good(1), "高风险", "无"]]
    response = client.post(reverse("children:import"), {"file": SimpleUploadedFile("台账.xlsx", to_xlsx(rows).getvalue())})
    response = client.get(response.url)
    assert response.context["plan"].ignored_headers == ["风险等级", "备注"]
    assert "风险等级须由社工风险评估后确认" in response.content.decode()
