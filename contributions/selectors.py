"""Reads of contribution records and benefits. Every query filters by ``insuree_id``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet, Sum

from contributions.history import CONTRIBUTION_ROW_FIELDS
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

SOCIAL_INSURANCE_SCHEMES = (Scheme.COMPULSORY_SI, Scheme.VOLUNTARY_SI)


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
