"""Report pages through HTTP: generate (one job for two clicks), progress, narrative, sign-off, submit, the
bureau's download in the audit log, and who may open what (outsider 404, read-only 403, owner 200)."""

import datetime
import html
import re
from unittest import mock

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from reports import services
from reports.models import Report


@pytest.fixture
def queued(monkeypatch):
    """render_report.delay → recorded, not sent; the test renders with services.render."""
    calls = []
    monkeypatch.setattr("reports.views.render_report.delay", lambda pk: calls.append(pk))
    return calls


@pytest.fixture
def own_client(db):
    """own_client(user) → a separate test client per user (client_for shares one session)."""
    from django.test import Client

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in


def generate(client, **data):
    return client.post(reverse("reports:generate"), {"kind": "monthly", "period": "2026-11", "county": "", **data})


def test_two_clicks_make_one_job(dataset, lead, client_for, queued):
    client = client_for(lead)
    first, second = generate(client), generate(client)
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1 and queued == [Report.objects.get().pk]


def test_bad_period_is_a_chinese_form_error(dataset, lead, client_for, queued):
    response = generate(client_for(lead), period="2027-01")
    assert response.status_code == 200 and "尚未开始" in response.content.decode()
    response = generate(client_for(lead), kind="monthly", county="440883")
    assert "分析报告" in response.content.decode()
    assert not Report.objects.exists() and queued == []


