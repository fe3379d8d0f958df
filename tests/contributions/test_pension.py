"""Pension estimate under Law 41/2024: rates, retirement ages, the average salary basis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import Gender
from api.roles import Role
from contributions.models import ContributionRecord, SalaryRegime, Scheme
from contributions.months import month_add, months_between
from contributions.pension import (
    PensionInputs,
    early_reduction_bp,
    legal_retirement_date,
    one_time_allowance,
    pension_estimate,
    pension_rate_bp,
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
        ("male", date(1965, 1, 10), date(2026, 7, 31)),  # 61 years 6 months in 2026
        ("female", date(1969, 6, 2), date(2026, 6, 30)),  # 57 years in 2026
        ("female", date(1970, 1, 1), date(2027, 5, 31)),  # 57 years 4 months in 2027
        ("male", date(1980, 3, 1), date(2042, 3, 31)),  # 62 from 2028
        ("female", date(1990, 5, 12), date(2050, 5, 31)),  # 60 from 2035
        ("male", date(1955, 8, 1), date(2015, 8, 31)),  # 60 before the reform
    ],
)
def test_legal_retirement_date_is_the_end_of_the_month_the_age_is_reached(gender, born, retires):
    # Decree 135/2020 art. 3(1): retirement takes effect at the end of that month's last day
    assert legal_retirement_date(gender=gender, born=born) == retires


def _history(first: date, months: int, salary: int = 10_000_000) -> dict[date, int]:
    return {month_add(first, i): salary for i in range(months)}


def _rising(first_year: int, last: date, salary: int, raise_per_year: int) -> dict[date, int]:
    """Monthly salaries from January of ``first_year`` to ``last``, raised every January."""
    months = months_between(date(first_year, 1, 1), last)
    return {
        month: salary + raise_per_year * (month.year - first_year)
        for month in (month_add(date(first_year, 1, 1), i) for i in range(months))
    }


@pytest.fixture
def book(db):
    return RateBook.load()


def test_projection_and_early_retirement(book):
    inputs = PensionInputs(
        gender="female",
        born=date(1990, 1, 15),
        salaries=_history(date(2010, 11, 1), 180),  # to 2025-10
        today=date(2026, 11, 22),
    )

    at_legal_age = pension_estimate(inputs, book)
    early = pension_estimate(replace(inputs, retirement_date=date(2045, 1, 1)), book)
    new_salary = pension_estimate(replace(inputs, future_salary=20_000_000), book)

    assert at_legal_age["legal_retirement_date"] == date(2050, 1, 31)
    assert at_legal_age["first_pension_month"] == date(2050, 2, 1)
    # 180 months + 2026-11 .. 2050-01 (279 months, the month of retirement included)
    assert at_legal_age["projected_contribution_months"] == 459
    assert at_legal_age["projected_rate_percent"] == 75
    # five years early: 2026-11 .. 2045-01 = 219 months -> 33y3m (75%) - 5 x 2% (art. 66(3))
    assert early["months_early"] == 60
    assert early["retirement_date"] == date(2045, 1, 31)
    assert early["projected_rate_percent"] == 65
    # a private career: the whole period is averaged (art. 72(2))
    assert at_legal_age["average_salary_method"] == "whole_period"
    assert at_legal_age["projected_average_salary_window_years"] is None
    # (180 x 10,000,000 + 279 x 20,000,000) / 459
    assert new_salary["average_salary"] == 16_078_431
    assert new_salary["estimated_monthly_pension"] == 12_058_823


def test_salaries_above_the_cap_count_at_the_cap(book):
    inputs = PensionInputs(
        gender="male",
        born=date(1980, 1, 1),
        salaries=_history(date(2024, 1, 1), 6, salary=50_000_000),
        today=date(2024, 7, 1),
    )
    assert pension_estimate(inputs, book)["average_salary_today"] == 36_000_000


def test_art_72_2_a_private_career_is_averaged_over_the_whole_period(book):
    # given a woman whose career began in 2005 on salaries decided by her employer:
    # 3,000,000 in 2005, +500,000 each January, to 2025-09 (20 years 9 months); she reaches
    # 56 years 8 months in 2025-09 and asks in 2025-10
    salaries = _rising(2005, date(2025, 9, 1), 3_000_000, 500_000)
    private = PensionInputs(
        gender="female", born=date(1969, 1, 20), salaries=salaries, today=date(2025, 10, 15)
    )

    # when
    estimate = pension_estimate(private, book)

    # then the whole period (249 months) is averaged, not the last 8 years (11,125,000)
    assert estimate["contribution_months"] == 249
    assert estimate["average_salary_today"] == 7_939_759
    assert estimate["average_salary_method"] == "whole_period"
    # art. 5(6): 20 years 9 months count as 21 years -> 57%, not 55%
    assert estimate["rate_today_percent"] == 57
    assert estimate["monthly_pension_today"] == 4_525_662
    assert estimate["estimated_monthly_pension"] == 4_525_662
    assert estimate["first_pension_month"] == date(2025, 10, 1)


def test_art_72_1_the_state_salary_scale_averages_the_last_years(book):
    # the same career on the State's salary scale: began 2001-2006 -> the last 8 years
    salaries = _rising(2005, date(2025, 9, 1), 3_000_000, 500_000)
    state = PensionInputs(
        gender="female",
        born=date(1969, 1, 20),
        salaries=salaries,
        today=date(2025, 10, 15),
        state_months=frozenset(salaries),
    )

    estimate = pension_estimate(state, book)

    assert estimate["average_salary"] == 11_125_000
    assert estimate["average_salary_method"] == "last_years"
    assert estimate["projected_average_salary_window_years"] == 8
    assert estimate["estimated_monthly_pension"] == 6_341_250  # 57%


def test_art_72_a_career_begun_in_1987(book):
    # 375,000 in 1987, +300,000 a year, to 2025-12: 39 years, a man who reached the age then
    salaries = _rising(1987, date(2025, 12, 1), 375_000, 300_000)
    inputs = PensionInputs(
        gender="male", born=date(1964, 6, 5), salaries=salaries, today=date(2026, 1, 10)
    )

    private = pension_estimate(inputs, book)
    state = pension_estimate(replace(inputs, state_months=frozenset(salaries)), book)

    assert private["average_salary"] == 6_075_000  # art. 72(2): the whole period
    assert state["average_salary"] == 11_175_000  # art. 72(1)(a): the last 5 years
    assert state["projected_average_salary_window_years"] == 5


def test_art_72_3_a_mixed_career_weights_both_parts_by_time(book):
    # State scale 2001-2010 (3,000,000 +200,000 a year), then private at 10,000,000 to 2025
    state = _rising(2001, date(2010, 12, 1), 3_000_000, 200_000)
    private = _history(date(2011, 1, 1), 180)
    inputs = PensionInputs(
        gender="male",
        born=date(1963, 12, 1),
        salaries={**state, **private},
        today=date(2026, 1, 10),
        state_months=frozenset(state),
    )

    estimate = pension_estimate(inputs, book)

    # the State part over its last 8 years (began 2001): 4,100,000, counted for its 120
    # months; with 180 private months: (4,100,000 x 120 + 10,000,000 x 180) / 300
    assert estimate["average_salary_method"] == "mixed"
    assert estimate["average_salary"] == 7_640_000


def test_art_31_future_salaries_are_capped_at_20_base_salaries(book):
    # given 15 years at 10,000,000 and a projected salary of 80,000,000 from 2026-11
    inputs = PensionInputs(
        gender="female",
        born=date(1990, 1, 15),
        salaries=_history(date(2010, 11, 1), 180),
        today=date(2026, 11, 22),
        future_salary=80_000_000,
    )

    estimate = pension_estimate(inputs, book)

    # then each future month counts at most 20 x 2,530,000 (the cap of art. 31(1); the base
    # salary of Decree 161/2026)
    assert estimate["future_monthly_salary"] == 50_600_000
    assert estimate["future_salary_capped"] is True
    # (180 x 10,000,000 + 279 x 50,600,000) / 459 = 34,678,431; 75%
    assert estimate["average_salary"] == 34_678_431
    assert estimate["estimated_monthly_pension"] == 26_008_823


@pytest.mark.parametrize(
    ("gender", "months", "rate_bp"),
    [
        ("female", 179, 0),  # art. 5(6): the 15 years are counted in whole years
        ("female", 180, 4500),
        ("female", 240, 5500),
        ("female", 243, 5600),  # 20 years 3 months: half a year more
        ("female", 249, 5700),  # 20 years 9 months: a whole year more
        ("female", 325, 7000),  # 27 years 1 month: 27.5 years
        ("female", 360, 7500),
        ("male", 180, 4000),
        ("male", 234, 4450),  # 19 years 6 months: 40% + 4.5 x 1%
        ("male", 235, 4500),  # 19 years 7 months count as 20 years
        ("male", 300, 5500),
        ("male", 420, 7500),
        ("male", 480, 7500),
    ],
)
def test_art_5_6_and_art_66_1_odd_months(gender, months, rate_bp):
    assert pension_rate_bp(gender=gender, months=months) == rate_bp


def test_art_66_3_early_retirement_with_odd_months(book):
    # a woman of 27 years 1 month of contributions who retires 3 years 6 months early:
    # 27.5 years -> 70%, minus 2 x 3% for the years and 1% for the 6 months = 63%
    inputs = PensionInputs(
        gender="female",
        born=date(1980, 7, 10),
        salaries=_history(date(2010, 1, 1), 202),  # to 2026-10
        today=date(2026, 11, 22),
        retirement_date=date(2037, 1, 15),
    )

    estimate = pension_estimate(inputs, book)

    assert estimate["projected_contribution_months"] == 325
    assert estimate["months_early"] == 42
    assert estimate["projected_rate_percent"] == 63
    assert early_reduction_bp(5) == 0
    assert early_reduction_bp(6) == 100
    assert early_reduction_bp(42) == 700


def test_decree_135_the_month_of_retirement_is_contributed(book):
    # a man reaching 62 in 2037-03 with 110 months on record to 2026-10: the projection runs
    # through 2037-03, the month of retirement, giving 235 months (19y7m -> 20 years, 45%);
    # stopping at 2037-02 would give 234 months and 44.5%
    inputs = PensionInputs(
        gender="male",
        born=date(1975, 3, 20),
        salaries=_history(date(2017, 9, 1), 110),
        today=date(2026, 11, 22),
    )

    estimate = pension_estimate(inputs, book)

    assert estimate["retirement_date"] == date(2037, 3, 31)
    assert estimate["first_pension_month"] == date(2037, 4, 1)
    assert estimate["projected_contribution_months"] == 235
    assert estimate["projected_rate_percent"] == 45


def test_art_68_one_time_allowance(book):
    # a man with 39 years at an average of 8,100,000: 4 years above 35, half a month each
    assert one_time_allowance(gender="male", months=39 * 12, average=8_100_000) == 16_200_000
    # a woman: years above 30; 31 years 2 months count as 31.5 years -> 1.5 x 0.5
    assert one_time_allowance(gender="female", months=374, average=10_000_000) == 7_500_000
    assert one_time_allowance(gender="female", months=360, average=10_000_000) == 0
    inputs = PensionInputs(
        gender="male",
        born=date(1964, 6, 5),
        salaries=_history(date(1987, 1, 1), 39 * 12, salary=8_100_000),
        today=date(2026, 1, 10),
    )
    assert pension_estimate(inputs, book)["one_time_allowance"] == 16_200_000


def test_art_73_no_revaluation_is_said_in_both_languages(book):
    inputs = PensionInputs(
        gender="male", born=date(1980, 1, 1), salaries=_history(date(2010, 1, 1), 60),
        today=date(2026, 11, 22),
    )  # fmt: skip
    estimate = pension_estimate(inputs, book)
    assert estimate["revaluation"] is None
    assert "Điều 73" in estimate["revaluation_note"]
    assert "article 73" in estimate["revaluation_note"]


def _citizen_with_years(
    gender: str, born: date, first: date, months: int, employer=None
) -> APIClient:
    insuree = InsureeFactory(gender=gender, date_of_birth=born)
    employer = employer or EmployerFactory()
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
def test_the_salary_regime_comes_from_the_employer(django_assert_max_num_queries):
    # art. 72: the same 15 years averaged whole (private) or over the last 10 years (State)
    state_employer = EmployerFactory(salary_regime=SalaryRegime.STATE)
    private = _citizen_with_years(Gender.FEMALE, date(1975, 3, 1), date(2010, 10, 1), 180)
    state = _citizen_with_years(
        Gender.FEMALE, date(1975, 3, 1), date(2010, 10, 1), 180, employer=state_employer
    )

    with django_assert_max_num_queries(4):
        r_private = private.get(URL)
    r_state = state.get(URL)

    assert r_private.status_code == 200, r_private.json()
    assert r_private.json()["average_salary_method"] == "whole_period"
    assert r_state.json()["average_salary_method"] == "last_years"
    assert r_state.json()["projected_average_salary_window_years"] == 10
    body = r_private.json()
    assert body["revaluation"] is None
    assert "Điều 73" in body["revaluation_note"]
    assert "article 73" in body["revaluation_note"]
    assert body["legal_retirement_date"] == "2034-11-30"  # 59y8m in 2034, end of month
    for name in ("one_time_allowance", "retirement_date", "first_pension_month"):
        assert name in body


@pytest.mark.django_db
def test_below_the_minimum_and_parameters(citizen_client, citizen):
    r = citizen_client.get(URL, {"future_salary": 5_000_000, "retirement_date": "2055-01-01"})

    assert r.status_code == 200, r.json()
    assert r.json()["minimum_met"] is False
    assert r.json()["rate_today_percent"] == 0
    assert r.json()["monthly_pension_today"] == 0
    assert r.json()["future_monthly_salary"] == 5_000_000
    assert r.json()["retirement_date"] == "2055-01-31"
    assert r.json()["first_pension_month"] == "2055-02-01"
    assert r.json()["one_time_allowance"] == 0
    bad = citizen_client.get(URL, {"future_salary": -1})
    assert bad.status_code == 400, bad.json()
    assert bad.json()["errors"][0]["field"] == "future_salary"


@pytest.mark.django_db
def test_a_retirement_date_already_past_projects_nothing(citizen_client, citizen, make_months):
    make_months(citizen.insuree, date(2024, 1, 1), 12)

    r = citizen_client.get(URL, {"retirement_date": "2020-03-10"})

    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["retirement_date"] == "2020-03-31"
    assert body["first_pension_month"] == "2020-04-01"
    assert body["projected_contribution_months"] == 12
    assert body["projected_rate_percent"] == 0
    assert body["one_time_allowance"] == 0


@pytest.mark.django_db
def test_only_citizens(agency_client):
    assert agency_client.get(URL).status_code == 403
