"""Validation rules of the registry (docs/domain.md §1, §3), shared by the forms and the ledger import.

Each rule raises ValidationError with a Chinese message (through the catalog) that says how to fix
the input.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import idnumber
from .models import age_on

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2–3 digits, number 7–8 digits, optional extension: 0759-3331234, 020-12345678-801.
LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")
LANDLINE_NO_DASH = re.compile(r"^0\d{9,11}$")

ADULT_AGE = 18
LEFT_BEHIND_AGE = 16


def normalise_phone(value: str | None) -> str:
    """'１３８ 0013 8000' → '13800138000'; '(0759)3331234' → '0759-3331234'; '+86 138…' → '138…'."""
    if not value:
        return ""
    value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    value = re.sub(r"^\((0\d{2,3})\)", r"\1-", value).replace("—", "-").replace("–", "-")
    if value.startswith("+86"):
        value = value[3:].lstrip("-")
    digits = value.replace("-", "")
    if MOBILE.match(digits):
        return digits
    return value


def validate_phone(value: str | None) -> str:
    """A mainland mobile (1[3-9] + 9 digits) or a landline with its area code; returns it normalised."""
    phone = normalise_phone(value)
    if not phone:
        return ""
    if MOBILE.match(phone) or LANDLINE.match(phone):
        return phone
    if LANDLINE_NO_DASH.match(phone):
        return phone
    raise ValidationError(
        _("Enter an 11-digit mobile number or a landline with its area code, e.g. 0759-3331234."),
        code="phone")


def check_id_matches(number: str, *, birth_date: datetime.date | None, sex: str | None) -> dict:
    """Errors by field when the birth date or sex entered disagree with the ID number."""
    errors = {}
    derived = idnumber.birth_date_of(number)
    if birth_date and derived and birth_date != derived:
        errors["birth_date"] = ValidationError(
            _("The ID number says the child was born on %(date)s. Correct the birth date or the ID number."),
            code="birth_date_mismatch", params={"date": derived.isoformat()})
    if sex and idnumber.sex_of(number) != sex:
        errors["sex"] = ValidationError(
            _("The ID number is that of a %(sex)s (17th digit). Correct the sex or the ID number."),
            code="sex_mismatch",
            params={"sex": _("boy") if idnumber.sex_of(number) == "M" else _("girl")})
    return errors


def validate_registry_age(birth_date: datetime.date, *, on: datetime.date) -> None:
    """Only children under 18 are entered; a birth date in the future is a typing error."""
    if birth_date > on:
        raise ValidationError(_("The birth date is in the future. Check the year."), code="born_in_future")
    if age_on(birth_date, on) >= ADULT_AGE:
        raise ValidationError(
            _("The registry holds children under 18; this person is %(age)s. Check the birth date."),
            code="adult", params={"age": age_on(birth_date, on)})


def validate_category_age(*, category, birth_date: datetime.date, on: datetime.date) -> None:
    """留守 only under 16, every other category under 18 (the category's own max_age)."""
    age = age_on(birth_date, on)
    if age >= category.max_age:
        raise ValidationError(
            _("%(category)s applies only under %(max)s; the child is %(age)s on %(date)s."),
            code="category_age",
            params={"category": category.name, "max": category.max_age, "age": age, "date": on.isoformat()})
