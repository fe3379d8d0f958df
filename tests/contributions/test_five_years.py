"""The five-year date derived from health-insurance months (Health Insurance Law art. 22)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from contributions.five_years import five_year_date
from contributions.models import ContributionRecord, Scheme
from contributions.months import month_range
from tests.accounts.factories import InsureeFactory
from tests.contributions.factories import ContributionRecordFactory
from tests.healthcards.factories import HealthCardFactory


def months(*ranges: tuple[date, date]) -> set[date]:
    return {month for first, last in ranges for month in month_range(first, last)}


def test_sixty_consecutive_months_reach_it_the_month_after():
    assert five_year_date(months((date(2020, 1, 1), date(2024, 12, 1)))) == date(2025, 1, 1)
    assert five_year_date(months((date(2020, 1, 1), date(2024, 11, 1)))) is None
    assert five_year_date(set()) is None


def test_the_demo_citizen_a_break_in_2019_resets_it():
    # health insurance through her employers 2014-01 .. 2018-12, none in 2019, again from 2020
    lan = months((date(2014, 1, 1), date(2018, 12, 1)), (date(2020, 1, 1), date(2026, 10, 1)))
    assert five_year_date(lan) == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("gap", "reached"),
    [
        # 12 months in 2014, then 48 more from the month the break ends; the months of the
        # break do not count, so the date moves by the length of the break
        (1, date(2019, 2, 1)),
        (3, date(2019, 4, 1)),
        (4, None),  # a break of 4 months starts again: 2015-05 .. 2019-12 is 56 months
    ],
)
def test_a_break_of_three_months_or_less_does_not_reset_it(gap, reached):
    first_run = months((date(2014, 1, 1), date(2014, 12, 1)))
    second_run = months((date(2015, 1 + gap, 1), date(2019, 12, 1)))
    assert five_year_date(first_run | second_run) == reached


@pytest.mark.django_db
def test_the_refresh_command_stores_the_derived_dates(employer):
    # given a card with a stale date and 60 paid health months 2019-01 .. 2023-12
    insuree = InsureeFactory()
    card = HealthCardFactory(insuree=insuree, five_year_date=date(2021, 3, 1))
    ContributionRecord.objects.bulk_create(
        ContributionRecordFactory.build(
            insuree=insuree, employer=employer, scheme=Scheme.HEALTH, month=month
        )
        for month in month_range(date(2019, 1, 1), date(2023, 12, 1))
    )
    out = StringIO()

    call_command("refresh_five_year_dates", stdout=out)
    call_command("refresh_five_year_dates", stdout=out)

    card.refresh_from_db()
    assert card.five_year_date == date(2024, 1, 1)
    assert "1 insurees checked, 1 cards changed." in out.getvalue()
    assert "1 insurees checked, 0 cards changed." in out.getvalue()
