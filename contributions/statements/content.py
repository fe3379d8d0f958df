"""What a statement says, independent of its rendering: the holder, the period, the rows by
year with the gap months between them, the totals (the summary's rules) and a digest.

The period runs from the month asked (else the first record) to the month asked (else the
last record), never past the current month. A gap is a run of months in the period without
any record; a run is shown once, in the year it starts, even when it spans years.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from contributions.models import RecordStatus
from contributions.months import month_format, month_range, month_start, months_between
from contributions.selectors import contribution_time, summary_of

AMOUNT_KEYS = ("employee_amount", "employer_amount", "state_subsidy")
DIGEST_VERSION = 1


@dataclass(frozen=True)
class Holder:
    full_name: str
    social_insurance_number: str
    national_id: str | None
    date_of_birth: date

    @property
    def masked_name(self) -> str:
        """Initials of the family and middle names, the given name in full (Vietnamese order:
        family name first): "Nguyễn Thị Lan Hương" -> "N. T. L. Hương"."""
        words = self.full_name.split()
        if len(words) < 2:
            return self.full_name
        return " ".join([*(f"{word[0]}." for word in words[:-1]), words[-1]])

    @property
    def national_id_last4(self) -> str | None:
        return self.national_id[-4:] if self.national_id else None

    @property
    def masked_national_id(self) -> str | None:
        if not self.national_id:
            return None
        return "•" * (len(self.national_id) - 4) + self.national_id[-4:]


@dataclass(frozen=True)
class Gap:
    first: date
    last: date

    @property
    def months(self) -> int:
        return months_between(self.first, self.last)


@dataclass
class YearSection:
    year: int
    entries: list[dict[str, Any] | Gap] = field(default_factory=list)
    subtotal: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AMOUNT_KEYS, 0))
    months_paid: int = 0

    @property
    def has_rows(self) -> bool:
        return any(not isinstance(entry, Gap) for entry in self.entries)


@dataclass(frozen=True)
class StatementContent:
    holder: Holder
    month_from: date | None
    month_to: date | None
    rows: list[dict[str, Any]]
    gaps: list[Gap]
    totals: dict[str, Any]

    def years(self) -> list[YearSection]:
        sections: dict[int, YearSection] = {}
        for year, items in groupby(self.rows, key=lambda row: row["month"].year):
            section = sections.setdefault(year, YearSection(year))
            items_list = list(items)
            section.entries.extend(items_list)
            paid = [row for row in items_list if row["status"] == RecordStatus.PAID]
            section.months_paid = len({row["month"] for row in paid})
            for key in AMOUNT_KEYS:
                section.subtotal[key] = sum(row[key] for row in paid)
        for gap in self.gaps:
            sections.setdefault(gap.first.year, YearSection(gap.first.year)).entries.append(gap)
        for section in sections.values():
            section.entries.sort(key=_entry_month)
        return [sections[year] for year in sorted(sections)]

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON of the holder's number, the period, the rows
        (month, scheme, employer code, salary base, shares, status) and the totals."""
        document = {
            "v": DIGEST_VERSION,
            "sin": self.holder.social_insurance_number,
            "from": month_format(self.month_from) if self.month_from else None,
            "to": month_format(self.month_to) if self.month_to else None,
            "rows": [
                [
                    month_format(row["month"]),
                    row["scheme"],
                    row["employer__code"] or "",
                    row["salary_base"],
                    *(row[key] for key in AMOUNT_KEYS),
                    row["status"],
                ]
                for row in self.rows
            ],
            "totals": self.totals,
        }
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verification:
    code: str  # as printed, with hyphens
    token: str
    verify_url: str
    jwks_url: str
    issued_at: datetime
    expires_at: datetime


def _entry_month(entry: dict[str, Any] | Gap) -> tuple[date, int]:
    # a gap never shares a month with a row; rows keep their order (stable sort)
    return (entry.first, 0) if isinstance(entry, Gap) else (entry["month"], 1)


def statement_period(
    *, rows: list[dict[str, Any]], month_from: date | None, month_to: date | None, today: date
) -> tuple[date | None, date | None]:
    first = month_from or (rows[0]["month"] if rows else None)
    last = month_to or (rows[-1]["month"] if rows else None)
    if first is None or last is None:
        return None, None  # nothing on record and an open period: nothing to bound
    return first, min(last, month_start(today))


def gaps_in(months: set[date], first: date | None, last: date | None) -> list[Gap]:
    if first is None or last is None:
        return []
    gaps: list[Gap] = []
    start: date | None = None
    previous = first
    for month in month_range(first, last):
        if month not in months:
            start = start or month
            previous = month
        elif start is not None:
            gaps.append(Gap(start, previous))
            start = None
    if start is not None:
        gaps.append(Gap(start, previous))
    return gaps


def statement_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per scheme: months paid and the participation time they make (years and months), the
    paid shares, the months and amount owed; then the social insurance time and the sums.
    The same rules as the summary endpoint, over the statement's rows."""
    summary = summary_of(
        (row["scheme"], row["month"], row["status"], *(row[key] for key in AMOUNT_KEYS))
        for row in rows
    )
    schemes = [
        {
            "scheme": item["scheme"],
            "months_contributed": item["months_contributed"],
            "participation_time": contribution_time(item["months_contributed"]),
            "employee_total": item["employee_total"],
            "employer_total": item["employer_total"],
            "state_total": item["state_total"],
            "months_owed": item["months_owed"],
            "owed_total": item["owed_total"],
        }
        for item in summary["schemes"]
    ]
    return {
        "schemes": schemes,
        "social_insurance_time": summary["social_insurance_time"],
        "employee_total": summary["employee_total"],
        "employer_total": summary["employer_total"],
        "state_total": summary["state_total"],
        "owed_total": sum(item["owed_total"] for item in schemes),
    }


def statement_content(
    *,
    holder: Holder,
    rows: list[dict[str, Any]],
    month_from: date | None,
    month_to: date | None,
    today: date,
) -> StatementContent:
    first, last = statement_period(rows=rows, month_from=month_from, month_to=month_to, today=today)
    return StatementContent(
        holder=holder,
        month_from=first,
        month_to=last,
        rows=rows,
        gaps=gaps_in({row["month"] for row in rows}, first, last),
        totals=statement_totals(rows),
    )
