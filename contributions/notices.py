"""Telling citizens about their contributions: employer arrears (monthly beat task)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from accounts.selectors import user_ids_by_insuree_ids
from contributions.models import ContributionRecord, Employer, RecordStatus
from contributions.months import month_start
from notifications.services import Kind, Notice, notifications_send

ARREARS_DAYS = 30


def arrears_cutoff(today: date) -> date:
    """The last month whose contributions are overdue by ``ARREARS_DAYS`` or more today: a
    month's contributions are due by its last day."""
    due_by = today - timedelta(days=ARREARS_DAYS)
    if due_by == _month_end(due_by):
        return month_start(due_by)
    return month_start(month_start(due_by) - timedelta(days=1))


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def employer_arrears_notify(*, today: date | None = None, chunk: int = 2000) -> int:
    """On the 10th: each citizen with an account whose employer owes their contributions of
    a month that ended ``ARREARS_DAYS`` or more ago is told, once per month per employer."""
    today = today or timezone.localdate()
    owed = (
        ContributionRecord.objects.filter(
            status=RecordStatus.OWED, employer__isnull=False, month__lte=arrears_cutoff(today)
        )
        .order_by("insuree_id", "employer_id")
        .values("insuree_id", "employer_id")
        .annotate(since=Min("month"), amount=Sum("employee_amount") + Sum("employer_amount"))
    )
    told = 0
    batch: list[dict[str, Any]] = []
    for row in owed.iterator(chunk_size=chunk):
        batch.append(dict(row))
        if len(batch) >= chunk:
            told += _arrears_batch(batch, today)
            batch = []
    return told + (_arrears_batch(batch, today) if batch else 0)


@transaction.atomic
def _arrears_batch(rows: list[dict[str, Any]], today: date) -> int:
    users = user_ids_by_insuree_ids(insuree_ids=sorted({row["insuree_id"] for row in rows}))
    names = dict(
        Employer.objects.filter(pk__in={row["employer_id"] for row in rows}).values_list(
            "pk", "name"
        )
    )
    notices = [
        Notice(
            user_id=users[row["insuree_id"]],
            data={
                "employer_id": row["employer_id"],
                "employer_name": names.get(row["employer_id"], ""),
                "since": row["since"].isoformat(),
                "amount": int(row["amount"] or 0),
            },
            dedupe_key=f"employer_arrears:{row['employer_id']}:{today:%Y-%m}",
        )
        for row in rows
        if row["insuree_id"] in users
    ]
    return len(notifications_send(kind=Kind.EMPLOYER_ARREARS, notices=notices))
