"""When the next visit is due: pure date arithmetic over the risk policy and the holiday calendar.

Rules (docs/visits.md):
- The next home visit is due `interval` days after the last home visit (or after the child entered
  the registry, for a child never visited), `interval` being the policy's days for the child's level.
- High and medium-high risk families are visited at least once every calendar month (docs/domain.md §4),
  so their due date is never later than the last day of the month after the last visit.
- A due date on a public holiday (and, when the policy says so, on a weekend) moves to the working
  day before it, so that the gap between visits never exceeds the policy; only when that would land
  on or before the last visit does it move to the next working day instead.
- A year the holiday calendar does not cover falls back to weekends; the caller warns the admin.
"""

import calendar
import datetime

import chinese_calendar

from children.models import RiskLevel

MONTHLY_LEVELS = (RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH)


class CalendarGap(Exception):
    """The holiday calendar has no data for a year we had to look at."""


def is_working_day(day: datetime.date, *, skip_weekends: bool, missing_years: set[int]) -> bool:
    """A day a visit can be due on. Years without holiday data are added to `missing_years`."""
    try:
        if skip_weekends:
            # is_workday also knows the weekend days made working days (调休).
            return chinese_calendar.is_workday(day)
        on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
        return not (on_holiday and holiday_name is not None)
    except NotImplementedError:
        missing_years.add(day.year)
        return not (skip_weekends and day.weekday() >= 5)


def end_of_next_month(day: datetime.date) -> datetime.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def move_off_holidays(due: datetime.date, *, not_before: datetime.date | None, skip_weekends: bool,
                      missing_years: set[int]) -> datetime.date:
    day = due
    while not is_working_day(day, skip_weekends=skip_weekends, missing_years=missing_years):
        day -= datetime.timedelta(days=1)
    if not_before is None or day > not_before:
        return day
    day = due
    while not is_working_day(day, skip_weekends=skip_weekends, missing_years=missing_years):
        day += datetime.timedelta(days=1)
    return day


def next_due(*, level: str, interval_days: int | None, last_visit: datetime.date | None,
             entered: datetime.date, skip_weekends: bool, missing_years: set[int],
             monthly: bool = True) -> datetime.date | None:
    """The next due date, or None for a child with no level whose first visit has been made."""
    if interval_days is None:
        # Not graded yet: the first visit (where the assessment starts) is due on entry.
        if last_visit is not None:
            return None
        start, interval_days = entered, 0
    else:
        start = last_visit or entered
    due = start + datetime.timedelta(days=interval_days)
    if monthly and level in MONTHLY_LEVELS:
        due = min(due, end_of_next_month(start))
    return move_off_holidays(due, not_before=last_visit, skip_weekends=skip_weekends, missing_years=missing_years)
