"""What a benefit level covers, in plain words (Health Insurance Law art. 22)."""

from __future__ import annotations

from datetime import date

import pytest

from contributions.models import ReferenceAmount, ReferenceAmountKind
from healthcards.beneficiaries import (
    BASE_SALARY_HISTORY,
    GROUP_BENEFIT_LEVEL,
    coverage_text,
    full_coverage_threshold,
)


def test_the_full_coverage_threshold_is_15_percent_of_the_base_salary():
    assert full_coverage_threshold(date(2026, 6, 30)) == 351_000  # 15% of 2,340,000
    assert full_coverage_threshold(date(2026, 7, 1)) == 379_500  # 15% of 2,530,000


@pytest.mark.parametrize("level", [3, 4])
def test_levels_with_a_co_payment_tell_the_whole_rule(level):
    today = date(2026, 11, 29)

    en = coverage_text(level, "en", today)
    vi = coverage_text(level, "vi", today)

    assert "less than 379,500 VND (15% of the base salary)" in en
    assert "commune health station are covered in full" in en
    assert "above 15,180,000 VND (six months of base salary) is refunded" in en
    assert "dưới 379.500 đồng (15% lương cơ sở)" in vi
    assert "tuyến xã" in vi
    assert "5 năm liên tục" in vi
    assert "15.180.000 đồng" in vi


@pytest.mark.parametrize("level", [1, 2, 5])
def test_full_levels_need_no_co_payment_rules(level):
    assert "15%" not in coverage_text(level, "en", date(2026, 11, 29))


def test_groups_carry_their_levels():
    assert (GROUP_BENEFIT_LEVEL["HN"], GROUP_BENEFIT_LEVEL["HT"]) == (2, 3)
    assert (GROUP_BENEFIT_LEVEL["TE"], GROUP_BENEFIT_LEVEL["DN"]) == (1, 4)


@pytest.mark.django_db
def test_the_base_salary_here_matches_the_reference_table():
    seeded = dict(
        ReferenceAmount.objects.filter(
            kind=ReferenceAmountKind.BASE_SALARY, effective_from__gte=BASE_SALARY_HISTORY[0][0]
        ).values_list("effective_from", "amount")
    )
    assert dict(BASE_SALARY_HISTORY) == seeded
