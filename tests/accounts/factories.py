from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from accounts.models import Gender, Household, HouseholdRelation, Insuree, Province, User
from api.roles import Role


def _province():
    return Province.objects.get_or_create(code="01", defaults={"name": "Hà Nội"})[0]


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HGD{n:010d}")
    address = "Số 1 phố Huế, Hai Bà Trưng, Hà Nội"
    province = factory.LazyFunction(_province)


class InsureeFactory(DjangoModelFactory):
    class Meta:
        model = Insuree

    social_insurance_number = factory.Sequence(lambda n: f"{1000000000 + n}")
    national_id = factory.Sequence(lambda n: f"001190{n:06d}")
    full_name = factory.Faker("name", locale="vi_VN")
    date_of_birth = date(1990, 1, 15)
    gender = Gender.FEMALE
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    address = "Số 1 phố Huế, Hai Bà Trưng, Hà Nội"
    province = factory.LazyFunction(_province)
    household = None
    household_relation = ""

    class Params:
        in_household = factory.Trait(
            household=factory.SubFactory(HouseholdFactory),
            household_relation=HouseholdRelation.HEAD,
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    role = Role.CITIZEN
    insuree = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.CITIZEN),
        yes_declaration=factory.SubFactory(InsureeFactory),
        no_declaration=None,
    )
    username = factory.LazyAttributeSequence(
        lambda o, n: o.insuree.social_insurance_number if o.insuree else f"staff{n}"
    )
    full_name = factory.LazyAttribute(lambda o: o.insuree.full_name if o.insuree else "Nhân viên")
    password = factory.django.Password("Demo@2026")
