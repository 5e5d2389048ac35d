"""Period rules (docs/reports.md): every form, the edges, and each refusal with its Chinese message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from activities.models import ContractYear
from reports.periods import Kind, county_division, parse_period

D = datetime.date
TODAY = D(2026, 12, 1)


@pytest.fixture
def contract(db):
    # Signed mid-month: the contract year runs 15 March 2026 – 14 March 2027.
    return ContractYear.objects.create(name="2026年度", signed_on=D(2026, 3, 15))


def zh_message(exc) -> str:
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    (Kind.MONTHLY, "2026-11", D(2026, 11, 1), D(2026, 11, 30)),
    (Kind.MONTHLY, "2026-04", D(2026, 4, 1), D(2026, 4, 30)),
    (Kind.MONTHLY, "2026-03", D(2026, 3, 15), D(2026, 3, 31)),  # the contract starts mid-month
    (Kind.QUARTERLY, "2026-Q3", D(2026, 7, 1), D(2026, 9, 30)),
    (Kind.QUARTERLY, "2026-q1", D(2026, 3, 15), D(2026, 3, 31)),
    (Kind.SEMIANNUAL, "C2026-H1", D(2026, 3, 15), D(2026, 9, 14)),
    (Kind.SEMIANNUAL, "2026-H1", D(2026, 3, 15), D(2026, 6, 30)),
    (Kind.ANALYSIS, "2026-H1", D(2026, 3, 15), D(2026, 6, 30)),
    (Kind.ANALYSIS, "2026-10", D(2026, 10, 1), D(2026, 10, 31)),
])
def test_finished_periods(contract, kind, text, start, end):
    period = parse_period(kind, text, today=TODAY)
    assert (period.start, period.end, period.as_of) == (start, end, end)
    assert not period.in_progress
    assert period.contract_start == D(2026, 3, 15)


def test_period_in_progress_is_a_draft_as_at_today(contract):
    with translation.override("zh-hans"):
        for kind, text, end in [(Kind.MONTHLY, "2026-12", D(2026, 12, 31)), (Kind.QUARTERLY, "2026-Q4", D(2026, 12, 31)),
                                (Kind.SEMIANNUAL, "C2026-H2", D(2027, 3, 14)), (Kind.ANNUAL, "C2026", D(2027, 3, 14)),
                                (Kind.ANNUAL, "2026", D(2026, 12, 31)), (Kind.SEMIANNUAL, "2026-H2", D(2026, 12, 31))]:
            period = parse_period(kind, text, today=TODAY)
            assert (period.end, period.as_of, period.in_progress) == (end, TODAY, True), text
            assert period.as_of_label == "截至2026年12月1日"


def test_last_day_of_a_period_is_still_in_progress(contract):
    assert parse_period(Kind.MONTHLY, "2026-11", today=D(2026, 11, 30)).in_progress
    assert not parse_period(Kind.MONTHLY, "2026-11", today=D(2026, 12, 1)).in_progress
    assert parse_period(Kind.QUARTERLY, "2026-Q3", today=D(2026, 9, 30)).in_progress
    assert parse_period(Kind.SEMIANNUAL, "C2026-H1", today=D(2026, 9, 14)).in_progress
    assert not parse_period(Kind.SEMIANNUAL, "C2026-H1", today=D(2026, 9, 15)).in_progress


def test_today_is_the_shanghai_date(contract, settings):
    # 30 November 23:59 in Shanghai is 15:59 UTC: November is still running there.
    from unittest import mock

    from django.utils import timezone

    moment = datetime.datetime(2026, 11, 30, 15, 59, tzinfo=datetime.UTC)
    with mock.patch.object(timezone, "now", return_value=moment):
        assert parse_period(Kind.MONTHLY, "2026-11").in_progress
    with mock.patch.object(timezone, "now", return_value=moment + datetime.timedelta(minutes=1)):
        assert not parse_period(Kind.MONTHLY, "2026-11").in_progress


@pytest.mark.parametrize(("kind", "text", "message"), [
    (Kind.MONTHLY, "2027-01", "尚未开始"),
    (Kind.MONTHLY, "2026-02", "合同开始"),
    (Kind.MONTHLY, "2026-Q4", "2026-11"),
    (Kind.QUARTERLY, "2026-11", "2026-Q4"),
    (Kind.SEMIANNUAL, "C2026", "C2026-H1"),
    (Kind.ANNUAL, "C2026-H1", "C2026"),
    (Kind.MONTHLY, "2026-13", "不是"),
    (Kind.MONTHLY, "十一月", "不是"),
    (Kind.ANNUAL, "C2025", "没有"),
])
def test_bad_periods_are_refused_in_chinese(contract, kind, text, message):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        parse_period(kind, text, today=TODAY)
    assert message in zh_message(exc)


def test_no_contract_year_is_refused(db):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        parse_period(Kind.MONTHLY, "2026-11", today=TODAY)
    assert "合同年度" in zh_message(exc)


def test_county_codes(contract):
    assert county_division(None, Kind.MONTHLY) is None
    assert county_division("440800", Kind.MONTHLY) is None
    assert county_division("440883", Kind.ANALYSIS).name == "吴川市"
    with translation.override("zh-hans"):
        for code in ("440100", "440883107", "abc"):  # Guangzhou; a town; nonsense
            with pytest.raises(ValidationError) as exc:
                county_division(code, Kind.ANALYSIS)
            assert "湛江" in zh_message(exc)
        with pytest.raises(ValidationError) as exc:
            county_division("440883", Kind.MONTHLY)
        assert "分析报告" in zh_message(exc)
