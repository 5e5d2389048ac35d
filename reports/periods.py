"""Report periods: what `--period P` means for each kind of report (docs/reports.md, "Periods").

Calendar forms: `2026-11` (month), `2026-Q4` (quarter), `2026-H2` (half), `2026` (year).
Contract forms: `C2026` (the contract year signed in 2026), `C2026-H1` / `C2026-H2` (its months
1–6 / 7–12 counted from the signing date, `accounts.dates.add_months`), `C2026-M01` … `C2026-M12`
(contract month n) and `C2026-Q1` … `C2026-Q4` (contract months 1–3, …, 10–12). Monthly and quarterly
reports take the calendar forms, or the contract forms when their contract year is set to report by
contract month (`ContractYear.contract_month_reports`); never both for one year.

Every date is an Asia/Shanghai calendar date; `start` and `end` are both included. A period
still running gives a draft as at today (截至某日): `as_of` is today and the figures stop there.
A period that starts before the first contract year starts on the signing date instead.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.dates import add_months, local_today


class Kind:
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    ANALYSIS = "analysis"

    CHOICES = [
        (MONTHLY, gettext_lazy("Monthly work summary")),
        (QUARTERLY, gettext_lazy("Quarterly service report")),
        (SEMIANNUAL, gettext_lazy("Mid-term summary")),
        (ANNUAL, gettext_lazy("Full-year service summary")),
        (ANALYSIS, gettext_lazy("Work analysis report")),
    ]
    LABELS = dict(CHOICES)
    VALUES = [value for value, _label in CHOICES]


# Which period forms each kind accepts.
_FORMS = {
    "month": re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$"),
    "quarter": re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$"),
    "half": re.compile(r"^(?P<year>\d{4})-H(?P<half>[12])$"),
    "year": re.compile(r"^(?P<year>\d{4})$"),
    "contract_half": re.compile(r"^C(?P<year>\d{4})-H(?P<half>[12])$"),
    "contract_month": re.compile(r"^C(?P<year>\d{4})-M(?P<month>\d{2})$"),
    "contract_quarter": re.compile(r"^C(?P<year>\d{4})-Q(?P<quarter>[1-4])$"),
    "contract_year": re.compile(r"^C(?P<year>\d{4})$"),
}
KIND_FORMS = {
    Kind.MONTHLY: ["month", "contract_month"],
    Kind.QUARTERLY: ["quarter", "contract_quarter"],
    Kind.SEMIANNUAL: ["contract_half", "half"],
    Kind.ANNUAL: ["contract_year", "year"],
    Kind.ANALYSIS: list(_FORMS),
}
KIND_EXAMPLES = {
    Kind.MONTHLY: "2026-11、C2026-M01",
    Kind.QUARTERLY: "2026-Q4、C2026-Q1",
    Kind.SEMIANNUAL: "C2026-H1、2026-H2",
    Kind.ANNUAL: "C2026、2026",
    Kind.ANALYSIS: "2026-11、2026-Q4、2026-H2、2026、C2026、C2026-H1、C2026-M01、C2026-Q1",
}


@dataclass(frozen=True)
class Period:
    code: str  # as typed, normalised to upper case: "2026-Q4", "C2026-H1"
    start: datetime.date
    end: datetime.date  # last day of the period (inclusive)
    as_of: datetime.date  # the last day counted: `end`, or today while the period runs
    contract_start: datetime.date | None = None  # signing date of the contract year it falls in
    today: datetime.date | None = None  # the Shanghai date it was parsed on

    @property
    def in_progress(self) -> bool:
        """Still running: today is on or before the last day (the last day is not over until midnight)."""
        return (self.today or self.as_of) <= self.end

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%-m月%-d日}—{self.end:%Y年%-m月%-d日}"

    @property
    def as_of_label(self) -> str:
        return _("as at %(day)s") % {"day": f"{self.as_of:%Y年%-m月%-d日}"}


def _month_end(year: int, month: int) -> datetime.date:
    return add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)


def contract_year_rows() -> list[tuple[datetime.date, datetime.date, bool]]:
    """(signed_on, last day, reports by contract month) of every contract year, oldest first. One query."""
    from activities.models import ContractYear  # activities sits left of reports
    from activities.targets import contract_year_end

    return [(d, contract_year_end(d), by_month) for d, by_month in ContractYear.objects.order_by("signed_on")
            .values_list("signed_on", "contract_month_reports")]


def contract_years() -> list[tuple[datetime.date, datetime.date]]:
    """(signed_on, last day) of every contract year, oldest first. One query."""
    return [(signed, last) for signed, last, _by_month in contract_year_rows()]


def contract_months(signed: datetime.date, first: int, last: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of contract months `first`…`last` (1–12) of the year signed on `signed`."""
    return add_months(signed, first - 1), add_months(signed, last) - datetime.timedelta(days=1)


