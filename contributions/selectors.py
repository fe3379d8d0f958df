"""Reads of contribution records and benefits. Every query filters by ``insuree_id``."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import QuerySet, Sum
from django.http import Http404

from accounts.selectors import access_insuree_for_viewer
from contributions.five_years import five_year_date
from contributions.models import (
    BenefitPayment,
    ContributionRecord,
    Declaration,
    Employer,
    ImportJob,
    RecordStatus,
    SalaryRegime,
    Scheme,
    Statement,
)
from contributions.months import month_format, month_range
from contributions.pension import PensionInputs, pension_estimate
from contributions.rates import EmployerTerms, RateBook

CONTRIBUTION_ROW_FIELDS = (
    "id",
    "month",
    "scheme",
    "employer__code",
    "employer__name",
    "salary_base",
    "employee_amount",
    "employer_amount",
    "state_subsidy",
    "status",
)
HISTORY_COLUMNS = (
    "r.id",
    "r.month",
    "r.scheme",
    "e.code",
    "e.name",
    "r.salary_base",
    "r.employee_amount",
    "r.employer_amount",
    "r.state_subsidy",
    "r.status",
)
SOCIAL_INSURANCE_SCHEMES = (Scheme.COMPULSORY_SI, Scheme.VOLUNTARY_SI)


def contribution_page(
    *,
    insuree_id: int,
    limit: int,
    scheme: str | None = None,
    month_from: date | None = None,
    month_to: date | None = None,
    employer_code: str | None = None,
    position: tuple[date, int] | None = None,
    backwards: bool = False,
) -> list[tuple[Any, ...]]:
    """One page of an insuree's history as tuples in ``HISTORY_COLUMNS`` order, newest first
    on the unique key (month, id), after ``position`` (before it when ``backwards``, then
    oldest first).

    The hot path: one hand-written query, because compiling the ORM query costs about three
    times the query itself. Only fixed fragments and table names are put into the text;
    every value is a parameter.
    """
    adapt = connection.ops.adapt_datefield_value
    where: list[str] = ["r.insuree_id = %s"]
    params: list[Any] = [insuree_id]
    for condition, value in (
        ("r.scheme = %s", scheme),
        ("r.month >= %s", adapt(month_from) if month_from else None),
        ("r.month <= %s", adapt(month_to) if month_to else None),
        ("e.code = %s", employer_code),
    ):
        if value:
            where.append(condition)
            params.append(value)
    if position is not None:
        op = ">" if backwards else "<"
        where.append(f"(r.month {op} %s OR (r.month = %s AND r.id {op} %s))")
        params.extend([adapt(position[0]), adapt(position[0]), position[1]])
    order = "ASC" if backwards else "DESC"
    sql = (
        f"SELECT {', '.join(HISTORY_COLUMNS)} "  # noqa: S608 - fixed fragments only
        f"FROM {ContributionRecord._meta.db_table} r "
        f"LEFT JOIN {Employer._meta.db_table} e ON e.id = r.employer_id "
        f"WHERE {' AND '.join(where)} ORDER BY r.month {order}, r.id {order} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()


def benefit_list(*, insuree_id: int, kind: str | None = None) -> QuerySet[BenefitPayment]:
    payments = BenefitPayment.objects.filter(insuree_id=insuree_id)
    if kind:
        payments = payments.filter(kind=kind)
    return payments.order_by("-paid_on", "-id")


@dataclass
class SchemeSummary:
    scheme: str
    paid_months: set[date] = field(default_factory=set)
    owed_months: set[date] = field(default_factory=set)
    employee_total: int = 0
    employer_total: int = 0
    state_total: int = 0
    owed_total: int = 0

    def as_dict(self) -> dict[str, Any]:
        months = sorted(self.paid_months | self.owed_months)
        return {
            "scheme": self.scheme,
            "months_contributed": len(self.paid_months),
            "first_month": month_format(months[0]) if months else None,
            "last_month": month_format(months[-1]) if months else None,
            "employee_total": self.employee_total,
            "employer_total": self.employer_total,
            "state_total": self.state_total,
            "months_owed": len(self.owed_months),
            "owed_total": self.owed_total,
            "gaps": gaps_of(set(months)),
        }


def gaps_of(months: set[date]) -> list[dict[str, Any]]:
    """Missing months between the first and the last month present, as ranges."""
    if not months:
        return []
    gaps: list[dict[str, Any]] = []
    start: date | None = None
    previous: date | None = None
    for month in month_range(min(months), max(months)):
        if month not in months:
            start = start or month
            previous = month
        elif start is not None and previous is not None:
            gaps.append(_gap(start, previous))
            start = None
    return gaps


def _gap(start: date, end: date) -> dict[str, Any]:
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return {"from": month_format(start), "to": month_format(end), "months": count}


def contribution_summary(*, insuree_id: int) -> dict[str, Any]:
    """Per scheme: months paid and owed, totals by payer, gaps; and the social insurance time
    (compulsory and voluntary months, each calendar month counted once)."""
    grouped = (
        ContributionRecord.objects.filter(insuree_id=insuree_id)
        .exclude(status=RecordStatus.REVERSED)
        .values("scheme", "month", "status")
        .annotate(
            employee=Sum("employee_amount"),
            employer=Sum("employer_amount"),
            state=Sum("state_subsidy"),
        )
        .order_by()
    )
    return summary_of(
        (row["scheme"], row["month"], row["status"], row["employee"], row["employer"], row["state"])
        for row in grouped
    )


def summary_of(rows: Iterable[tuple[str, date, str, int, int, int]]) -> dict[str, Any]:
    """The summary of ``(scheme, month, status, employee, employer, state)`` rows: the rules
    of ``contribution_summary``, shared with the statement, which sums its own rows."""
    summaries: dict[str, SchemeSummary] = {}
    for scheme, month, status, employee, employer, state in rows:
        if status == RecordStatus.REVERSED:
            continue
        summary = summaries.setdefault(scheme, SchemeSummary(scheme))
        if status == RecordStatus.PAID:
            summary.paid_months.add(month)
            summary.employee_total += employee
            summary.employer_total += employer
            summary.state_total += state
        else:
            summary.owed_months.add(month)
            summary.owed_total += employee + employer + state
    si_months: set[date] = set()
    for scheme in SOCIAL_INSURANCE_SCHEMES:
        if scheme in summaries:
            si_months |= summaries[scheme].paid_months
    ordered = [summaries[s].as_dict() for s in Scheme.values if s in summaries]
    return {
        "schemes": ordered,
        "social_insurance_time": contribution_time(len(si_months)),
        "employee_total": sum(s["employee_total"] for s in ordered),
        "employer_total": sum(s["employer_total"] for s in ordered),
        "state_total": sum(s["state_total"] for s in ordered),
    }


def contribution_time(total_months: int) -> dict[str, int]:
    """As the agency's statements print it: "12 năm 4 tháng"."""
    return {"total_months": total_months, "years": total_months // 12, "months": total_months % 12}


def contribution_statement_rows(
    *, insuree_id: int, month_from: date | None, month_to: date | None
) -> list[dict[str, Any]]:
    """Rows for a statement, oldest first (one insuree, optional period)."""
    records = ContributionRecord.objects.filter(insuree_id=insuree_id)
    if month_from:
        records = records.filter(month__gte=month_from)
    if month_to:
        records = records.filter(month__lte=month_to)
    return list(records.order_by("month", "scheme", "id").values(*CONTRIBUTION_ROW_FIELDS))


def monthly_si_salaries(*, insuree_id: int) -> tuple[dict[date, int], frozenset[date]]:
    """Per month, the salary (or chosen income) on which social insurance was paid, summed
    over employers, and the months paid on the State's salary scale (by the employer's
    regime); reversed and owed months do not count."""
    salaries: dict[date, int] = defaultdict(int)
    state_months: set[date] = set()
    rows = (
        ContributionRecord.objects.filter(
            insuree_id=insuree_id, scheme__in=SOCIAL_INSURANCE_SCHEMES, status=RecordStatus.PAID
        )
        .order_by()
        .values_list("month", "salary_base", "employer__salary_regime")
    )
    for month, salary, regime in rows:
        salaries[month] += salary
        if regime == SalaryRegime.STATE:
            state_months.add(month)
    return dict(salaries), frozenset(state_months)


def health_five_year_dates(*, insuree_ids: list[int], chunk: int = 5000) -> dict[int, date | None]:
    """Per insuree, the date five consecutive years of health insurance were reached, from
    their paid health-insurance months (``five_years.five_year_date``); one query per chunk."""
    months: dict[int, set[date]] = {insuree_id: set() for insuree_id in insuree_ids}
    for start in range(0, len(insuree_ids), chunk):
        rows = (
            ContributionRecord.objects.filter(
                insuree_id__in=insuree_ids[start : start + chunk],
                scheme=Scheme.HEALTH,
                status=RecordStatus.PAID,
            )
            .order_by()
            .values_list("insuree_id", "month")
            .distinct()
        )
        for insuree_id, month in rows.iterator(chunk_size=10_000):
            months[insuree_id].add(month)
    return {insuree_id: five_year_date(found) for insuree_id, found in months.items()}


def health_insuree_ids() -> list[int]:
    """Everyone with a health-insurance record, in id order (a backfill walks them)."""
    return list(
        ContributionRecord.objects.filter(scheme=Scheme.HEALTH)
        .order_by("insuree_id")
        .values_list("insuree_id", flat=True)
        .distinct()
    )


def employers_by_code(*, codes: set[str]) -> dict[str, int]:
    return dict(Employer.objects.filter(code__in=codes).values_list("code", "id"))


def employer_terms_by_id(*, ids: set[int]) -> dict[int, EmployerTerms]:
    """What the rates need to know about each employer (regime, region, reduced rate)."""
    rows = Employer.objects.filter(pk__in=ids).values_list(
        "id",
        "salary_regime",
        "minimum_wage_region",
        "reduced_accident_rate_from",
        "reduced_accident_rate_to",
    )
    return {row[0]: EmployerTerms(*row[1:]) for row in rows}


def insuree_ids_by_identifier(*, identifiers: list[str], chunk: int = 5000) -> dict[str, int]:
    """Map identifier -> insuree id: 10 digits are a social insurance number, 12 a national ID.
    The insuree model is reached through our own foreign key, so no other app's model is
    imported; one query per chunk of each kind."""
    insuree_model: Any = ContributionRecord._meta.get_field("insuree").related_model
    found: dict[str, int] = {}
    for column, size in (("social_insurance_number", 10), ("national_id", 12)):
        wanted = [value for value in identifiers if len(value) == size]
        for start in range(0, len(wanted), chunk):
            found.update(
                insuree_model._default_manager.filter(
                    **{f"{column}__in": wanted[start : start + chunk]}
                ).values_list(column, "id")
            )
    return found


def declaration_get(*, declaration_id: int) -> Declaration | None:
    return Declaration.objects.filter(pk=declaration_id).first()


def declaration_find(*, file_sha256: str, idempotency_key: str | None) -> Declaration | None:
    """A declaration already imported from the same file or under the same key."""
    if idempotency_key:
        by_key = Declaration.objects.filter(idempotency_key=idempotency_key).first()
        if by_key is not None:
            return by_key
    return Declaration.objects.filter(file_sha256=file_sha256).first()


@dataclass(frozen=True)
class RecordOnRecord:
    id: int
    status: str
    declaration_id: int | None


def records_on_record_for_update(
    *, keys: list[tuple[int, date, str, int | None]], chunk: int = 5000
) -> dict[tuple[int, date, str, int | None], RecordOnRecord]:
    """The records already on file for these (insuree, month, scheme, employer) keys, locked
    for the rest of the transaction (PostgreSQL); one query per chunk of insurees, on the
    (insuree, month) index."""
    wanted = set(keys)
    insuree_ids = sorted({key[0] for key in wanted})
    months = sorted({key[1] for key in wanted})
    found: dict[tuple[int, date, str, int | None], RecordOnRecord] = {}
    for start in range(0, len(insuree_ids), chunk):
        rows = (
            ContributionRecord.objects.select_for_update()
            .filter(insuree_id__in=insuree_ids[start : start + chunk], month__in=months)
            .order_by()
            .values_list("insuree_id", "month", "scheme", "employer_id", "id", "status",
                         "declaration_id")
        )  # fmt: skip
        for insuree_id, month, scheme, employer_id, pk, status, declaration_id in rows:
            key = (insuree_id, month, scheme, employer_id)
            if key in wanted:
                found[key] = RecordOnRecord(pk, status, declaration_id)
    return found


def declaration_insuree_ids(*, declaration_id: int) -> list[int]:
    return list(
        ContributionRecord.objects.filter(declaration_id=declaration_id)
        .order_by()
        .values_list("insuree_id", flat=True)
        .distinct()
    )


def pension_estimate_for(
    *,
    insuree: Any,
    today: date,
    retirement_date: date | None = None,
    future_salary: int | None = None,
) -> dict[str, Any]:
    """The pension estimate from the insuree's record (two queries for the rates)."""
    salaries, state_months = monthly_si_salaries(insuree_id=insuree.pk)
    inputs = PensionInputs(
        gender=insuree.gender,
        born=insuree.date_of_birth,
        salaries=salaries,
        state_months=state_months,
        today=today,
        retirement_date=retirement_date,
        future_salary=future_salary,
    )
    return pension_estimate(inputs, RateBook.load())


def import_job_get(*, job_id: Any) -> ImportJob | None:
    return ImportJob.objects.select_related("declaration").filter(pk=job_id).first()


def statement_list(*, insuree_id: int) -> QuerySet[Statement]:
    """The statements issued for an insuree, newest first."""
    return Statement.objects.filter(insuree_id=insuree_id).order_by("-issued_at", "-id")


def access_statement_by_id(*, viewer: Any, statement_id: object) -> Statement:
    """A statement of the viewer or of one of their minor children; anything else is 404,
    whether it exists or not."""
    try:
        key = uuid.UUID(str(statement_id))
    except ValueError as error:
        raise Http404 from error
    statement = Statement.objects.select_related("insuree").filter(pk=key).first()
    if statement is None:
        raise Http404
    if statement.insuree_id != viewer.pk:
        access_insuree_for_viewer(viewer=viewer, public_id=statement.insuree.public_id)
    return statement


def statement_get_by_code(*, code: str) -> Statement | None:
    return Statement.objects.filter(code=code).first()
