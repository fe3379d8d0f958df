from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from healthcards.models import CardStatus, Facility, FacilityLevel, HealthCard
from tests.accounts.factories import InsureeFactory


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"01{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Bệnh viện số {n}")
    province_code = "01"
    level = FacilityLevel.DISTRICT


class HealthCardFactory(DjangoModelFactory):
    class Meta:
        model = HealthCard

    insuree = factory.SubFactory(InsureeFactory)
    beneficiary_group = "DN"
    benefit_level = 4
    province_code = "01"
    card_number = factory.LazyAttribute(
        lambda o: (
            f"{o.beneficiary_group}{o.benefit_level}{o.province_code}"
            f"{o.insuree.social_insurance_number}"
        )
    )
    registered_facility = factory.SubFactory(FacilityFactory, code="01001", name="BV Đống Đa")
    valid_from = date(2026, 1, 1)
    valid_to = date(2099, 12, 31)
    five_year_date = date(2028, 7, 1)
    issued_on = date(2025, 12, 20)
    status = CardStatus.ACTIVE
