"""Who a campaign reaches. Named by ``settings.NOTIFICATIONS_CAMPAIGN_AUDIENCE``: the
notifications app may not import our other apps, so the segment is resolved here, where
the scheme data lives, with the accounts selectors for province and age.

Segments: ``{"kind": "all"}``, ``{"kind": "province", "province": "01"}``,
``{"kind": "scheme", "scheme": "voluntary_si"}`` (citizens with a contribution record of that
scheme), ``{"kind": "age", "min": 18, "max": 60}`` (age in whole years today, inclusive).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from accounts.selectors import citizen_accounts_page, province_exists
from contributions.models import ContributionRecord, Scheme


def audience_errors(segment: dict[str, Any]) -> list[str]:
    """Why this segment cannot be resolved (empty: it can)."""
    kind = segment.get("kind")
    if kind == "province" and not province_exists(code=str(segment.get("province", ""))):
        return [f"unknown province {segment.get('province')!r}"]
    if kind == "scheme" and segment.get("scheme") not in Scheme.values:
        return [f"unknown scheme {segment.get('scheme')!r}; one of {', '.join(Scheme.values)}"]
    if kind not in {"all", "province", "scheme", "age"}:
        return [f"unknown segment kind {kind!r}"]
    return []


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def audience_page(segment: dict[str, Any], *, after: str, limit: int) -> list[tuple[Any, int]]:
    """The next ``limit`` (user id, insuree id) of the segment after the user id ``after``."""
    kind = segment["kind"]
    if kind == "province":
        return citizen_accounts_page(after=after, limit=limit, province=segment["province"])
    if kind == "scheme":
        insurees = (
            ContributionRecord.objects.filter(scheme=segment["scheme"])
            .order_by()
            .values("insuree_id")
        )
        return citizen_accounts_page(after=after, limit=limit, insuree_ids=insurees)
    if kind == "age":
        today = timezone.localdate()
        return citizen_accounts_page(
            after=after,
            limit=limit,
            born_on_or_before=_years_before(today, int(segment["min"])),
            born_after=_years_before(today, int(segment["max"]) + 1),
        )
    return citizen_accounts_page(after=after, limit=limit)