def test_lifecycle_lead_to_bureau(dataset, lead, bureau, county_bureau, own_client, queued):
    lead_client = own_client(lead)
    generate(lead_client)
    report = Report.objects.get()
    status = lead_client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in status and "progress-bar" in status
    assert services.render(report.pk) is True
    assert services.render(report.pk) is False  # a second delivery of a finished job does nothing
    status = lead_client.get(reverse("reports:status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in status and "PDF" in status

    lead_client.post(reverse("reports:narratives", args=[report.pk]),
                     {"work_done": "本月完成全部高风险家庭入户探访。", "problems": "", "next_steps": "继续。"})
    report.refresh_from_db()
    assert report.narratives["work_done"].startswith("本月")
    # narrative changed the text, not the figures: sign-off checks the figures only
    lead_client.post(reverse("reports:sign_off", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Report.Status.SIGNED_OFF
    # the bureau does not see it before it is submitted
    assert own_client(bureau).get(report.get_absolute_url()).status_code == 404
    lead_client.post(reverse("reports:submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED

    bureau_client = own_client(bureau)
    assert bureau_client.get(report.get_absolute_url()).status_code == 200
    page = bureau_client.get(report.get_absolute_url()).content.decode()
    url = reverse("reports:download", args=[report.pk, "pdf"])
    link = re.search(rf'href="({url}\?t=[^"]+)"', page)
    response = bureau_client.get(html.unescape(link.group(1)))  # the signed link of the page (R4)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="report.download", username=bureau.username).exists()
    # a city report reaches the county bureau too, but only the city bureau receives or returns it
    county_client = own_client(county_bureau)
    page = county_client.get(report.get_absolute_url()).content.decode()
    assert reverse("reports:decide", args=[report.pk]) not in page
    assert county_client.post(reverse("reports:decide", args=[report.pk]), {"decision": "receive"}).status_code == 403

    bureau_client.post(reverse("reports:decide", args=[report.pk]), {"decision": "return", "comment": "请补充问题分析"})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    lead_client.post(reverse("reports:rerender", args=[report.pk]))
    versions = list(Report.objects.order_by("version").values_list("version", "status"))
    assert versions == [(1, "returned"), (2, "draft")]


def test_sign_off_refused_when_figures_changed(dataset, lead, worker, client_for, queued):
    from visits.models import Visit

    generate(client_for(lead))
    report = Report.objects.get()
    services.render(report.pk)
    Visit.objects.create(child=dataset["b"], type="home", visited_on=datetime.date(2026, 11, 20),
                         duration_minutes=30, child_seen=True, risk_level="medium_high", recorded_by=worker)
    response = client_for(lead).post(reverse("reports:sign_off", args=[report.pk]), follow=True)
    assert "重新生成" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_a_period_in_progress_cannot_be_signed_off(dataset, lead, client_for, queued):
    generate(client_for(lead), period="2026-12")
    report = Report.objects.get()
    services.render(report.pk)
    response = client_for(lead).post(reverse("reports:sign_off", args=[report.pk]), follow=True)
    assert "尚未结束" in response.content.decode()
    assert Report.objects.get().status == Report.Status.DRAFT


def test_county_bureau_sees_only_its_county_analysis(dataset, lead, county_bureau, client_for, queued):
    own = Report.objects.create(kind="analysis", period="2026-11", county_id=county_bureau.area_codes()[0][:6],
                                period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30),
                                as_of=datetime.date(2026, 11, 30), status=Report.Status.SUBMITTED)
    other = Report.objects.create(kind="analysis", period="2026-11", county_id="440883",
                                  period_start=datetime.date(2026, 11, 1), period_end=datetime.date(2026, 11, 30),
                                  as_of=datetime.date(2026, 11, 30), status=Report.Status.SUBMITTED)
    client = client_for(county_bureau)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:download", args=[other.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize("name", ["detail", "status"])
def test_permissions_per_view(dataset, lead, bureau, outsider, client_for, name):
    report = Report.objects.create(kind="monthly", period="2026-11", period_start=datetime.date(2026, 11, 1),
                                   period_end=datetime.date(2026, 11, 30), as_of=datetime.date(2026, 11, 30),
                                   status=Report.Status.SUBMITTED)
    url = reverse(f"reports:{name}", args=[report.pk])
    assert client_for(outsider).get(url).status_code == 403  # no overview capability (config/tests/url_rules.py)
    assert client_for(lead).get(url).status_code == 200
    assert client_for(bureau).get(url).status_code == 200


@pytest.mark.parametrize("name", ["narratives", "rerender", "sign_off", "submit"])
def test_read_only_users_get_403_on_changes(dataset, bureau, outsider, client_for, name):
    report = Report.objects.create(kind="monthly", period="2026-11", period_start=datetime.date(2026, 11, 1),
                                   period_end=datetime.date(2026, 11, 30), as_of=datetime.date(2026, 11, 30),
                                   status=Report.Status.SUBMITTED)
    url = reverse(f"reports:{name}", args=[report.pk])
    assert client_for(outsider).post(url).status_code == 403
    assert client_for(bureau).post(url).status_code == 403


def test_index_and_generate_permissions(dataset, lead, bureau, outsider, client_for):
    assert client_for(outsider).get(reverse("reports:index")).status_code == 403
    assert client_for(bureau).get(reverse("reports:index")).status_code == 200
    assert client_for(bureau).post(reverse("reports:generate"), {}).status_code == 403
    assert client_for(lead).get(reverse("reports:index")).status_code == 200


def test_index_query_count_does_not_grow(dataset, lead, client_for, django_assert_max_num_queries):
    client = client_for(lead)
    for n in range(1, 4):
        Report.objects.create(kind="monthly", period="2026-11", version=n, period_start=datetime.date(2026, 11, 1),
                              period_end=datetime.date(2026, 11, 30), as_of=datetime.date(2026, 11, 30))
    with mock.patch("reports.views.render_report"):
        client.get(reverse("reports:index"))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(reverse("reports:index"))
        for n in range(4, 12):
            Report.objects.create(kind="monthly", period="2026-11", version=n, period_start=datetime.date(2026, 11, 1),
                                  period_end=datetime.date(2026, 11, 30), as_of=datetime.date(2026, 11, 30))
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(reverse("reports:index"))


def test_supervisor_review_before_sign_off(dataset, lead, supervisor, own_client, queued):
    lead_client, supervisor_client = own_client(lead), own_client(supervisor)
    generate(lead_client)
    report = Report.objects.get()
    services.render(report.pk)
    lead_client.post(reverse("reports:request_review", args=[report.pk]))
    response = lead_client.post(reverse("reports:sign_off", args=[report.pk]), follow=True)
    assert "督导" in response.content.decode() and Report.objects.get().status == "draft"
    page = supervisor_client.get(report.get_absolute_url()).content.decode()
    assert reverse("reports:review", args=[report.pk]) in page
    assert lead_client.post(reverse("reports:review", args=[report.pk]), {"decision": "approve"}).status_code == 403
    supervisor_client.post(reverse("reports:review", args=[report.pk]), {"decision": "approve", "comment": "同意"})
    lead_client.post(reverse("reports:sign_off", args=[report.pk]))
    assert Report.objects.get().status == Report.Status.SIGNED_OFF


def test_dashboard_links_and_query_count(contract, worker, lead, county_bureau, outsider, own_client,
                                         django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_dataset

    make_dataset(worker)
    client = own_client(lead)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "?place_county=440883" in page and "risk=high" in page
    # The first view stored the figures (reports.DashboardFigures); the two measured views read that row, so the
    # count is the stored path's. The computation's own count is tested in test_dashboard_figures.py.
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:dashboard"))
    for n in range(3):
        make_dataset(worker, suffix=str(n))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:dashboard"))
    # a county bureau sees only its county
    page = own_client(county_bureau).get(reverse("reports:dashboard")).content.decode()
    assert "吴川市" not in page
    assert own_client(outsider).get(reverse("reports:dashboard")).status_code == 403


def test_supervisor_review_has_its_own_label_a_message_and_the_leads_note(dataset, lead, supervisor, own_client,
                                                                           queued):
    lead_client, supervisor_client = own_client(lead), own_client(supervisor)
    generate(lead_client)
    report = Report.objects.get()
    services.render(report.pk)
    assert 'name="note"' in lead_client.get(report.get_absolute_url()).content.decode()
    lead_client.post(reverse("reports:request_review", args=[report.pk]), {"note": "请重点看第三部分的数字"})
    page = supervisor_client.get(report.get_absolute_url()).content.decode()
    assert "督导意见" in page and "民政局意见" not in page
    assert "请重点看第三部分的数字" in page
    response = supervisor_client.post(reverse("reports:review", args=[report.pk]),
                                      {"decision": "return", "comment": "第三部分有误"}, follow=True)
    assert "审核意见已保存" in response.content.decode()
