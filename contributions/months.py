"""Months as the agency counts them: a ``date`` on the first day, written ``YYYY-MM``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

# ASCII digits only: ``\d`` alone would accept Arabic-Indic or full-width digits.
MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


def month_parse(text: str) -> date | None:
    """``"2024-07"`` -> ``date(2024, 7, 1)``; None when the text is not a valid month."""
    match = MONTH_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1900 <= year <= 2199:
        return None
    return date(year, month, 1)


def month_format(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_add(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """Number of months from ``first`` to ``last`` inclusive (0 when last < first)."""
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)


def month_range(first: date, last: date) -> Iterator[date]:
    for offset in range(months_between(first, last)):
        yield month_add(first, offset)
