"""Reads of contribution records and benefits. Every query filters by ``insuree_id``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import QuerySet, Sum

from accounts.selectors import insuree_ids_by_identifier as accounts_insuree_ids
from contributions.models import (
    BenefitPayment,
    ContributionRecord,
    Declaration,
    Employer,
    ImportJob,
    RecordStatus,
    Scheme,
)
from contributions.months import month_format, month_range
from contributions.pension import PensionInputs, pension_estimate
from contributions.rates import RateBook

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

if TYPE_CHECKING:
    from accounts.models import Insuree
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
    summaries: dict[str, SchemeSummary] = {}
    for row in grouped:
        summary = summaries.setdefault(row["scheme"], SchemeSummary(row["scheme"]))
        amount = row["employee"] + row["employer"] + row["state"]
        if row["status"] == RecordStatus.PAID:
            summary.paid_months.add(row["month"])
            summary.employee_total += row["employee"]
            summary.employer_total += row["employer"]
            summary.state_total += row["state"]
        else:
            summary.owed_months.add(row["month"])
            summary.owed_total += amount
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


def monthly_si_salaries(*, insuree_id: int) -> dict[date, int]:
    """Per month, the salary (or chosen income) on which social insurance was paid, summed
    over employers; reversed and owed months do not count."""
    salaries: dict[date, int] = defaultdict(int)
    rows = (
        ContributionRecord.objects.filter(
            insuree_id=insuree_id, scheme__in=SOCIAL_INSURANCE_SCHEMES, status=RecordStatus.PAID
        )
        .order_by()
        .values_list("month", "salary_base")
    )
    for month, salary in rows:
        salaries[month] += salary
    return dict(salaries)


def employers_by_code(*, codes: set[str]) -> dict[str, int]:
    return dict(Employer.objects.filter(code__in=codes).values_list("code", "id"))


def insuree_ids_by_identifier(*, identifiers: list[str], chunk: int = 5000) -> dict[str, int]:
    """Map identifier -> insuree id (accounts owns insurees: asked through its selector)."""
    return accounts_insuree_ids(identifiers=identifiers, chunk=chunk)


def declaration_get(*, declaration_id: int) -> Declaration | None:
    return Declaration.objects.filter(pk=declaration_id).first()


def declaration_find(*, file_sha256: str, idempotency_key: str | None) -> Declaration | None:
    """A declaration already imported from the same file or under the same key."""
    if idempotency_key:
        by_key = Declaration.objects.filter(idempotency_key=idempotency_key).first()
        if by_key is not None:
            return by_key
    return Declaration.objects.filter(file_sha256=file_sha256).first()


def declaration_insuree_ids(*, declaration_id: int) -> list[int]:
    return list(
        ContributionRecord.objects.filter(declaration_id=declaration_id)
        .order_by()
        .values_list("insuree_id", flat=True)
        .distinct()
    )


def pension_estimate_for(
    *,
    insuree: Insuree,
    today: date,
    retirement_date: date | None = None,
    future_salary: int | None = None,
) -> dict[str, Any]:
    """The pension estimate from the insuree's record (two queries for the rates)."""
    inputs = PensionInputs(
        gender=insuree.gender,
        born=insuree.date_of_birth,
        salaries=monthly_si_salaries(insuree_id=insuree.pk),
        today=today,
        retirement_date=retirement_date,
        future_salary=future_salary,
    )
    return pension_estimate(inputs, RateBook.load())


def import_job_get(*, job_id: Any) -> ImportJob | None:
    return ImportJob.objects.select_related("declaration").filter(pk=job_id).first()
