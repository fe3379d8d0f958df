"""Demo employers, the demo household's contribution history and benefits, and bulk history
for synthetic citizens. Amounts follow the rates in force each month (``rates.RateBook``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from accounts.selectors import insuree_get_by_identifier
from api.demo import DemoContext
from contributions.models import (
    BenefitPayment,
    ContributionRecord,
    Employer,
    RecordStatus,
    Scheme,
)
from contributions.months import month_add, month_range, month_start
from contributions.rates import RateBook

DEMO_EMPLOYERS = [
    ("TA0101A", "Công ty TNHH Phần mềm Sông Hồng", "01"),
    ("TA0102B", "Công ty Cổ phần Dệt may Hà Đông", "01"),
    ("YN7901C", "Công ty TNHH Thương mại Bến Thành", "79"),
    ("DA4801D", "Công ty Cổ phần Cảng Tiên Sa", "48"),
]
EMPLOYED_SCHEMES = (Scheme.COMPULSORY_SI, Scheme.UNEMPLOYMENT, Scheme.HEALTH)
SYNTHETIC_MONTHS = 12  # months of compulsory social insurance per synthetic citizen
BATCH_SIZE = 5000


@dataclass(frozen=True)
class Job:
    employer_code: str
    first: date
    last: date
    salary_first: int
    raise_per_year: int


def seed_demo(ctx: DemoContext) -> None:
    seed_demo_employers()
    book = RateBook.load()
    last_month = month_add(month_start(ctx.today), -1)
    _seed_lan(book, last_month)
    _seed_minh(book, last_month)
    _seed_bao(book, last_month)


def _seed_lan(book: RateBook, last_month: date) -> None:
    """Nguyễn Thị Lan: Sông Hồng 2014-01..2018-12, a gap, six voluntary months in 2019-H2,
    Dệt may Hà Đông since 2020 (last month still owed), a maternity benefit in 2022."""
    insuree = insuree_get_by_identifier(identifier="0123456789")
    if insuree is None:
        return
    records = [
        *_employed(book, insuree.pk, Job("TA0101A", date(2014, 1, 1), date(2018, 12, 1),
                                         6_500_000, 500_000)),
        *_voluntary(book, insuree.pk, date(2019, 7, 1), date(2019, 12, 1), 3_000_000),
        *_employed(book, insuree.pk, Job("TA0102B", date(2020, 1, 1), last_month,
                                         12_000_000, 800_000), owed_from=last_month),
    ]  # fmt: skip
    ContributionRecord.objects.bulk_create(records, batch_size=BATCH_SIZE, ignore_conflicts=True)
    _benefit(insuree.pk, "maternity", date(2022, 8, 25), date(2023, 2, 24), 96_120_000,
             date(2022, 9, 20), "0912/QĐ-BHXH")  # fmt: skip
    _benefit(insuree.pk, "sickness", date(2024, 3, 4), date(2024, 3, 8), 2_307_692,
             date(2024, 4, 16), "0416/QĐ-BHXH")  # fmt: skip
    _benefit(insuree.pk, "convalescence", date(2023, 3, 1), date(2023, 3, 5), 2_700_000,
             date(2023, 4, 12), "0412/QĐ-BHXH")  # fmt: skip


def _seed_minh(book: RateBook, last_month: date) -> None:
    """Trần Văn Minh: Bến Thành 2014-01..2015-12, then Sông Hồng since 2016."""
    insuree = insuree_get_by_identifier(identifier="0123456790")
    if insuree is None:
        return
    records = [
        *_employed(book, insuree.pk, Job("YN7901C", date(2014, 1, 1), date(2015, 12, 1),
                                         5_000_000, 400_000)),
        *_employed(book, insuree.pk, Job("TA0101A", date(2016, 1, 1), last_month,
                                         9_000_000, 900_000)),
    ]  # fmt: skip
    ContributionRecord.objects.bulk_create(records, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _seed_bao(book: RateBook, last_month: date) -> None:
    """Trần Gia Bảo (born 2022-09-03): health insurance paid by the state, as for every
    child under six."""
    insuree = insuree_get_by_identifier(identifier="0123456791")
    if insuree is None:
        return
    records = []
    for month in month_range(date(2022, 9, 1), last_month):
        base = book.base_salary(month) or 0
        records.append(
            ContributionRecord(
                insuree_id=insuree.pk,
                month=month,
                scheme=Scheme.HEALTH,
                employer=None,
                salary_base=base,
                state_subsidy=max(book.household_health_amounts(month), default=0),
            )
        )
    ContributionRecord.objects.bulk_create(records, batch_size=BATCH_SIZE, ignore_conflicts=True)


def _employer_id(code: str) -> int:
    return Employer.objects.only("id").get(code=code).pk


def _employed(
    book: RateBook, insuree_id: int, job: Job, owed_from: date | None = None
) -> Iterator[ContributionRecord]:
    employer_id = _employer_id(job.employer_code)
    for month in month_range(job.first, job.last):
        salary = job.salary_first + job.raise_per_year * (month.year - job.first.year)
        status = RecordStatus.OWED if owed_from and month >= owed_from else RecordStatus.PAID
        for scheme in EMPLOYED_SCHEMES:
            shares = book.employed_shares(scheme, month, salary)
            if shares is None:
                continue
            yield ContributionRecord(
                insuree_id=insuree_id,
                month=month,
                scheme=scheme,
                employer_id=employer_id,
                salary_base=salary,
                employee_amount=shares.employee,
                employer_amount=shares.employer,
                status=status,
            )


def _voluntary(
    book: RateBook, insuree_id: int, first: date, last: date, income: int
) -> Iterator[ContributionRecord]:
    for month in month_range(first, last):
        total = book.voluntary_total(month, income) or 0
        support = sorted(book.voluntary_supports(month))
        state = support[1] if len(support) > 1 else 0  # the smallest support: "other people"
        yield ContributionRecord(
            insuree_id=insuree_id,
            month=month,
            scheme=Scheme.VOLUNTARY_SI,
            employer=None,
            salary_base=income,
            employee_amount=total - state,
            state_subsidy=state,
        )


def _benefit(
    insuree_id: int,
    kind: str,
    period_from: date,
    period_to: date,
    amount: int,
    paid_on: date,
    decision_number: str,
) -> None:
    BenefitPayment.objects.get_or_create(
        insuree_id=insuree_id,
        decision_number=decision_number,
        kind=kind,
        period_from=period_from,
        defaults={
            "period_to": period_to,
            "amount": amount,
            "paid_on": paid_on,
            "method": "bank",
        },
    )


def seed_synthetic(ctx: DemoContext, insuree_ids: list[int]) -> None:
    """``SYNTHETIC_MONTHS`` months of compulsory social insurance up to last month for each
    synthetic citizen, with one of the demo employers and a salary drawn per citizen."""
    seed_demo_employers()
    book = RateBook.load()
    last = month_add(month_start(ctx.today), -1)
    months = list(month_range(month_add(last, 1 - SYNTHETIC_MONTHS), last))
    employers = [_employer_id(code) for code, _, _ in DEMO_EMPLOYERS]
    now = timezone.now()
    batch: list[ContributionRecord] = []
    for done, insuree_id in enumerate(insuree_ids, start=1):
        employer_id = ctx.rng.choice(employers)
        salary = ctx.rng.randrange(5_000_000, 40_000_000, 500_000)
        for month in months:
            shares = book.employed_shares(Scheme.COMPULSORY_SI, month, salary)
            if shares is None:
                continue
            batch.append(
                ContributionRecord(
                    insuree_id=insuree_id,
                    month=month,
                    scheme=Scheme.COMPULSORY_SI,
                    employer_id=employer_id,
                    salary_base=salary,
                    employee_amount=shares.employee,
                    employer_amount=shares.employer,
                    posted_at=now,
                )
            )
        if len(batch) >= BATCH_SIZE or done == len(insuree_ids):
            ContributionRecord.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            batch = []
        if done % 10_000 == 0:
            ctx.log(f"  contribution history: {done}/{len(insuree_ids)} citizens")


def seed_demo_employers() -> None:
    for code, name, province_code in DEMO_EMPLOYERS:
        Employer.objects.get_or_create(
            code=code, defaults={"name": name, "province_code": province_code}
        )
