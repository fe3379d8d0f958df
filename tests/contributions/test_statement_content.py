"""Unit tests of the statement's pieces: the verification code, the period and its gaps, the
masked identity and the digest."""

from __future__ import annotations

from datetime import date

import pytest

from contributions.statements.codes import ALPHABET, code_display, code_generate, code_normalise
from contributions.statements.content import Gap, Holder, gaps_in, statement_content


def row(month: date, status: str = "paid", scheme: str = "compulsory_si") -> dict:
    return {
        "id": 1, "month": month, "scheme": scheme, "employer__code": "TA0101A",
        "employer__name": "Sông Hồng", "salary_base": 10_000_000, "employee_amount": 800_000,
        "employer_amount": 1_750_000, "state_subsidy": 0, "status": status,
    }  # fmt: skip


HOLDER = Holder("Nguyễn Thị Lan Hương", "0123456789", "001190012345", date(1990, 1, 15))


def test_codes_are_12_unambiguous_characters_and_differ():
    codes = {code_generate() for _ in range(200)}

    assert len(codes) == 200
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("ILOU") & set(ALPHABET)
    assert code_display("7K3MQ9TDX2HF") == "7K3M-Q9TD-X2HF"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7K3M-Q9TD-X2HF", "7K3MQ9TDX2HF"),
        (" 7k3m q9td x2hf ", "7K3MQ9TDX2HF"),
        ("O0IL-1234-ABCD", "00111234ABCD"),
        ("7K3M-Q9TD-X2H", None),  # too short
        ("7K3M-Q9TD-X2HU", None),  # U is not in the alphabet
        ("7K3M-Q9TD-X2H*", None),
    ],
)
def test_typed_codes_are_read_as_crockford_reads_them(typed, stored):
    assert code_normalise(typed) == stored


def test_gaps_are_runs_of_months_without_records():
    months = {date(2020, 3, 1), date(2020, 4, 1), date(2020, 7, 1)}

    gaps = gaps_in(months, date(2020, 1, 1), date(2020, 9, 1))

    assert gaps == [
        Gap(date(2020, 1, 1), date(2020, 2, 1)),
        Gap(date(2020, 5, 1), date(2020, 6, 1)),
        Gap(date(2020, 8, 1), date(2020, 9, 1)),
    ]
    assert [gap.months for gap in gaps] == [2, 2, 2]
    assert gaps_in(set(), None, None) == []


def test_the_period_stops_at_the_current_month_and_a_gap_spanning_years_is_shown_once():
    content = statement_content(
        holder=HOLDER, rows=[row(date(2024, 11, 1))], month_from=date(2024, 11, 1),
        month_to=date(2030, 12, 1), today=date(2025, 2, 10),
    )  # fmt: skip

    assert (content.month_from, content.month_to) == (date(2024, 11, 1), date(2025, 2, 1))
    assert content.gaps == [Gap(date(2024, 12, 1), date(2025, 2, 1))]
    years = content.years()
    assert [section.year for section in years] == [2024]
    assert years[0].entries[-1] == Gap(date(2024, 12, 1), date(2025, 2, 1))


def test_no_records_and_an_open_period_have_no_bounds():
    content = statement_content(
        holder=HOLDER, rows=[], month_from=date(2020, 1, 1), month_to=None, today=date(2025, 1, 1)
    )

    assert (content.month_from, content.month_to, content.gaps) == (None, None, [])


def test_masked_identity():
    assert HOLDER.masked_name == "N. T. L. Hương"
    assert HOLDER.masked_national_id == "••••••••2345"
    assert HOLDER.national_id_last4 == "2345"
    single = Holder("Hương", "0123456789", None, date(1990, 1, 15))
    assert single.masked_name == "Hương"
    assert single.masked_national_id is None


def test_the_digest_changes_with_any_row_and_only_then():
    rows = [row(date(2024, 1, 1)), row(date(2024, 2, 1))]

    def digest(rows):
        return statement_content(
            holder=HOLDER, rows=rows, month_from=None, month_to=None, today=date(2025, 1, 1)
        ).digest

    assert digest(rows) == digest([dict(item) for item in rows])
    assert digest(rows) != digest([rows[0], row(date(2024, 2, 1), status="owed")])
    assert digest(rows) != digest([rows[0], {**rows[1], "employee_amount": 800_001}])
