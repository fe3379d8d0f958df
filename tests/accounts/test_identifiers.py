from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.identifiers import (
    mask_national_id,
    mask_phone,
    national_id_matches,
    normalize_phone,
    validate_national_id,
    validate_social_insurance_number,
)


@pytest.mark.parametrize("value", ["0123456789", "7900000001", "0000000000"])
def test_social_insurance_number_accepts_ten_digits(value):
    validate_social_insurance_number(value)


FULL_WIDTH_DIGITS = "".join(chr(0xFF10 + digit) for digit in range(10))


@pytest.mark.parametrize(
    "value",
    ["", "012345678", "01234567890", "01234 6789", FULL_WIDTH_DIGITS, "abcdefghij", None],
)
def test_social_insurance_number_rejects(value):
    with pytest.raises(ValidationError) as error:
        validate_social_insurance_number(value)
    assert error.value.code == "invalid_sin"


@pytest.mark.parametrize("value", ["001190012345", "079088000001", "096300123456"])
def test_national_id_accepts_twelve_digits_with_a_province(value):
    validate_national_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "00119001234",  # 11 digits
        "0011900123456",  # 13 digits
        "003190012345",  # 03 is not a province code
        "101190012345",  # does not start with 0
        "00119001234a",
        "",
    ],
)
def test_national_id_rejects(value):
    with pytest.raises(ValidationError) as error:
        validate_national_id(value)
    assert error.value.code == "invalid_national_id"


def test_national_id_encodes_birth_century_year_and_gender():
    assert national_id_matches("001190012345", date_of_birth=date(1990, 5, 12), gender="female")
    assert national_id_matches("001222012347", date_of_birth=date(2022, 9, 3), gender="male")
    assert not national_id_matches("001190012345", date_of_birth=date(1990, 5, 12), gender="male")
    assert not national_id_matches("001190012345", date_of_birth=date(1991, 5, 12), gender="female")


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("0912345678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("091 234 5678", "+84912345678"),
        ("091.234.5678", "+84912345678"),
        ("(+84) 32-123-4567", "+84321234567"),
    ],
)
def test_phone_normalizes_to_e164(raw, normalized):
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "091234567",
        "09123456789",
        "0212345678",
        "+1 415 555 0100",
        "0812abc678",
        "+840912345678",
    ],
)
def test_phone_rejects_non_vietnamese_mobile(raw):
    with pytest.raises(ValidationError) as error:
        normalize_phone(raw)
    assert error.value.code == "invalid_phone"


def test_masks_show_enough_to_recognise_only():
    assert mask_phone("+84912345678") == "+84 91*****78"
    assert mask_phone("") is None
    assert mask_national_id("001190012345") == "001******345"


@pytest.mark.parametrize("phone", ["０９１２３４５６７８", "٠٩١٢٣٤٥٦٧٨", "+84９１２３４５６７８"])
def test_phone_numbers_take_ascii_digits_only(phone):
    from django.core.exceptions import ValidationError

    from accounts.identifiers import normalize_phone

    with pytest.raises(ValidationError):
        normalize_phone(phone)
