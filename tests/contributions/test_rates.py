"""Rates as effective-dated data: the seeded book and the shares it implies."""

from __future__ import annotations

from datetime import date

import pytest

from contributions.models import SalaryRegime, Scheme
from contributions.rates import EmployerTerms, RateBook, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def book():
    return RateBook.load()


def test_shares_round_half_up_in_integers():
    assert share(10_000_000, 800) == 800_000
    assert share(1_234_567, 150) == 18_519  # 18,518.505 -> 18,519
    assert share(1_234_566, 150) == 18_518  # 18,518.49 -> 18,518
    assert share(0, 800) == 0


def test_the_salary_cap_follows_the_base_salary_change_of_2024_07(book):
    # given a salary of 40,000,000 VND, above the cap of 2024-06 (20 x 1,800,000)
    # but below that of 2024-07 (20 x 2,340,000)
    june = book.employed_shares(Scheme.COMPULSORY_SI, date(2024, 6, 1), 40_000_000)
    july = book.employed_shares(Scheme.COMPULSORY_SI, date(2024, 7, 1), 40_000_000)

    assert june.capped_base == 36_000_000
    assert (june.employee, june.employer) == (2_880_000, 6_300_000)  # 8% and 17.5% of the cap
    assert july.capped_base == 40_000_000
    assert (july.employee, july.employer) == (3_200_000, 7_000_000)


def test_rates_per_scheme_and_the_occupational_change_of_2017(book):
    month = date(2025, 1, 1)
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employee", month) == 800
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", month) == 1750
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employee", month) == 100
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employer", month) == 100
    assert book.payer_rate(Scheme.HEALTH, "employee", month) == 150
    assert book.payer_rate(Scheme.HEALTH, "employer", month) == 300
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2017, 5, 1)) == 1800
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2007, 12, 1)) is None


@pytest.mark.parametrize(
    ("month", "employee", "employer"),
    [
        # Social Insurance Law 2006 arts. 91-92: 5% / 11% + 3% + 1% from 2007, +1% each
        # every two years from 2010 until 8% / 14% in 2014
        (date(2008, 1, 1), 500, 1500),
        (date(2009, 12, 1), 500, 1500),
        (date(2010, 1, 1), 600, 1600),
        (date(2012, 6, 1), 700, 1700),
        (date(2014, 1, 1), 800, 1800),
    ],
)
def test_compulsory_rates_back_to_2008(book, month, employee, employer):
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employee", month) == employee
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", month) == employer


def test_health_unemployment_and_voluntary_before_2014(book):
    assert book.payer_rate(Scheme.HEALTH, "employee", date(2009, 6, 1)) == 100
    assert book.payer_rate(Scheme.HEALTH, "employer", date(2009, 6, 1)) == 200
    assert book.payer_rate(Scheme.HEALTH, "employer", date(2010, 1, 1)) == 300
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employee", date(2008, 12, 1)) is None
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employee", date(2009, 1, 1)) == 100
    assert book.voluntary_total(date(2008, 1, 1), 1_000_000) == 160_000
    assert book.voluntary_total(date(2013, 12, 1), 1_000_000) == 200_000
    # before 2016 the voluntary floor was the general minimum wage (base salary)
    assert book.voluntary_income_bounds(date(2009, 6, 1)) == (650_000, 13_000_000)
    assert book.voluntary_income_bounds(date(2015, 12, 1)) == (1_150_000, 23_000_000)
    assert book.voluntary_income_bounds(date(2016, 1, 1)) == (700_000, 23_000_000)


def test_the_2021_2022_reductions(book):
    # Resolution 68/NQ-CP: occupational accident fund 0% from 2021-07 to 2022-06
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2021, 6, 1)) == 1750
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2021, 7, 1)) == 1700
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2022, 6, 1)) == 1700
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2022, 7, 1)) == 1750
    # Resolution 116/NQ-CP: employer's unemployment share 0% from 2021-10 to 2022-09
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employer", date(2021, 9, 1)) == 100
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employer", date(2021, 10, 1)) == 0
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employer", date(2022, 9, 1)) == 0
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employer", date(2022, 10, 1)) == 100
    assert book.payer_rate(Scheme.UNEMPLOYMENT, "employee", date(2022, 1, 1)) == 100


