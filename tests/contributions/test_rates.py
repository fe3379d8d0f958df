"""Rates as effective-dated data: the seeded book and the shares it implies."""

from __future__ import annotations

from datetime import date

import pytest

from contributions.models import Scheme
from contributions.rates import RateBook, share

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
    assert book.payer_rate(Scheme.COMPULSORY_SI, "employer", date(2013, 12, 1)) is None


def test_base_salary_history(book):
    assert book.base_salary(date(2018, 6, 1)) == 1_300_000
    assert book.base_salary(date(2018, 7, 1)) == 1_390_000
    assert book.base_salary(date(2019, 7, 1)) == 1_490_000
    assert book.base_salary(date(2023, 6, 1)) == 1_490_000
    assert book.base_salary(date(2023, 7, 1)) == 1_800_000
    assert book.base_salary(date(2024, 7, 1)) == 2_340_000


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
