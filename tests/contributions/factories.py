from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from contributions.models import BenefitPayment, ContributionRecord, Employer, RecordStatus, Scheme
from tests.accounts.factories import InsureeFactory


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TE{n:05d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm Số {n}")
    province_code = "01"


class ContributionRecordFactory(DjangoModelFactory):
    """A compulsory social insurance month at 10,000,000 VND with the 8% / 17.5% shares."""

    class Meta:
        model = ContributionRecord

    insuree = factory.SubFactory(InsureeFactory)
    month = date(2024, 1, 1)
    scheme = Scheme.COMPULSORY_SI
    employer = factory.SubFactory(EmployerFactory)
    salary_base = 10_000_000
    employee_amount = 800_000
    employer_amount = 1_750_000
    state_subsidy = 0
    status = RecordStatus.PAID


class BenefitPaymentFactory(DjangoModelFactory):
    class Meta:
        model = BenefitPayment

    insuree = factory.SubFactory(InsureeFactory)
    kind = "sickness"
    period_from = date(2024, 3, 4)
    period_to = date(2024, 3, 8)
    amount = 1_500_000
    paid_on = date(2024, 4, 10)
    method = "bank"
    decision_number = factory.Sequence(lambda n: f"{n:05d}/QĐ-BHXH")
    status = "paid"
