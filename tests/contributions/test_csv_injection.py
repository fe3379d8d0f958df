"""Finding 8: text that a spreadsheet would run as a formula is neutralised in every CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from api.csv_safe import FORMULA_PREFIXES, csv_cell, csv_writer
from tests.contributions.factories import EmployerFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "api", "contributions", "healthcards", "notifications"]


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_formula_prefix_is_neutralised(prefix):
    out = io.StringIO(newline="")

    csv_writer(out).writerow([f'{prefix}HYPERLINK("http://evil.example")', -5, 0, "plain"])

    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0].startswith("'" + prefix), cells
    assert cells[1:] == ["-5", "0", "plain"]  # numbers stay numbers


def test_safe_text_is_untouched():
    assert csv_cell("Nguyễn Thị Lan") == "Nguyễn Thị Lan"
    assert csv_cell(42) == 42


@pytest.mark.django_db
def test_statement_csv_neutralises_a_name_and_an_employer(citizen_client, citizen, make_months):
    # Given a name and an employer that begin like formulas
    citizen.insuree.full_name = '=HYPERLINK("http://evil.example","Lan")'
    citizen.insuree.save()
    employer = EmployerFactory(code="TA0109Z", name="@SUM(1+1)*cmd|' /C calc'!A0")
    make_months(citizen.insuree, date(2024, 1, 1), 1, employer=employer)

    # When the citizen downloads the statement as CSV
    r = citizen_client.get("/api/v1/contributions/statement", {"format": "csv"})

    # Then no cell begins with a formula character
    assert r.status_code == 200
    cells = [
        cell for line in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) for cell in line
    ]
    assert "'" + citizen.insuree.full_name in cells
    assert "'" + employer.name in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))], cells


def test_every_csv_writer_goes_through_the_helper():
    # Any module that writes CSV must use api.csv_safe.csv_writer, not csv.writer directly.
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "csv_safe.py" or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"\bcsv\.(writer|DictWriter)\(", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
