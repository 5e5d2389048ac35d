import datetime

import pytest
from django.core.exceptions import ValidationError

from children import idnumber

# GB 11643's own example number.
VALID = "11010519491231002X"


def test_valid_number_passes_and_comes_back_normalised():
    assert idnumber.validate(VALID) == VALID


def test_lowercase_x_full_width_digits_and_spaces_are_normalised():
    messy = " １１０１０５ 1949 1231 002x\u3000"
    assert idnumber.normalise(messy) == VALID
    assert idnumber.validate(messy) == VALID


def test_wrong_check_digit_is_refused_with_a_chinese_hint():
    with pytest.raises(ValidationError) as caught:
        idnumber.validate("110105194912310021")
    assert caught.value.code == "id_check_digit"


@pytest.mark.parametrize(("value", "code"), [
    ("11010519491231002", "id_length"),
    ("11010519491231002XX", "id_length"),
    ("1101051949123100AX", "id_characters"),
    ("110105194913310029", "id_birth_date"),   # month 13
    ("110105290012310023", "id_birth_future"),  # born in 2900: says so
])
def test_malformed_numbers_are_refused(value, code):
    with pytest.raises(ValidationError) as caught:
        idnumber.validate(value)
    assert caught.value.code == code


def test_birth_date_and_sex_are_derived():
    assert idnumber.birth_date_of(VALID) == datetime.date(1949, 12, 31)
    assert idnumber.sex_of(VALID) == "F"          # 17th digit 2: even
    assert idnumber.sex_of("11010519491231001X"[:16] + "1" + "X") == "M"


def test_mask_keeps_four_and_four():
    assert idnumber.mask("44080220150301123X") == "4408**********123X"
    assert idnumber.mask("") == ""


def test_make_builds_valid_numbers_matching_birth_date_and_sex():
    born = datetime.date(2016, 2, 29)
    for sequence in range(20):
        for sex in ("M", "F"):
            number = idnumber.make("440882", born, sequence, sex)
            assert idnumber.is_valid(number)
            assert idnumber.birth_date_of(number) == born
            assert idnumber.sex_of(number) == sex
