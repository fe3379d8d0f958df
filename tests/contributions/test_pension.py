"""Pension estimate under Law 41/2024: rates, retirement ages, the average salary basis."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import Gender
from api.roles import Role
from contributions.models import ContributionRecord, Scheme
from contributions.months import month_add
from contributions.pension import (
    PensionInputs,
    legal_retirement_date,
    pension_estimate,
    pension_rate_percent,
)
from contributions.rates import RateBook
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.contributions.factories import EmployerFactory

URL = "/api/v1/pension/estimate"


@pytest.mark.parametrize(
    ("gender", "years", "rate"),
    [
        ("female", 14, 0),
        ("female", 15, 45),
        ("female", 20, 55),
        ("female", 30, 75),
        ("female", 33, 75),
        ("male", 15, 40),
        ("male", 17, 42),
        ("male", 19, 44),
        ("male", 20, 45),
        ("male", 35, 75),
        ("male", 36, 75),
    ],
)
def test_rate_table(gender, years, rate):
    assert pension_rate_percent(gender=gender, years=years) == rate


@pytest.mark.parametrize(
    ("gender", "born", "retires"),
    [
        ("male", date(1965, 1, 10), date(2026, 7, 1)),  # 61 years 6 months in 2026
        ("female", date(1969, 6, 2), date(2026, 6, 1)),  # 57 years in 2026
        ("female", date(1970, 1, 1), date(2027, 5, 1)),  # 57 years 4 months in 2027
        ("male", date(1980, 3, 1), date(2042, 3, 1)),  # 62 from 2028
        ("female", date(1990, 5, 12), date(2050, 5, 1)),  # 60 from 2035
        ("male", date(1955, 8, 1), date(2015, 8, 1)),  # 60 before the reform
    ],
)
def test_legal_retirement_date(gender, born, retires):
    assert legal_retirement_date(gender=gender, born=born) == retires


def _history(first: date, months: int, salary: int = 10_000_000) -> dict[date, int]:
    return {month_add(first, i): salary for i in range(months)}


@pytest.mark.django_db
def test_projection_and_early_retirement():
    book = RateBook.load()
    inputs = PensionInputs(
        gender="female",
        born=date(1990, 1, 15),
        salaries=_history(date(2010, 11, 1), 180),  # to 2025-10
        today=date(2026, 11, 22),
    )

    at_legal_age = pension_estimate(inputs, book)
    early = pension_estimate(
        PensionInputs(**{**inputs.__dict__, "retirement_date": date(2045, 1, 1)}), book
    )
    new_salary = pension_estimate(
        PensionInputs(**{**inputs.__dict__, "future_salary": 20_000_000}), book
    )

    assert at_legal_age["legal_retirement_date"] == date(2050, 1, 1)
    # 180 months + 2026-11 .. 2049-12 (278 months) = 458 months = 38 years -> capped 75%
    assert at_legal_age["projected_contribution_months"] == 458
    assert at_legal_age["projected_rate_percent"] == 75
    # five years early: 2026-11 .. 2044-12 = 218 months -> 33 years (75%) - 5 x 2%
    assert early["months_early"] == 60
    assert early["projected_rate_percent"] == 65
    # from 2025 the average covers the last 10 years for a start in 2007-2015
    assert at_legal_age["average_salary_window_years"] == 10
    assert new_salary["average_salary"] == 20_000_000
    assert new_salary["estimated_monthly_pension"] == 15_000_000


@pytest.mark.django_db
def test_salaries_above_the_cap_count_at_the_cap():
    inputs = PensionInputs(
        gender="male",
        born=date(1980, 1, 1),
        salaries=_history(date(2024, 1, 1), 6, salary=50_000_000),
        today=date(2024, 7, 1),
    )
    assert pension_estimate(inputs, RateBook.load())["average_salary_today"] == 36_000_000


def _citizen_with_years(gender: str, born: date, first: date, months: int) -> APIClient:
    insuree = InsureeFactory(gender=gender, date_of_birth=born)
    employer = EmployerFactory()
    ContributionRecord.objects.bulk_create(
        ContributionRecord(
            insuree=insuree,
            month=month_add(first, i),
            scheme=Scheme.COMPULSORY_SI,
            employer=employer,
            salary_base=10_000_000,
            employee_amount=800_000,
            employer_amount=1_750_000,
        )
        for i in range(months)
    )
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.CITIZEN, insuree=insuree))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("gender", "born", "first", "months", "years", "rate"),
    [
        (Gender.FEMALE, date(1975, 3, 1), date(2010, 10, 1), 15 * 12, 15, 45),
        (Gender.MALE, date(1970, 3, 1), date(2008, 10, 1), 17 * 12, 17, 42),
        (Gender.MALE, date(1966, 3, 1), date(1989, 10, 1), 36 * 12, 36, 75),
    ],
)
def test_estimate_through_the_api(gender, born, first, months, years, rate):
    client = _citizen_with_years(gender, born, first, months)

    r = client.get(URL)

    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["is_estimate"] is True
    assert body["rule_set"] == "vn-si-law-41-2024"
    assert body["years_counted"] == years
    assert body["minimum_met"] is True
    assert body["rate_today_percent"] == rate
    assert body["average_salary_today"] == 10_000_000
    assert body["monthly_pension_today"] == 10_000_000 * rate // 100
    assert body["projected_rate_percent"] >= rate


@pytest.mark.django_db
def test_below_the_minimum_and_parameters(citizen_client, citizen):
    r = citizen_client.get(URL, {"future_salary": 5_000_000, "retirement_date": "2055-01-01"})

    assert r.status_code == 200, r.json()
    assert r.json()["minimum_met"] is False
    assert r.json()["rate_today_percent"] == 0
    assert r.json()["monthly_pension_today"] == 0
    assert r.json()["future_monthly_salary"] == 5_000_000
    assert r.json()["retirement_date"] == "2055-01-01"
    bad = citizen_client.get(URL, {"future_salary": -1})
    assert bad.status_code == 400, bad.json()
    assert bad.json()["errors"][0]["field"] == "future_salary"


@pytest.mark.django_db
def test_only_citizens(agency_client):
    assert agency_client.get(URL).status_code == 403