def test_the_reduced_occupational_accident_rate_for_qualifying_employers(book):
    # Decree 58/2020: 0.3% instead of 0.5% for an employer that qualifies, in its period
    qualifying = EmployerTerms(reduced_accident_rate_from=date(2023, 1, 1))
    month = date(2024, 3, 1)
    assert book.employed_shares(Scheme.COMPULSORY_SI, month, 10_000_000, qualifying).employer == (
        1_730_000
    )
    assert book.employed_shares(Scheme.COMPULSORY_SI, month, 10_000_000).employer == 1_750_000
    # before its period the employer pays the ordinary rate
    before = book.employed_shares(Scheme.COMPULSORY_SI, date(2022, 12, 1), 10_000_000, qualifying)
    assert before.employer == 1_750_000
    # and in 2021-07..2022-06 the fund was 0% for everyone
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2022, 1, 1), True) == 1700


def test_unemployment_cap_is_20_regional_minimum_wages_for_employer_decided_salaries(book):
    month = date(2024, 8, 1)
    private = EmployerTerms(minimum_wage_region=1)
    state = EmployerTerms(salary_regime=SalaryRegime.STATE)
    # social insurance: 20 x 2,340,000 = 46,800,000
    assert book.employed_shares(Scheme.COMPULSORY_SI, month, 120_000_000).capped_base == (
        46_800_000
    )
    # unemployment, region I: 20 x 4,960,000 = 99,200,000; region IV: 20 x 3,450,000
    assert book.employed_shares(Scheme.UNEMPLOYMENT, month, 120_000_000, private).capped_base == (
        99_200_000
    )
    region_4 = EmployerTerms(minimum_wage_region=4)
    assert book.employed_shares(Scheme.UNEMPLOYMENT, month, 120_000_000, region_4).employee == (
        690_000
    )
    # on the State's salary scale, the base salary's cap
    assert book.employed_shares(Scheme.UNEMPLOYMENT, month, 120_000_000, state).capped_base == (
        46_800_000
    )


def test_regional_minimum_wages(book):
    assert [book.regional_minimum_wage(r, date(2026, 1, 1)) for r in (1, 2, 3, 4)] == [
        5_310_000, 4_730_000, 4_140_000, 3_700_000,
    ]  # fmt: skip
    assert book.regional_minimum_wage(1, date(2025, 12, 1)) == 4_960_000
    assert book.regional_minimum_wage(2, date(2022, 7, 1)) == 4_160_000


def test_base_salary_history(book):
    assert book.base_salary(date(2018, 6, 1)) == 1_300_000
    assert book.base_salary(date(2018, 7, 1)) == 1_390_000
    assert book.base_salary(date(2019, 7, 1)) == 1_490_000
    assert book.base_salary(date(2023, 6, 1)) == 1_490_000
    assert book.base_salary(date(2023, 7, 1)) == 1_800_000
    assert book.base_salary(date(2024, 7, 1)) == 2_340_000
    # Decree 161/2026/NĐ-CP art. 3(2)
    assert book.base_salary(date(2026, 6, 1)) == 2_340_000
    assert book.base_salary(date(2026, 7, 1)) == 2_530_000
    assert book.salary_cap(date(2026, 7, 1)) == 50_600_000
    # the general minimum wage before 2013
    assert book.base_salary(date(2008, 1, 1)) == 540_000
    assert book.base_salary(date(2012, 5, 1)) == 1_050_000


def test_voluntary_rules(book):
    # 22% of the chosen income; state support on the poverty-line contribution
    assert book.voluntary_total(date(2024, 1, 1), 1_500_000) == 330_000
    assert book.voluntary_income_bounds(date(2024, 1, 1)) == (1_500_000, 36_000_000)
    assert book.voluntary_supports(date(2024, 1, 1)) == {0, 99_000, 82_500, 33_000}
    assert book.voluntary_supports(date(2025, 7, 1)) == {0, 165_000, 132_000, 99_000, 66_000}


def test_household_health_ladder(book):
    assert book.household_health_amounts(date(2024, 7, 1)) == {
        105_300, 73_710, 63_180, 52_650, 42_120,
    }  # fmt: skip
