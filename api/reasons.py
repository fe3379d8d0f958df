"""Reasons staff give for support actions: they end up in the audit log, so they must say
something. At least ``REASON_MIN_CHARACTERS`` characters as a reader sees them, at least one
of them a letter: invisible characters (zero-width spaces, joiners, controls) do not count and
runs of spaces count as one."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REASON_MIN_CHARACTERS = 10
# Unicode categories that show nothing: controls, format characters (zero-width space,
# joiners, direction marks), surrogates, private use, unassigned.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SEPARATORS = {"Zs", "Zl", "Zp"}


def reason_visible_text(value: str) -> str:
    """The reason as a reader sees it: invisible characters dropped, runs of spaces (of any
    kind) as one space, no space at either end."""
    kept = []
    for ch in value:
        category = unicodedata.category(ch)
        if category in _INVISIBLE:
            continue
        kept.append(" " if category in _SEPARATORS else ch)
    return " ".join("".join(kept).split())


def validate_support_reason(value: str) -> None:
    visible = reason_visible_text(value)
    if len(visible) < REASON_MIN_CHARACTERS or not any(ch.isalpha() for ch in visible):
        raise ValidationError(
            _("Give a reason of at least %(count)d characters, in words."),
            code="reason_too_short",
            params={"count": REASON_MIN_CHARACTERS},
        )
