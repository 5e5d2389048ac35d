"""Date rules used across the apps: Asia/Shanghai days, month arithmetic and "not in the future"."""

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> datetime.date:
    return timezone.now().astimezone(SHANGHAI).date()


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a Shanghai calendar day, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), kept inside the target month: 31 Jan + 1 → 28/29 Feb."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def not_in_future(value, message: str):
    """Raise ValidationError(message) when a date or an aware datetime lies after now (Asia/Shanghai)."""
    if value is None:
        return value
    if isinstance(value, datetime.datetime):
        if value > timezone.now():
            raise ValidationError(message, code="in_future")
    elif value > timezone.localdate():
        raise ValidationError(message, code="in_future")
    return value
