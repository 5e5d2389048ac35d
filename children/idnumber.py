"""公民身份号码 (GB 11643-1999): normalise, check, derive birth date and sex, mask.

Ledgers arrive with lowercase x, full-width digits (１２３) and stray spaces; `normalise` turns
all of those into the 18-character canonical form before anything else looks at the number.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise(value: str | None) -> str:
    """'４４０８ 0220150301002x ' → '44080220150301002X'. Does not validate."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", value).upper()


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def birth_date_of(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex_of(number: str) -> str:
    """'M' or 'F' (the Child.Sex values): the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def validate(value: str | None) -> str:
    """The normalised number, or ValidationError saying what is wrong and how to fix it."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(n)s. Check for missing or extra digits."),
            code="id_length", params={"n": len(number)})
    if not _SHAPE.match(number):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_characters")
    born = birth_date_of(number)
    if born is not None and born > datetime.date.today():
        raise ValidationError(_("The birth date in the ID number (%(date)s) is in the future. Check the year."),
                              code="id_birth_future", params={"date": born.isoformat()})
    if born is None or born.year < 1900:
        raise ValidationError(_("Characters 7–14 of the ID number are not a valid birth date (YYYYMMDD)."),
                              code="id_birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("The last character of the ID number does not match the others (check digit). "
              "Check every digit against the ID card or household register."),
            code="id_check_digit")
    return number


def is_valid(value: str | None) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def mask(value: str | None) -> str:
    """'440802201503010026' → '4408**********0026'; what every list and export shows."""
    number = normalise(value)
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def make(region: str, born: datetime.date, sequence: int, sex: str) -> str:
    """A well-formed number (demo data, tests): `sequence` 0–99, the sex digit chosen to match."""
    sex_digit = (sequence % 5) * 2 + (1 if sex == "M" else 0)
    first17 = f"{region[:6]}{born:%Y%m%d}{sequence % 100:02d}{sex_digit}"
    return first17 + check_digit(first17)
