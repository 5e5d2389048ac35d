"""Cell values as Python values: text made half-width and trimmed, dates written any common way."""

import datetime
import re
import unicodedata

from openpyxl.utils.datetime import from_excel

# ---------------------------------------------------------------- text


def clean_text(value) -> str:
    """A cell as text: full-width letters, digits and brackets made half-width, spaces collapsed.

    Numbers come back without a trailing ".0" (a phone typed into a number cell is 13800138000.0).
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(text.split())


def compact(value) -> str:
    """Text with every space removed (names, ID numbers, place names never need them)."""
    return "".join(clean_text(value).split())


def unescape_formula_guard(text: str) -> str:
    """Exports put a ' before a value that a spreadsheet would run as a formula; take it off."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


# ---------------------------------------------------------------- dates

_DATE_PARTS = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel serials between 1920-01-01 and 2099-12-31; other numbers are not dates.
_SERIAL_RANGE = (7306, 73415)


class DateError(ValueError):
    pass


def parse_date(value) -> datetime.date | None:
    """A date from a cell: a real date, an Excel serial number, or text such as 2015-03-01,
    2015/3/1, 2015.3.1, 2015年3月1日 or 20150301 (full-width digits too). Empty → None.

    Day-first or month-first forms (1/3/2015) are refused: they cannot be read unambiguously.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and _DATE_DIGITS.match(str(int(value))):
            return _date_from_digits(str(int(value)))
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return from_excel(value).date()
        raise DateError(value)
    text = compact(value)
    if not text:
        return None
    if match := _DATE_PARTS.match(text):
        return _make_date(*match.groups(), original=value)
    if _DATE_DIGITS.match(text):
        return _date_from_digits(text)
    if text.isdigit() and _SERIAL_RANGE[0] <= int(text) <= _SERIAL_RANGE[1]:
        return from_excel(int(text)).date()
    raise DateError(value)


def _date_from_digits(text: str) -> datetime.date:
    return _make_date(text[:4], text[4:6], text[6:], original=text)


def _make_date(year, month, day, *, original) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError(original) from exc

