"""Citizen identifiers, validated and normalised in one place.

- Social insurance number (mã số BHXH): 10 digits.
- National ID (CCCD / số định danh cá nhân): 12 digits. Digits 1-3 are ``0`` + the province
  code of birth registration, digit 4 encodes century and gender (0/1: 1900s male/female,
  2/3: 2000s, 4/5: 2100s, ...), digits 5-6 the last two digits of the birth year.
- Vietnamese mobile numbers: stored in E.164 (``+84`` then 9 digits), accepted as
  ``0xxxxxxxxx``, ``84xxxxxxxxx`` or ``+84xxxxxxxxx`` with spaces, dots or dashes.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.provinces import PROVINCE_NAMES

SOCIAL_INSURANCE_NUMBER_RE = re.compile(r"^[0-9]{10}$")
NATIONAL_ID_RE = re.compile(r"^[0-9]{12}$")

# Mobile prefixes (the two digits after 0 / +84) allocated to Vietnamese mobile networks.
MOBILE_PREFIXES = frozenset(
    {"32", "33", "34", "35", "36", "37", "38", "39"}
    | {"52", "55", "56", "58", "59"}
    | {"70", "76", "77", "78", "79"}
    | {"81", "82", "83", "84", "85", "86", "87", "88", "89"}
    | {"90", "91", "92", "93", "94", "96", "97", "98", "99"}
)
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


def validate_social_insurance_number(value: str) -> None:
    if not isinstance(value, str) or not SOCIAL_INSURANCE_NUMBER_RE.match(value):
        raise ValidationError(
            _("A social insurance number is exactly 10 digits."), code="invalid_sin"
        )


def validate_national_id(value: str) -> None:
    if not isinstance(value, str) or not NATIONAL_ID_RE.match(value):
        raise ValidationError(_("A national ID is exactly 12 digits."), code="invalid_national_id")
    if value[1:3] not in PROVINCE_NAMES or value[0] != "0":
        raise ValidationError(
            _("The national ID does not start with a known province code."),
            code="invalid_national_id",
        )


def national_id_birth_century_and_gender(value: str) -> tuple[int, str]:
    """(first year of the birth century, "male"/"female") encoded in digit 4."""
    digit = int(value[3])
    return 1900 + 100 * (digit // 2), ("male" if digit % 2 == 0 else "female")


def national_id_matches(value: str, *, date_of_birth: date, gender: str) -> bool:
    """Whether digits 4-6 agree with a birth date and gender (for seeding and imports)."""
    century, coded_gender = national_id_birth_century_and_gender(value)
    return century + int(value[4:6]) == date_of_birth.year and coded_gender == gender


def normalize_phone(value: str) -> str:
    """Return the E.164 form (``+84912345678``) of a Vietnamese mobile number, or raise."""
    if not isinstance(value, str):
        raise ValidationError(_("Enter a Vietnamese mobile number."), code="invalid_phone")
    digits = _PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = ""
    digits_only = national.isascii() and national.isdigit()  # not full-width or Arabic-Indic
    if len(national) != 9 or not digits_only or national[:2] not in MOBILE_PREFIXES:
        raise ValidationError(_("Enter a Vietnamese mobile number."), code="invalid_phone")
    return f"+84{national}"


def validate_phone(value: str) -> None:
    normalize_phone(value)


def validate_phone_e164(value: str) -> None:
    """Model-level check: stored numbers are already normalised."""
    if normalize_phone(value) != value:
        raise ValidationError(_("Store phone numbers in +84 form."), code="invalid_phone")


def mask_phone(value: str | None) -> str | None:
    """``+84912345678`` -> ``+84 91*****78``: enough to recognise, not enough to use."""
    if not value:
        return None
    national = value[3:] if value.startswith("+84") else value.lstrip("0")
    return f"+84 {national[:2]}{'*' * (len(national) - 4)}{national[-2:]}"


def mask_typed_identifier(value: str) -> str:
    """What a person typed as a username, for the audit log: the ends only, so neither a full
    national ID nor a password typed into the wrong field is ever stored."""
    value = value.strip()
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 6)}{value[-3:]}"


def mask_national_id(value: str | None) -> str | None:
    """``001190012345`` -> ``001******345``."""
    if not value:
        return None
    return f"{value[:3]}{'*' * (len(value) - 6)}{value[-3:]}"
