"""Reading and checking a CSV of employer declarations, one row per person-month-scheme.

Columns (header required, any order, extra columns ignored)::

    social_insurance_number,month,scheme,employer_code,salary_base,
    employee_amount,employer_amount,state_subsidy,status

``social_insurance_number`` may also hold the 12-digit national ID, which has served as the
social insurance number since 2025. ``employer_code`` is empty for self-paid rows (voluntary
social insurance, household health insurance); ``state_subsidy`` and ``status`` may be empty
(0 and ``paid``). Row numbers are the file's record numbers as a spreadsheet shows them: the
header is row 1.

Each row is checked against the rates in force that month (``rates.RateBook``); a mismatch
is an error naming the field and the expected amount, never silently accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accounts.selectors import identifier_kind
from contributions.error_codes import RowErrorCode as E
from contributions.models import RecordStatus, Scheme
from contributions.months import month_parse
from contributions.rates import DEFAULT_TERMS, EmployerTerms, RateBook

REQUIRED_COLUMNS = (
    "social_insurance_number",
    "month",
    "scheme",
    "employer_code",
    "salary_base",
    "employee_amount",
    "employer_amount",
)
OPTIONAL_COLUMNS = ("state_subsidy", "status")
EMPLOYER_SCHEMES = {Scheme.COMPULSORY_SI, Scheme.UNEMPLOYMENT}
SELF_PAID_SCHEMES = {Scheme.VOLUNTARY_SI}
SCHEMES = frozenset(Scheme.values)  # Django builds ``.values`` anew on every access
STATUSES = frozenset(RecordStatus.values)
AMOUNT_FIELDS = ("salary_base", "employee_amount", "employer_amount", "state_subsidy")


class FileUnreadable(ValueError):
    """The file is not a UTF-8 CSV with the required header."""


@dataclass(frozen=True)
class ValidRow:
    row: int
    insuree_id: int
    month: date
    scheme: str
    employer_id: int | None
    salary_base: int
    employee_amount: int
    employer_amount: int
    state_subsidy: int
    status: str


@dataclass
class CheckedFile:
    rows_total: int = 0
    valid: list[ValidRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def csv_rows(content: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the data rows of a UTF-8 CSV (a BOM is accepted)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileUnreadable("The file is not UTF-8 text.") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise FileUnreadable("The file has no header row.") from error
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileUnreadable(f"Missing columns: {', '.join(missing)}.")
    return header, reader


class RowChecker:
    """Checks rows against the insurees, employers and rates it was given (no queries)."""

    def __init__(
        self,
        *,
        insurees: dict[str, int],
        employers: dict[str, int],
        book: RateBook,
        latest_month: date,
        employer_terms: dict[int, EmployerTerms] | None = None,
    ) -> None:
        self.insurees, self.employers, self.book = insurees, employers, book
        self.employer_terms = employer_terms or {}
        self.latest_month = latest_month
        self.seen: set[tuple[int, date, str, int | None]] = set()

    def check(
        self, number: int, raw: dict[str, str]
    ) -> tuple[ValidRow | None, list[dict[str, Any]]]:
        errors: list[dict[str, Any]] = []

        def fail(name: str, code: str, detail: str) -> None:
            errors.append({"row": number, "field": name, "code": str(code), "detail": detail})

        insuree_id = self._insuree(raw, fail)
        month = self._month(raw, fail)
        scheme = raw.get("scheme", "").strip()
        if scheme not in SCHEMES:
            fail("scheme", E.INVALID, f"Unknown scheme {scheme!r}.")
        employer_id = self._employer(raw, scheme, fail)
        amounts = self._amounts(raw, fail)
        status = raw.get("status", "").strip() or RecordStatus.PAID
        if status not in STATUSES:
            fail("status", E.INVALID, f"Unknown status {status!r}.")
        if errors or insuree_id is None or month is None:
            return None, errors
        self._check_rates(scheme, month, employer_id, amounts, fail)
        key = (insuree_id, month, scheme, employer_id)
        if not errors and key in self.seen:
            fail("month", E.DUPLICATE_IN_FILE, "The same person, month, scheme and payer twice.")
        if errors:
            return None, errors
        self.seen.add(key)
        return ValidRow(
            number, insuree_id, month, scheme, employer_id, **amounts, status=status
        ), []

    def _insuree(self, raw: dict[str, str], fail: Any) -> int | None:
        sin = raw.get("social_insurance_number", "").strip()
        if identifier_kind(value=sin) is None:
            detail = "A social insurance number has 10 digits (or a national ID, 12)."
            fail("social_insurance_number", E.INVALID, detail)
            return None
        insuree_id = self.insurees.get(sin)
        if insuree_id is None:
            fail("social_insurance_number", E.UNKNOWN_INSUREE, f"No insuree {sin}.")
        return insuree_id

    def _month(self, raw: dict[str, str], fail: Any) -> date | None:
        month = month_parse(raw.get("month", ""))
        if month is None:
            fail("month", E.INVALID, "Enter the month as YYYY-MM.")
        elif month > self.latest_month:
            fail("month", E.FUTURE_MONTH, "The month has not begun.")
            return None
        return month

    def _employer(self, raw: dict[str, str], scheme: str, fail: Any) -> int | None:
        code = raw.get("employer_code", "").strip()
        if not code:
            if scheme in EMPLOYER_SCHEMES:
                fail("employer_code", E.EMPLOYER_REQUIRED, "This scheme is paid by an employer.")
            return None
        if scheme in SELF_PAID_SCHEMES:
            fail("employer_code", E.EMPLOYER_NOT_ALLOWED, "This scheme is paid by the insuree.")
            return None
        employer_id = self.employers.get(code)
        if employer_id is None:
            fail("employer_code", E.UNKNOWN_EMPLOYER, f"No employer {code}.")
        return employer_id

    def _amounts(self, raw: dict[str, str], fail: Any) -> dict[str, int]:
        amounts: dict[str, int] = {}
        for name in AMOUNT_FIELDS:
            text = raw.get(name, "").strip()
            if not text and name == "state_subsidy":
                amounts[name] = 0
            elif text.isdigit() and len(text) <= 15:
                amounts[name] = int(text)
            else:
                fail(
                    name, E.REQUIRED if not text else E.INVALID, "A whole, non-negative VND amount."
                )
        return amounts

    def _check_rates(
        self, scheme: str, month: date, employer_id: int | None, amounts: dict[str, int], fail: Any
    ) -> None:
        if employer_id is not None:
            terms = self.employer_terms.get(employer_id, DEFAULT_TERMS)
            self._check_employed(scheme, month, amounts, fail, terms)
        elif scheme == Scheme.VOLUNTARY_SI:
            self._check_voluntary(month, amounts, fail)
        else:
            self._check_household_health(month, amounts, fail)

    def _check_employed(
        self,
        scheme: str,
        month: date,
        amounts: dict[str, int],
        fail: Any,
        terms: EmployerTerms = DEFAULT_TERMS,
    ) -> None:
        expected = self.book.employed_shares(scheme, month, amounts["salary_base"], terms)
        if expected is None:
            fail("month", E.NO_RATE, "No rate in force that month for this scheme.")
            return
        _expect(fail, "employee_amount", amounts["employee_amount"], expected.employee)
        _expect(fail, "employer_amount", amounts["employer_amount"], expected.employer)
        _expect(fail, "state_subsidy", amounts["state_subsidy"], 0)

    def _check_voluntary(self, month: date, amounts: dict[str, int], fail: Any) -> None:
        bounds = self.book.voluntary_income_bounds(month)
        total = self.book.voluntary_total(month, amounts["salary_base"])
        if bounds is None or total is None:
            fail("month", E.NO_RATE, "No voluntary rate in force that month.")
            return
        low, high = bounds
        if not low <= amounts["salary_base"] <= high:
            fail("salary_base", E.OUT_OF_RANGE, f"The income must be between {low} and {high}.")
            return
        supports = self.book.voluntary_supports(month)
        if amounts["state_subsidy"] not in supports:
            allowed = ", ".join(str(v) for v in sorted(supports))
            fail("state_subsidy", E.AMOUNT_MISMATCH, f"Expected one of {allowed}.")
            return
        _expect(
            fail, "employee_amount", amounts["employee_amount"], total - amounts["state_subsidy"]
        )
        _expect(fail, "employer_amount", amounts["employer_amount"], 0)

    def _check_household_health(self, month: date, amounts: dict[str, int], fail: Any) -> None:
        allowed = self.book.household_health_amounts(month)
        base = self.book.base_salary(month)
        if not allowed or base is None:
            fail("month", E.NO_RATE, "No household health rate in force that month.")
            return
        _expect(fail, "salary_base", amounts["salary_base"], base)
        _expect(fail, "employer_amount", amounts["employer_amount"], 0)
        paid = amounts["employee_amount"] + amounts["state_subsidy"]
        if paid not in allowed:
            choices = ", ".join(str(v) for v in sorted(allowed, reverse=True))
            fail("employee_amount", E.AMOUNT_MISMATCH, f"Expected a total of one of {choices}.")


def _expect(fail: Any, name: str, actual: int, expected: int) -> None:
    if actual != expected:
        fail(name, E.AMOUNT_MISMATCH, f"Expected {expected} under the rate in force, got {actual}.")