def parse_period(kind: str, text: str, *, today: datetime.date | None = None) -> Period:
    """The period `text` for a report of `kind`, or ValidationError with the reason in the active language."""
    today = today or local_today()
    code = (text or "").strip().upper()
    if kind not in KIND_FORMS:
        raise ValidationError(_("Unknown report kind “%(kind)s”.") % {"kind": kind}, code="kind")
    form, match = next(((name, rx.match(code)) for name, rx in _FORMS.items() if rx.match(code)), (None, None))
    if form is None:
        raise ValidationError(_("“%(period)s” is not a period. Write it like %(examples)s.")
                              % {"period": text, "examples": KIND_EXAMPLES[kind]}, code="format")
    if form not in KIND_FORMS[kind]:
        raise ValidationError(_("A %(kind)s is not written for “%(period)s”. Write the period like %(examples)s.")
                              % {"kind": Kind.LABELS[kind], "period": text, "examples": KIND_EXAMPLES[kind]},
                              code="kind_mismatch")
    year = int(match["year"])
    rows = contract_year_rows()
    years = [(signed, last) for signed, last, _by_month in rows]
    by_contract_month = {signed: by_month for signed, _last, by_month in rows}
    if form.startswith("contract"):
        signed = next((s for s, _e in years if s.year == year), None)
        if signed is None:
            raise ValidationError(_("There is no contract year signed in %(year)s.") % {"year": year},
                                  code="no_contract")
        if form == "contract_year":
            start, end = signed, add_months(signed, 12) - datetime.timedelta(days=1)
        elif form == "contract_month":
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValidationError(_("“%(period)s” is not a month.") % {"period": text}, code="format")
            start, end = contract_months(signed, month, month)
        elif form == "contract_quarter":
            quarter = int(match["quarter"])
            start, end = contract_months(signed, 3 * quarter - 2, 3 * quarter)
        else:
            first = int(match["half"]) == 1
            start = signed if first else add_months(signed, 6)
            end = add_months(signed, 6 if first else 12) - datetime.timedelta(days=1)
    elif form == "month":
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError(_("“%(period)s” is not a month.") % {"period": text}, code="format")
        start, end = datetime.date(year, month, 1), _month_end(year, month)
    elif form == "quarter":
        first_month = 3 * (int(match["quarter"]) - 1) + 1
        start, end = datetime.date(year, first_month, 1), _month_end(year, first_month + 2)
    elif form == "half":
        first_month = 1 if int(match["half"]) == 1 else 7
        start, end = datetime.date(year, first_month, 1), _month_end(year, first_month + 5)
    else:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if start > today:
        raise ValidationError(_("The period %(period)s has not begun yet (today is %(today)s).")
                              % {"period": code, "today": f"{today:%Y-%m-%d}"}, code="future")
    if not years:
        raise ValidationError(_("No contract year is recorded yet; add it under Activities first."),
                              code="no_contract")
    if end < years[0][0]:
        raise ValidationError(_("The period %(period)s ends before the contract began on %(day)s.")
                              % {"period": code, "day": f"{years[0][0]:%Y-%m-%d}"}, code="before_contract")
    start = max(start, years[0][0])
    contract_start = next((s for s, e in reversed(years) if s <= start), years[0][0])
    if kind in (Kind.MONTHLY, Kind.QUARTERLY):
        _check_month_kind(form, code, contract_start, by_contract_month[contract_start])
    return Period(code=code, start=start, end=end, as_of=min(end, today), contract_start=contract_start, today=today)


def _check_month_kind(form: str, code: str, signed: datetime.date, by_contract_month: bool) -> None:
    """Monthly and quarterly reports follow their contract year's setting: calendar or contract months."""
    if by_contract_month and form in ("month", "quarter"):
        raise ValidationError(
            _("The contract year signed on %(day)s reports by contract month: write the period like "
              "C%(year)s-M01 or C%(year)s-Q1.") % {"day": f"{signed:%Y-%m-%d}", "year": signed.year},
            code="contract_months")
    if not by_contract_month and form in ("contract_month", "contract_quarter"):
        raise ValidationError(
            _("The contract year signed on %(day)s reports by calendar month: write the period like 2026-11 "
              "or 2026-Q4 (or set it to contract months).") % {"day": f"{signed:%Y-%m-%d}"},
            code="calendar_months")


def county_division(code: str | None, kind: str):
    """The county-level Division for `--county CODE`, or None for the whole city; ValidationError otherwise."""
    from divisions.models import CITY_CODE, Division

    if not code or code == CITY_CODE:
        return None
    county = Division.objects.filter(code=code.strip(), level=Division.Level.COUNTY,
                                     code__startswith=CITY_CODE[:4]).first()
    if county is None:
        raise ValidationError(_("“%(code)s” is not the code of a county, district or county-level city of "
                                "Zhanjiang.") % {"code": code}, code="county")
    if kind != Kind.ANALYSIS:
        raise ValidationError(_("Only the work analysis report is written for one county; the other reports "
                                "cover the whole city."), code="county_kind")
    return county
