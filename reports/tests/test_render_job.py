"""The rendering job: a killed worker's lease expires and the next delivery finishes it; a finished job is not
redone; failures are capped; files appear whole (temporary name, then rename); the monthly draft on the 1st."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from reports import services, tasks
from reports.models import Report


def make_report(**extra) -> Report:
    return Report.objects.create(kind="monthly", period="2026-11", period_start=datetime.date(2026, 11, 1),
                                 period_end=datetime.date(2026, 11, 30), as_of=datetime.date(2026, 11, 30), **extra)


def test_task_is_acked_late_and_rejected_on_worker_lost():
    assert tasks.render_report.acks_late is True
    assert tasks.render_report.reject_on_worker_lost is True
    assert settings.CELERY_BEAT_SCHEDULE["reports-period-drafts"]["task"] == "reports.tasks.period_report_drafts"


def test_a_killed_worker_is_taken_over_after_its_lease(dataset):
    report = make_report()
    assert services.claim(report.pk) is not None  # a worker takes it … and dies (nothing more happens)
    assert services.render(report.pk) is False  # the redelivered message finds the lease still held
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert services.render(report.pk) is True
    report.refresh_from_db()
    assert (report.job_status, report.progress, report.attempts) == ("done", 100, 2)
    files = sorted(p.name for p in services.reports_dir().iterdir())
    assert files == ["monthly-2026-11-v1.pdf", "monthly-2026-11-v1.xlsx"]  # no temporary file left
    assert services.render(report.pk) is False  # done: nothing redone
    assert Report.objects.count() == 1


def test_failures_are_capped_with_the_reason(dataset, monkeypatch):
    report = make_report()

    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(services, "render_pdf", broken)
    for _attempt in range(Report.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            services.render(report.pk)
    report.refresh_from_db()
    assert (report.job_status, report.error) == ("failed", "字体缺失")
    assert services.render(report.pk) is False
    assert not services.reports_dir().exists() or not any(services.reports_dir().iterdir())


@pytest.mark.parametrize(("today", "expected"), [
    (datetime.date(2026, 12, 1), [("monthly", "2026-11")]),
    (datetime.date(2026, 10, 1), [("monthly", "2026-09"), ("quarterly", "2026-Q3")]),
    (datetime.date(2026, 9, 15), [("semiannual", "C2026-H1")]),  # signed 15 March: months 1–6 end 14 Sept
    (datetime.date(2027, 3, 15), [("semiannual", "C2026-H2"), ("annual", "C2026")]),
    (datetime.date(2026, 11, 30), []),
])
def test_periods_ended_yesterday(contract, today, expected):
    assert services.periods_ended_yesterday(today) == expected


def test_drafts_when_a_period_ends(dataset, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_report, "delay", lambda pk: sent.append(pk))
    monkeypatch.setattr("reports.services.local_today", lambda: datetime.date(2026, 12, 1))
    pks = tasks.period_report_drafts()
    assert [Report.objects.get(pk=pk).period for pk in pks] == ["2026-11"] and sent == pks
    assert tasks.period_report_drafts() == []  # run twice: still one job
    assert Report.objects.count() == 1


def test_the_sweep_sends_a_dead_job_again_once_within_the_cap(dataset, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.render_report, "delay", lambda pk: sent.append(pk))
    report = make_report()
    assert services.claim(report.pk) is not None  # the worker dies holding the lease
    assert services.resume_stale() == []  # the lease is still running
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_stale() == [report.pk]
    assert sent == [report.pk]
    assert services.resume_stale() == []  # a second sweep sends nothing more
    report.refresh_from_db()
    assert (report.job_status, report.attempts) == ("queued", 1)
    assert services.render(report.pk) is True
    report.refresh_from_db()
    assert (report.job_status, report.attempts) == ("done", 2)
    # killed at every attempt: the cap stops it with the reason
    dead = make_report(version=2, attempts=Report.MAX_ATTEMPTS, job_status=Report.Job.RUNNING,
                       lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert services.resume_stale() == [dead.pk]
    assert services.render(dead.pk) is False
    dead.refresh_from_db()
    assert dead.job_status == "failed" and "3" in dead.error


def test_the_retry_button_takes_over_a_job_whose_worker_died(dataset, lead, client_for, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.render_report, "delay", lambda pk: sent.append(pk))
    report, _queued = services.request_report(kind="monthly", period="2026-11", county=None, by=lead)
    services.claim(report.pk)
    client = client_for(lead)
    client.post(f"/reports/{report.pk}/render/")
    assert sent == []  # a live job: two clicks, one job
    Report.objects.filter(pk=report.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    client.post(f"/reports/{report.pk}/render/")
    assert sent == [report.pk]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(("today", "by_contract_month", "quarter"), [
    (datetime.date(2026, 10, 1), False, "2026-Q3"),
    (datetime.date(2026, 6, 15), True, "C2026-Q1"),  # signed 15 March: contract months 1–3 end 14 June
])
def test_a_quarter_end_drafts_each_countys_analysis_report(dataset, contract, monkeypatch, today, by_contract_month,
                                                           quarter):
    """Through the beat task: with the quarterly report, a draft of the city's analysis report and of each county holding
    children of the registry on the quarter's last day (戊 in 赤坎区, 丁 in 雷州市; 甲 entered on 1 October,
    乙 in 吴川市 on 30 November), rendered like the others; a second run sends nothing."""
    contract.contract_month_reports = by_contract_month
    contract.save()
    sent = []
    monkeypatch.setattr(tasks.render_report, "delay", lambda pk: sent.append(pk))
    monkeypatch.setattr("reports.services.local_today", lambda: today)
    pks = tasks.period_report_drafts()
    drafted = [(r.kind, r.period, r.county_id) for r in Report.objects.filter(pk__in=pks).order_by("pk")]
    assert drafted[-4:] == [("quarterly", quarter, None), ("analysis", quarter, None),
                            ("analysis", quarter, "440802"), ("analysis", quarter, "440882")]
    assert drafted[0][0] == "monthly" and len(drafted) == 5 and sent == pks
    assert all(r.status == Report.Status.DRAFT for r in Report.objects.all())
    assert tasks.period_report_drafts() == []
    assert Report.objects.filter(kind="analysis").count() == 3


def test_no_county_analysis_draft_at_a_month_end_within_a_quarter(dataset, monkeypatch):
    monkeypatch.setattr(tasks.render_report, "delay", lambda pk: None)
    monkeypatch.setattr("reports.services.local_today", lambda: datetime.date(2026, 12, 1))
    tasks.period_report_drafts()
    assert not Report.objects.filter(kind="analysis").exists()
