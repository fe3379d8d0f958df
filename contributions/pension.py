"""Pension estimate under the Social Insurance Law 2024 (Law 41/2024/QH15, from 2025-07-01)
and the retirement ages of the Labour Code 2019 (art. 169) and Decree 135/2020.

An estimate, not a decision: salaries are not revalued by the price index, only whole years
count towards the rate, and the conditions for early retirement are not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from contributions.months import month_add, month_start, months_between
from contributions.rates import RateBook

RULE_SET_ID = "vn-si-law-41-2024"
MINIMUM_YEARS = 15
MAX_RATE = 75
EARLY_REDUCTION_PER_YEAR = 2
# first contribution year -> years of salary averaged (None: the whole period)
AVERAGE_WINDOWS: list[tuple[int, int | None]] = [
    (1994, 5),
    (2000, 6),
    (2006, 8),
    (2015, 10),
    (2019, 15),
    (2024, 20),
]
DISCLAIMER = (
    "Ước tính tham khảo theo Luật BHXH 2024, không phải quyết định hưởng lương hưu. "
    "Estimate only, not a pension decision."
)


def pension_rate_percent(*, gender: str, years: int) -> int:
    """Women: 45% at 15 years, +2% per further year. Men: 40% at 15 years +1% per year up to
    20, then 45% at 20 years +2% per further year. At most 75%; 0 below 15 years."""
    if years < MINIMUM_YEARS:
        return 0
    if gender == "female":
        rate = 45 + 2 * (years - 15)
    elif years < 20:
        rate = 40 + (years - 15)
    else:
        rate = 45 + 2 * (years - 20)
    return min(rate, MAX_RATE)


def retirement_age_months(*, gender: str, year: int) -> int:
    """Normal retirement age in months for someone reaching it in ``year``: men 60y3m in 2021
    +3 months a year up to 62 (2028); women 55y4m in 2021 +4 months a year up to 60 (2035)."""
    steps = max(0, year - 2020)
    if gender == "female":
        return min(55 * 12 + 4 * steps, 60 * 12)
    return min(60 * 12 + 3 * steps, 62 * 12)


def legal_retirement_date(*, gender: str, born: date) -> date:
    """The first day of the month in which the person reaches the age in force that year."""
    for year in range(born.year + 55, born.year + 64):
        reached = month_add(month_start(born), retirement_age_months(gender=gender, year=year))
        if reached.year <= year:
            return reached
    return month_add(month_start(born), 62 * 12)  # pragma: no cover - the ages stop rising


def average_window_years(first_year: int) -> int | None:
    for last_year, years in AVERAGE_WINDOWS:
        if first_year <= last_year:
            return years
    return None


def early_reduction_percent(months_early: int) -> int:
    """2% per year early; a remainder of six months or more counts 1%."""
    years, months = divmod(max(0, months_early), 12)
    return EARLY_REDUCTION_PER_YEAR * years + (1 if months >= 6 else 0)


@dataclass(frozen=True)
class PensionInputs:
    gender: str
    born: date
    salaries: dict[date, int]  # month -> salary base on which social insurance was paid
    today: date
    retirement_date: date | None = None
    future_salary: int | None = None


def _capped(salaries: dict[date, int], book: RateBook) -> dict[date, int]:
    capped = {}
    for month, salary in salaries.items():
        cap = book.salary_cap(month)
        capped[month] = salary if cap is None else min(salary, cap)
    return capped


def _average(salaries: list[tuple[date, int]]) -> tuple[int, int | None]:
    """Average over the window set by the first contribution year; (average, window years)."""
    if not salaries:
        return 0, None
    window = average_window_years(salaries[0][0].year)
    used = salaries if window is None else salaries[-window * 12 :]
    return sum(amount for _, amount in used) // len(used), window


def pension_estimate(inputs: PensionInputs, book: RateBook) -> dict[str, Any]:
    history = sorted(_capped(inputs.salaries, book).items())
    months_now = len(history)
    years_now = months_now // 12
    average_now, window = _average(history)
    rate_now = pension_rate_percent(gender=inputs.gender, years=years_now)

    legal = legal_retirement_date(gender=inputs.gender, born=inputs.born)
    retire = month_start(inputs.retirement_date or legal)
    this_month = month_start(inputs.today)
    last = history[-1][0] if history else month_add(this_month, -1)
    start = month_add(max(last, month_add(this_month, -1)), 1)
    future_months = months_between(start, month_add(retire, -1))
    future_salary = inputs.future_salary
    if future_salary is None:
        future_salary = history[-1][1] if history else 0
    projected = history + [(month_add(start, i), future_salary) for i in range(future_months)]
    projected_years = len(projected) // 12
    months_early = months_between(retire, month_add(legal, -1))
    projected_rate = max(
        0,
        pension_rate_percent(gender=inputs.gender, years=projected_years)
        - early_reduction_percent(months_early),
    )
    if projected_years < MINIMUM_YEARS:
        projected_rate = 0
    average_projected, window_projected = _average(projected)
    return {
        "rule_set": RULE_SET_ID,
        "is_estimate": True,
        "disclaimer": DISCLAIMER,
        "contribution_months": months_now,
        "years_counted": years_now,
        "minimum_years": MINIMUM_YEARS,
        "minimum_met": years_now >= MINIMUM_YEARS,
        "rate_today_percent": rate_now,
        "average_salary_today": average_now,
        "monthly_pension_today": average_now * rate_now // 100,
        "average_salary_window_years": window,
        "legal_retirement_date": legal,
        "retirement_date": retire,
        "months_early": months_early,
        "future_monthly_salary": future_salary,
        "projected_contribution_months": len(projected),
        "projected_years": projected_years,
        "projected_minimum_met": projected_years >= MINIMUM_YEARS,
        "projected_rate_percent": projected_rate,
        "average_salary": average_projected,
        "projected_average_salary_window_years": window_projected,
        "estimated_monthly_pension": average_projected * projected_rate // 100,
    }
