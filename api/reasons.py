"""Reasons staff give for support actions: they end up in the audit log, so they must say
something. At least ``REASON_MIN_CHARACTERS`` visible characters, at least one of them a
letter; whitespace and invisible characters (zero-width spaces, joiners, controls) do not
count."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REASON_MIN_CHARACTERS = 10
# Unicode categories that show nothing: controls, format characters (zero-width space,
# joiners, direction marks), separators (spaces, line and paragraph separators).
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def reason_visible_characters(value: str) -> str:
    return "".join(ch for ch in value if unicodedata.category(ch) not in _INVISIBLE)


def validate_support_reason(value: str) -> None:
    visible = reason_visible_characters(value)
    if len(visible) < REASON_MIN_CHARACTERS or not any(ch.isalpha() for ch in visible):
        raise ValidationError(
            _("Give a reason of at least %(count)d characters, in words."),
            code="reason_too_short",
            params={"count": REASON_MIN_CHARACTERS},
        )
