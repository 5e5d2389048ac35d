"""Issue 11 item 8: a ledger is parsed once and its checked plan kept server-side; rows and unpacked size
are capped; a big ledger is checked and imported by Celery tasks behind a progress page."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from children import import_views, tasks
from children.importing import MAX_UNZIPPED_BYTES, plan_import
from children.models import Child, LedgerImport

from .importing_helpers import HEADERS, make_id, to_xlsx

pytestmark = pytest.mark.django_db

BORN = datetime.date(2014, 6, 15)


def good(n, categories="农村留守儿童"):
    return [n, f"张{n}", "女", make_id(BORN, n), None, "赤坎区", "中华街道", "南方社区", categories]


def upload(rows, name="台账.xlsx"):
    return SimpleUploadedFile(name, to_xlsx([HEADERS, *rows]).getvalue())


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_confirm_reads_the_stored_plan_not_the_file(client_for, worker, protected_media):
    client = client_for(worker)
    preview = client.post(reverse("children:import"), {"file": upload([good(1), good(2)])}).url
    job = LedgerImport.objects.get()
    assert job.state == LedgerImport.State.CHECKED and job.row_count == 2
    # the plan is encrypted at rest: the raw column holds no ID number
    with connection.cursor() as cursor:
        cursor.execute("SELECT plan FROM children_ledgerimport")
        assert make_id(BORN, 1) not in cursor.fetchone()[0]
    for path in protected_media.rglob("*.xlsx"):  # even if a file were left, confirm must not need it
        path.unlink()
    assert client.get(preview).status_code == 200
    response = client.post(preview)
    assert response.status_code == 302 and response.url == reverse("children:list")
    assert sorted(Child.objects.values_list("name", flat=True)) == ["张1", "张2"]
    assert not LedgerImport.objects.exists()


def test_the_preview_of_a_stored_plan_shows_rows_categories_and_pending(client_for, worker, protected_media,
                                                                         django_assert_max_num_queries):
    client = client_for(worker)
    rows = [good(n) for n in range(1, 30)] + [good(40, "困境儿童")]
    preview = client.post(reverse("children:import"), {"file": upload(rows)}).url
    with django_assert_max_num_queries(12):
        response = client.get(preview)
    page = response.content.decode()
    assert "农村留守儿童" in page and 'id="pending-count"' in page and "30 名" in page


def test_zip_bomb_is_refused_before_openpyxl_loads_it(client_for, worker, protected_media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNZIPPED_BYTES + 2**20))
    assert len(buffer.getvalue()) < 2**20  # small on the wire
    client = client_for(worker)
    preview = client.post(reverse("children:import"),
                          {"file": SimpleUploadedFile("台账.xlsx", buffer.getvalue())}).url
    response = client.get(preview)
    messages = [p.message for p in response.context["plan"].problems]
    assert len(messages) == 1 and "拆分" in messages[0] and "MB" in messages[0]
    assert Child.objects.count() == 0


def test_a_ledger_over_the_row_cap_is_refused_in_chinese(monkeypatch, lead):
    monkeypatch.setattr("children.importing.sheet.MAX_ROWS", 5)
    plan = plan_import(to_xlsx([HEADERS, *[good(n) for n in range(1, 60)]]), by=lead)
    assert [p.row for p in plan.problems] == [None]
    assert "5" in plan.problems[0].message and "拆分" in plan.problems[0].message


def test_a_big_ledger_is_checked_and_imported_by_tasks_with_a_progress_page(
        client_for, worker, protected_media, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(import_views, "INLINE_CHECK_BYTES", 0)
    monkeypatch.setattr(import_views, "INLINE_SAVE_ROWS", 1)
    client = client_for(worker)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        preview = client.post(reverse("children:import"), {"file": upload([good(1), good(2), good(3)])}).url
    assert len(queued) == 1  # the check is queued, not run in the request
    job = LedgerImport.objects.get()
    page = client.get(preview)
    assert page.templates[0].name == "children/import_progress.html"
    assert 'hx-trigger="every 2s"' in page.content.decode() and "<script>" not in page.content.decode()
    progress = reverse("children:import_progress", args=[job.pk.hex])
    assert client.get(progress).status_code == 200

    assert tasks.check_ledger(str(job.pk)) == "checked 3 rows"
    assert tasks.check_ledger(str(job.pk)) == "nothing to check"  # re-delivered: idempotent
    assert list(protected_media.rglob("*.xlsx")) == []
    response = client.get(progress)
    assert response["HX-Redirect"] == preview

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(preview)
    assert response.status_code == 302 and len(queued) == 1
    assert Child.objects.count() == 0
    assert "children/import_progress.html" in [t.name for t in client.get(preview).templates]
    assert tasks.import_checked_ledger(str(job.pk)) == "imported 3 children"
    assert tasks.import_checked_ledger(str(job.pk)) == "nothing to import"  # never twice
    assert Child.objects.count() == 3
    response = client.get(preview, follow=True)
    assert response.redirect_chain[-1][0] == reverse("children:list")
    assert not LedgerImport.objects.exists()


def test_another_users_progress_is_404(client, worker, other_worker, protected_media):
    client.force_login(worker)
    client.post(reverse("children:import"), {"file": upload([good(1)])})
    job = LedgerImport.objects.get()
    client.force_login(other_worker)
    assert client.get(reverse("children:import_progress", args=[job.pk.hex])).status_code == 404
    assert client.post(reverse("children:import_cancel", args=[job.pk.hex])).status_code == 404
