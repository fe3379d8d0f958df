"""What follows a posted import: the five-year dates of the cards it touched, and one notice
per citizen concerned."""

from __future__ import annotations

from django.db import transaction

from accounts.selectors import user_ids_by_insuree_ids
from contributions import selectors
from contributions.declarations import (
    ValidRow,
)
from contributions.models import (
    Scheme,
)
from healthcards.services.cards import card_five_year_dates_set
from notifications.services import Kind, Notice, notifications_send


def five_year_dates_refresh_for_rows(rows: list[ValidRow]) -> None:
    """Derive again the five-year date of everyone whose health insurance this file touched
    and store it on their cards (healthcards.services, the agreed direction)."""
    insuree_ids = sorted({row.insuree_id for row in rows if row.scheme == Scheme.HEALTH})
    if insuree_ids:
        five_year_dates_refresh(insuree_ids=insuree_ids)


def five_year_dates_refresh(*, insuree_ids: list[int], chunk: int = 5000) -> int:
    """Store on the cards of these insurees the five-year date their health-insurance
    records give; answers how many cards changed. One transaction per chunk."""
    changed = 0
    for start in range(0, len(insuree_ids), chunk):
        part = insuree_ids[start : start + chunk]
        with transaction.atomic():
            dates = selectors.health_five_year_dates(insuree_ids=part)
            changed += card_five_year_dates_set(dates=dates)
    return changed


def contributions_posted_notify(
    *, insuree_ids: list[int], declaration_id: int, chunk: int = 10_000
) -> int:
    """One notice per affected citizen with an account per import (not per row), written in
    the import's transaction (the outbox sends the pushes after commit)."""
    sent = 0
    data = {"declaration_id": str(declaration_id), "path": "/contributions/"}
    for start in range(0, len(insuree_ids), chunk):
        users = user_ids_by_insuree_ids(insuree_ids=sorted(set(insuree_ids[start : start + chunk])))
        notices = [
            Notice(
                user_id=user_id,
                data=data,
                dedupe_key=f"contributions_posted:{declaration_id}",
            )
            for insuree_id, user_id in users.items()
        ]
        sent += len(notifications_send(kind=Kind.CONTRIBUTIONS_POSTED, notices=notices))
    return sent
