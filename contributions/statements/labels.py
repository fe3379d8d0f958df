"""The words and formats of a statement, in the active language (vi or en).

One date format per language: Vietnamese ``29/11/2026`` and months ``11/2026``; English
``29 Nov 2026`` and months ``Nov 2026``. Amounts: ``1.600.000`` in Vietnamese, ``1,600,000``
in English. Labels come from the catalogue under the context "statement".
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from contributions.models import RecordStatus, Scheme

LANGUAGES = ("vi", "en")
DASH = "\u2013"  # en dash, between the ends of a range
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def date_text(day: date) -> str:
    if _vietnamese():
        return f"{day:%d/%m/%Y}"
    return f"{day.day:02d} {EN_MONTHS[day.month - 1]} {day.year}"


def month_text(month: date) -> str:
    if _vietnamese():
        return f"{month:%m/%Y}"
    return f"{EN_MONTHS[month.month - 1]} {month.year}"


def datetime_text(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{date_text(local.date())} {local:%H:%M}"


def money_text(amount: int) -> str:
    text = f"{amount:,}"
    return text.replace(",", ".") if _vietnamese() else text


def duration_text(years: int, months: int) -> str:
    return pgettext("statement", "%(years)s years %(months)s months") % {
        "years": years,
        "months": months,
    }


def period_text(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return pgettext("statement", "no records")
    return f"{month_text(first)} {DASH} {month_text(last)}"


def scheme_abbreviation(scheme: str) -> str:
    names: dict[str, str] = {
        Scheme.COMPULSORY_SI: pgettext("statement", "CSI"),
        Scheme.VOLUNTARY_SI: pgettext("statement", "VSI"),
        Scheme.UNEMPLOYMENT: pgettext("statement", "UI"),
        Scheme.HEALTH: pgettext("statement", "HI"),
    }
    return names.get(scheme, scheme)


def status_text(status: str) -> str:
    names: dict[str, str] = {
        RecordStatus.PAID: pgettext("statement", "Paid"),
        RecordStatus.OWED: pgettext("statement", "Owed"),
        RecordStatus.REVERSED: pgettext("statement", "Reversed"),
    }
    return names.get(status, status)


def issuer_name() -> str:
    return settings.STATEMENT_ISSUER_NAME if _vietnamese() else settings.STATEMENT_ISSUER_NAME_EN


def legend() -> list[tuple[str, str]]:
    """Every abbreviation the document uses in this language, with its meaning."""
    c = "statement"
    return [
        (scheme_abbreviation(Scheme.COMPULSORY_SI), pgettext(c, "compulsory social insurance")),
        (scheme_abbreviation(Scheme.VOLUNTARY_SI), pgettext(c, "voluntary social insurance")),
        (scheme_abbreviation(Scheme.UNEMPLOYMENT), pgettext(c, "unemployment insurance")),
        (scheme_abbreviation(Scheme.HEALTH), pgettext(c, "health insurance")),
        (pgettext(c, "SIN"), pgettext(c, "social insurance number")),
        (
            pgettext(c, "ID"),
            pgettext(c, "national identity number (only its last 4 digits are shown)"),
        ),
        (
            pgettext(c, "EE"),
            pgettext(
                c, "share paid by the employee, or by the insured person who pays for themself"
            ),
        ),
        (pgettext(c, "ER"), pgettext(c, "share paid by the employer")),
        (pgettext(c, "State"), pgettext(c, "support paid by the State")),
        (
            pgettext(c, "St."),
            pgettext(
                c,
                "status of the month: Paid; Owed (declared, not yet paid); Reversed (cancelled "
                "by a correction, not counted)",
            ),
        ),
        (pgettext(c, "VND"), pgettext(c, "Vietnamese đồng; every amount is in VND")),
    ]
