"""The contract-month switch (docs/reports.md, "Periods"): a contract year set to report by contract month gives
monthly and quarterly reports over contract months counted from the signing day — 15 March → 14 April, … —
with the edges (a contract signed mid-month, 23:59 and 00:00 in Asia/Shanghai), the beat's drafts the day after
a contract month or quarter ends, and each form refused in Chinese when the year's setting says otherwise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from children import stats as child_stats
from children.tests.factories import ChildFactory
from reports import services
from reports.periods import Kind, parse_period

from .conftest import sh
from .test_generate_report import pdf_text

D = datetime.date
TODAY = D(2026, 12, 1)


@pytest.fixture
def by_contract_month(contract):
    contract.contract_month_reports = True  # signed 15 March 2026 (reports/tests/conftest.py)
    contract.save()
    return contract


@pytest.mark.parametrize(("kind", "text", "start", "end", "in_progress"), [
    (Kind.MONTHLY, "C2026-M01", D(2026, 3, 15), D(2026, 4, 14), False),
    (Kind.MONTHLY, "c2026-m08", D(2026, 10, 15), D(2026, 11, 14), False),
    (Kind.MONTHLY, "C2026-M09", D(2026, 11, 15), D(2026, 12, 14), True),  # runs on 1 Dec: a draft as at today
    (Kind.QUARTERLY, "C2026-Q1", D(2026, 3, 15), D(2026, 6, 14), False),
    (Kind.QUARTERLY, "C2026-Q3", D(2026, 9, 15), D(2026, 12, 14), True),
    (Kind.ANALYSIS, "C2026-M02", D(2026, 4, 15), D(2026, 5, 14), False),
])
def test_contract_months_from_a_mid_month_signing(by_contract_month, kind, text, start, end, in_progress):
    period = parse_period(kind, text, today=TODAY)
    assert (period.start, period.end, period.in_progress) == (start, end, in_progress)
    assert period.as_of == (TODAY if in_progress else end)


def test_signed_on_the_31st_contract_months_follow_the_month_end(db):
    from activities.models import ContractYear

    ContractYear.objects.create(name="月末签订", signed_on=D(2026, 1, 31), contract_month_reports=True)
    assert (parse_period(Kind.MONTHLY, "C2026-M01", today=TODAY).end) == D(2026, 2, 27)
    assert (parse_period(Kind.MONTHLY, "C2026-M02", today=TODAY).start) == D(2026, 2, 28)
    assert (parse_period(Kind.MONTHLY, "C2026-M02", today=TODAY).end) == D(2026, 3, 30)


@pytest.mark.parametrize(("setting", "kind", "text", "message"), [
    (True, Kind.MONTHLY, "2026-11", "按合同月"),
    (True, Kind.QUARTERLY, "2026-Q3", "按合同月"),
    (False, Kind.MONTHLY, "C2026-M01", "按自然月"),
    (False, Kind.QUARTERLY, "C2026-Q1", "按自然月"),
    (True, Kind.MONTHLY, "C2026-M13", "不是有效的月份"),
    (True, Kind.MONTHLY, "C2026-M12", "尚未开始"),  # 15 Feb – 14 Mar 2027
    (True, Kind.QUARTERLY, "C2025-Q1", "没有"),  # no contract year signed in 2025
])
def test_the_form_must_match_the_years_setting(contract, setting, kind, text, message):
    contract.contract_month_reports = setting
    contract.save()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        parse_period(kind, text, today=TODAY)
    assert message in " ".join(exc.value.messages)


def test_the_analysis_report_takes_either_form(contract):
    assert parse_period(Kind.ANALYSIS, "2026-11", today=TODAY).start == D(2026, 11, 1)
    assert parse_period(Kind.ANALYSIS, "C2026-M01", today=TODAY).end == D(2026, 4, 14)


def test_registry_entries_at_2359_and_0000_shanghai_on_the_contract_month_edge(by_contract_month):
    ChildFactory(name="末刻", created_at=sh(2026, 4, 14, 23, 59))  # last minute of contract month 1
    ChildFactory(name="零时", created_at=sh(2026, 4, 15, 0, 0))  # first minute of contract month 2
    ChildFactory(name="签约前", created_at=sh(2026, 3, 14, 23, 59))  # the day before the contract
    first = parse_period(Kind.MONTHLY, "C2026-M01", today=TODAY)
    second = parse_period(Kind.MONTHLY, "C2026-M02", today=TODAY)
    one = child_stats.period_figures(first.start, first.as_of)
    two = child_stats.period_figures(second.start, second.as_of)
    assert (one.total, one.entered) == (2, 1)  # 签约前 and 末刻 in the registry on 14 April; 末刻 entered
    assert (two.total, two.entered) == (3, 1)  # 零时 entered in month 2


@pytest.mark.parametrize(("today", "expected"), [
    (D(2026, 4, 15), [("monthly", "C2026-M01")]),
    (D(2026, 6, 15), [("monthly", "C2026-M03"), ("quarterly", "C2026-Q1")]),
    (D(2026, 9, 15), [("monthly", "C2026-M06"), ("quarterly", "C2026-Q2"), ("semiannual", "C2026-H1")]),
    (D(2027, 3, 15), [("monthly", "C2026-M12"), ("quarterly", "C2026-Q4"), ("semiannual", "C2026-H2"),
                      ("annual", "C2026")]),
    (D(2026, 12, 1), []),  # no calendar month in a year that reports by contract month
    (D(2026, 4, 14), []),
])
def test_drafts_the_day_after_a_contract_month(by_contract_month, today, expected):
    assert services.periods_ended_yesterday(today) == expected


def test_generate_report_for_a_contract_month(by_contract_month, dataset, tmp_path):
    out = tmp_path / "c.pdf"
    call_command("generate_report", kind="monthly", period="C2026-M08", output=str(out),
                 stdout=open("/dev/null", "w"))
    text = "".join(pdf_text(out).split())
    assert "月度工作总结" in text and "2026年10月15日—2026年11月14日" in text
    with translation.override("zh-hans"), pytest.raises(CommandError, match="按合同月"):
        call_command("generate_report", kind="monthly", period="2026-11", output=str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
