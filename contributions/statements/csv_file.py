"""The statement as CSV (UTF-8 with BOM, so spreadsheets show the Vietnamese names).

Lines: the issuer and the details (label, value; labels in the active language), a blank
line, the records under machine column names, the ``total_paid`` line; a blank line, the
totals per scheme, and the social insurance time. Months and dates use the language's one
format (``11/2026`` and ``29/11/2026`` in Vietnamese, ``Nov 2026`` and ``29 Nov 2026`` in
English). A cell a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.conf import settings
from django.utils.translation import pgettext

from contributions.statements import labels
from contributions.statements.content import AMOUNT_KEYS, StatementContent, Verification

CSV_COLUMNS = [
    "month",
    "scheme",
    "employer_code",
    "employer_name",
    "salary_base",
    "employee_amount",
    "employer_amount",
    "state_subsidy",
    "status",
]
TOTAL_COLUMNS = [
    "scheme",
    "months_contributed",
    "participation_years",
    "participation_months",
    "employee_amount",
    "employer_amount",
    "state_subsidy",
    "months_owed",
    "owed_amount",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: object) -> object:
    """Neutralise a text cell a spreadsheet would evaluate (numbers are left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def statement_csv(content: StatementContent, verification: Verification) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)

    def write(row: list[Any]) -> None:
        writer.writerow([cell_safe(value) for value in row])

    for detail in _details(content, verification):
        write(detail)
    write([])
    write(CSV_COLUMNS)
    for row in content.rows:
        write(
            [
                labels.month_text(row["month"]),
                row["scheme"],
                row["employer__code"] or "",
                row["employer__name"] or "",
                row["salary_base"],
                *(row[key] for key in AMOUNT_KEYS),
                row["status"],
            ]
        )
    totals = content.totals
    write(
        [
            "total_paid", "", "", "", "",
            totals["employee_total"], totals["employer_total"], totals["state_total"], "",
        ]
    )  # fmt: skip
    write([])
    write(TOTAL_COLUMNS)
    for item in totals["schemes"]:
        time = item["participation_time"]
        write(
            [
                item["scheme"], item["months_contributed"], time["years"], time["months"],
                item["employee_total"], item["employer_total"], item["state_total"],
                item["months_owed"], item["owed_total"],
            ]
        )  # fmt: skip
    si = totals["social_insurance_time"]
    write(["social_insurance_time", si["total_months"], si["years"], si["months"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _details(content: StatementContent, verification: Verification) -> list[list[str]]:
    holder = content.holder
    return [
        [pgettext("statement", "Issuer"), labels.issuer_name()],
        [pgettext("statement", "Address"), settings.STATEMENT_ISSUER_ADDRESS],
        [pgettext("statement", "Full name"), holder.full_name],
        [pgettext("statement", "SIN"), holder.social_insurance_number],
        [pgettext("statement", "ID"), holder.masked_national_id or ""],
        [pgettext("statement", "Date of birth"), labels.date_text(holder.date_of_birth)],
        [
            pgettext("statement", "Period"),
            labels.period_text(content.month_from, content.month_to),
        ],
        [pgettext("statement", "Issued at"), labels.datetime_text(verification.issued_at)],
        [pgettext("statement", "Verification code"), verification.code],
        [pgettext("statement", "Valid until"), labels.date_text(verification.expires_at)],
        [pgettext("statement", "Check online"), verification.verify_url],
    ]
