"""Pension estimate under the Social Insurance Law 2024 (Law 41/2024/QH15, from 2025-07-01)
and the retirement ages of the Labour Code 2019 (art. 169) and Decree 135/2020.

What each rule comes from (docs/contributions.md explains the estimate in full):
- art. 5(6): time counts in whole years of 12 months for the minimum of 15 years; for the
  amount, a remainder of 1-6 months counts as half a year and 7-11 months as a whole year;
- art. 66(1): women 45% at 15 years, +2% a year; men 45% at 20 years, +2% a year (men with
  15 to 20 years: 40% at 15, +1% a year); at most 75%. art. 66(3): 2% less per year of
  retirement before the age, none for a remainder under 6 months, 1% for 6-11 months;
- art. 68: each year above 35 (men) or 30 (women) adds a one-time allowance of half the
  average salary;
- art. 72: the average salary: on the State's salary scale the last 5/6/8/10/15/20 years by
  the year contributions began (the whole period from 2025); on salaries decided by the
  employer the whole period; a mixed career averages both, the State part by its own rule,
  weighted by time;
- art. 73: past salaries are revalued by coefficients the Government sets for each period.
  No current table could be confirmed, so the estimate does not revalue and says so
  (``revaluation: null`` and ``revaluation_note``);
- art. 66 sets no minimum pension for this case, so none is applied.
Retirement takes effect at the end of the month the age is reached and the pension is paid
from the next month (Decree 135/2020 art. 3(1)-(2)). An estimate, not a decision: the conditions for
early retirement are not checked.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from contributions.months import month_add, month_start, months_between
from contributions.rates import RateBook

RULE_SET_ID = "vn-si-law-41-2024"
MINIMUM_YEARS = 15
MAX_RATE_BP = 7500
EARLY_REDUCTION_BP_PER_YEAR = 200
# art. 72(1): first contribution year up to -> years of salary averaged (None: the whole period)
AVERAGE_WINDOWS: list[tuple[int, int | None]] = [
    (1994, 5),
    (2000, 6),
    (2006, 8),
    (2015, 10),
    (2019, 15),
    (2024, 20),
]
# art. 68(1): years of contributions beyond which the one-time allowance is paid
ALLOWANCE_THRESHOLD_YEARS = {"female": 30, "male": 35}
WHOLE_PERIOD, LAST_YEARS, MIXED = "whole_period", "last_years", "mixed"
DISCLAIMER = (
    "Ước tính tham khảo theo Luật BHXH 2024, không phải quyết định hưởng lương hưu. "
    "Estimate only, not a pension decision."
)
REVALUATION_NOTE = (
    "Tiền lương đã đóng chưa được điều chỉnh theo hệ số trượt giá (Điều 73 Luật BHXH 2024), "
    "nên mức bình quân và lương hưu thực tế thường cao hơn. "
    "Past salaries are not revalued by the price coefficients of article 73, so the actual "
    "average salary and pension are usually higher."
)


def counted_half_years(months: int) -> int:
    """Contribution time for the amount, in half years (art. 5(6)): 1-6 leftover months are
    half a year, 7-11 a whole year."""
    years, rest = divmod(max(0, months), 12)
    return 2 * years + (0 if rest == 0 else 1 if rest <= 6 else 2)


def pension_rate_bp(*, gender: str, months: int) -> int:
    """The pension rate in basis points (art. 66(1)); 0 below 15 full years."""
    if months < MINIMUM_YEARS * 12:
        return 0
    halves = counted_half_years(months)
    if gender == "female":
        rate = 4500 + 100 * (halves - 30)
    elif halves < 40:
        rate = 4000 + 50 * (halves - 30)
    else:
        rate = 4500 + 100 * (halves - 40)
    return min(rate, MAX_RATE_BP)


def pension_rate_percent(*, gender: str, years: int) -> float:
    return pension_rate_bp(gender=gender, months=years * 12) / 100


def retirement_age_months(*, gender: str, year: int) -> int:
    """Normal retirement age in months for someone reaching it in ``year``: men 60y3m in 2021
    +3 months a year up to 62 (2028); women 55y4m in 2021 +4 months a year up to 60 (2035)."""
    steps = max(0, year - 2020)
    if gender == "female":
        return min(55 * 12 + 4 * steps, 60 * 12)
    return min(60 * 12 + 3 * steps, 62 * 12)


def legal_retirement_month(*, gender: str, born: date) -> date:
    """The first day of the month in which the person reaches the age in force that year."""
    for year in range(born.year + 55, born.year + 64):
        reached = month_add(month_start(born), retirement_age_months(gender=gender, year=year))
        if reached.year <= year:
            return reached
    return month_add(month_start(born), 62 * 12)  # pragma: no cover - the ages stop rising


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def legal_retirement_date(*, gender: str, born: date) -> date:
    """Retirement takes effect at the end of the month the age is reached."""
    return month_end(legal_retirement_month(gender=gender, born=born))


def average_window_years(first_year: int) -> int | None:
    for last_year, years in AVERAGE_WINDOWS:
        if first_year <= last_year:
            return years
    return None


def early_reduction_bp(months_early: int) -> int:
    """2% per year early; a remainder of six months or more counts 1% (art. 66(3))."""
    years, months = divmod(max(0, months_early), 12)
    return EARLY_REDUCTION_BP_PER_YEAR * years + (100 if months >= 6 else 0)


def early_reduction_percent(months_early: int) -> float:
    return early_reduction_bp(months_early) / 100


def one_time_allowance(*, gender: str, months: int, average: int) -> int:
    """Half the average salary for each year above 35 (men) or 30 (women), the years
    counted as for the rate (art. 68, art. 5(6))."""
    above = counted_half_years(months) - 2 * ALLOWANCE_THRESHOLD_YEARS[gender]
    return max(0, above) * average // 4


@dataclass(frozen=True)
class PensionInputs:
    gender: str
    born: date
    salaries: dict[date, int]  # month -> salary base on which social insurance was paid
    today: date
    retirement_date: date | None = None
    future_salary: int | None = None
    state_months: frozenset[date] = field(default_factory=frozenset)  # State salary scale


@dataclass(frozen=True)
class Average:
    amount: int
    method: str | None
    window_years: int | None


def average_salary(salaries: list[tuple[date, int]], state_months: frozenset[date]) -> Average:
    """The average salary of art. 72 over ``salaries`` (sorted by month)."""
    if not salaries:
        return Average(0, None, None)
    state = [amount for month, amount in salaries if month in state_months]
    other = [amount for month, amount in salaries if month not in state_months]
    if not state:
        return Average(sum(other) // len(other), WHOLE_PERIOD, None)
    window = average_window_years(salaries[0][0].year)
    used = state if window is None else state[-window * 12 :]
    state_average = sum(used) // len(used)
    if not other:
        return Average(state_average, WHOLE_PERIOD if window is None else LAST_YEARS, window)
    total = state_average * len(state) + sum(other)
    return Average(total // len(salaries), MIXED, window)


def _capped(salaries: dict[date, int], book: RateBook) -> dict[date, int]:
    capped = {}
    for month, salary in salaries.items():
        cap = book.salary_cap(month)
        capped[month] = salary if cap is None else min(salary, cap)
    return capped


@dataclass(frozen=True)
class Projection:
    salaries: list[tuple[date, int]]
    state_months: frozenset[date]
    future_salary: int
    capped: bool


def _project(
    inputs: PensionInputs, history: list[tuple[date, int]], retire_month: date, book: RateBook
) -> Projection:
    """Contributions from the month after the last record (or this month) through the month
    of retirement, at ``future_salary`` (else the last salary) capped at 20 base salaries."""
    this_month = month_start(inputs.today)
    last = history[-1][0] if history else month_add(this_month, -1)
    start = month_add(max(last, month_add(this_month, -1)), 1)
    wanted = inputs.future_salary
    if wanted is None:
        wanted = history[-1][1] if history else 0
    future: list[tuple[date, int]] = []
    capped = False
    for offset in range(months_between(start, retire_month)):
        month = month_add(start, offset)
        cap = book.salary_cap(month)
        amount = wanted if cap is None else min(wanted, cap)
        capped = capped or amount < wanted
        future.append((month, amount))
    state = inputs.state_months
    if history and history[-1][0] in state:
        state = state | {month for month, _ in future}
    first_amount = future[0][1] if future else min(wanted, book.salary_cap(start) or wanted)
    return Projection(history + future, frozenset(state), first_amount, capped)


def pension_estimate(inputs: PensionInputs, book: RateBook) -> dict[str, Any]:
    history = sorted(_capped(inputs.salaries, book).items())
    months_now = len(history)
    today_average = average_salary(history, inputs.state_months)
    rate_now = pension_rate_bp(gender=inputs.gender, months=months_now)

    legal_month = legal_retirement_month(gender=inputs.gender, born=inputs.born)
    retire_month = month_start(inputs.retirement_date or legal_month)
    projection = _project(inputs, history, retire_month, book)
    projected_months = len(projection.salaries)
    months_early = months_between(retire_month, month_add(legal_month, -1))
    projected_rate = 0
    if projected_months >= MINIMUM_YEARS * 12:
        projected_rate = max(
            0,
            pension_rate_bp(gender=inputs.gender, months=projected_months)
            - early_reduction_bp(months_early),
        )
    projected_average = average_salary(projection.salaries, projection.state_months)
    return {
        "rule_set": RULE_SET_ID,
        "is_estimate": True,
        "disclaimer": DISCLAIMER,
        "contribution_months": months_now,
        "years_counted": months_now // 12,
        "years_for_rate": counted_half_years(months_now) / 2,
        "minimum_years": MINIMUM_YEARS,
        "minimum_met": months_now >= MINIMUM_YEARS * 12,
        "rate_today_percent": rate_now / 100,
        "average_salary_today": today_average.amount,
        "monthly_pension_today": today_average.amount * rate_now // 10000,
        "average_salary_window_years": today_average.window_years,
        "legal_retirement_date": month_end(legal_month),
        "retirement_date": month_end(retire_month),
        "first_pension_month": month_add(retire_month, 1),
        "months_early": months_early,
        "future_monthly_salary": projection.future_salary,
        "future_salary_capped": projection.capped,
        "projected_contribution_months": projected_months,
        "projected_years": projected_months // 12,
        "projected_years_for_rate": counted_half_years(projected_months) / 2,
        "projected_minimum_met": projected_months >= MINIMUM_YEARS * 12,
        "projected_rate_percent": projected_rate / 100,
        "average_salary": projected_average.amount,
        "average_salary_method": projected_average.method,
        "projected_average_salary_window_years": projected_average.window_years,
        "revaluation": None,
        "revaluation_note": REVALUATION_NOTE,
        "estimated_monthly_pension": projected_average.amount * projected_rate // 10000,
        "one_time_allowance": (
            one_time_allowance(
                gender=inputs.gender,
                months=projected_months,
                average=projected_average.amount,
            )
            if projected_rate
            else 0
        ),
    }
