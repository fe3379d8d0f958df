"""Input fields that accept ASCII digits only, and dates in a sane range.

Python's ``int()``, ``str.isdigit()`` and ``\\d`` accept full-width (U+FF11), superscript
(U+00B2), circled (U+2460) and Arabic-Indic (U+0661) digits; DRF's ``IntegerField`` and
``DateField`` inherit that. Identifiers, months, dates and amounts here are ASCII digits only,
and a date far outside any person's life (``0001-01-01``) is refused with a clear message
instead of overflowing date arithmetic further down.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

ASCII_INTEGER_RE = re.compile(r"-?[0-9]+", re.ASCII)
ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


def ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more ASCII digits ``0``-``9`` and nothing else."""
    return bool(text) and text.isascii() and text.isdigit()


def ascii_date_parse(text: str) -> date | None:
    """``YYYY-MM-DD`` in ASCII digits, between DATE_MIN and DATE_MAX; None otherwise."""
    match = ISO_DATE_RE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day if DATE_MIN <= day <= DATE_MAX else None


class AsciiDateField(serializers.DateField):
    """An ISO date (``YYYY-MM-DD``) written with ASCII digits, from 1900 to 2199."""

    default_error_messages = {
        **serializers.DateField.default_error_messages,
        "ascii": _("Write the date as YYYY-MM-DD with the digits 0-9, between 1900 and 2199."),
    }

    def to_internal_value(self, value: Any) -> date:
        if isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str):
            self.fail("ascii")
        parsed = ascii_date_parse(value)
        if parsed is None:
            self.fail("ascii")
        assert parsed is not None  # noqa: S101 - self.fail raised otherwise
        return parsed


class AsciiIntegerField(serializers.IntegerField):
    """An integer written with ASCII digits (an optional leading minus)."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "ascii": _("Write a whole number with the digits 0-9."),
    }

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return int(super().to_internal_value(data))
        text = str(data).strip()
        if len(text) > self.MAX_STRING_LENGTH or not ASCII_INTEGER_RE.fullmatch(text):
            self.fail("ascii")
        return int(super().to_internal_value(text))
