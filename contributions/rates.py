"""The rate in force for a month, and the shares it implies.

Rates and reference amounts live in tables (``ContributionRate``, ``ReferenceAmount``,
seeded by a data migration); a ``RateBook`` loads both once (two small queries) and answers
for any month in memory, so an import of 100,000 rows does no per-row query.

Rounding rule: a share is ``round_half_up(base * rate_bp / 10000)`` in integer VND, computed
once per payer on the sum of that payer's component rates (not per component), on the salary
base capped at 20 times the base salary in force that month; for unemployment insurance on a
salary decided by the employer, at 20 times the regional minimum wage of the employer's region
(Employment Law 2013 art. 58, from 2015-01-01).

Employer-specific terms (``EmployerTerms``): the salary regime, the minimum-wage region and the
period in which the employer qualifies for the 0.3% occupational accident rate (Decree
58/2020) instead of 0.5%.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from contributions.models import (
    ContributionRate,
    Payer,
    ReferenceAmount,
    ReferenceAmountKind,
    SalaryRegime,
    Scheme,
)

SALARY_CAP_MULTIPLIER = 20  # salary base capped at 20x the base salary (Law 41/2024 art. 31)
UNEMPLOYMENT_REGIONAL_CAP_FROM = date(2015, 1, 1)  # Employment Law 2013 art. 58 in force
VOLUNTARY_POVERTY_LINE_FLOOR_FROM = date(2016, 1, 1)  # Social Insurance Law 2014 art. 87
VOLUNTARY_SUPPORT_PREFIX = "support_"
HOUSEHOLD_PREFIX = "household_"
ACCIDENT_COMPONENT = "occupational"
REDUCED_ACCIDENT_COMPONENT = "occupational_reduced"  # 0.3% for qualifying employers


@dataclass(frozen=True)
class EmployerTerms:
    """What the rates need to know about an employer."""

    salary_regime: str = SalaryRegime.EMPLOYER
    minimum_wage_region: int = 1
    reduced_accident_rate_from: date | None = None
    reduced_accident_rate_to: date | None = None  # exclusive

    def reduced_accident_rate(self, month: date) -> bool:
        start, end = self.reduced_accident_rate_from, self.reduced_accident_rate_to
        return start is not None and start <= month and (end is None or month < end)


DEFAULT_TERMS = EmployerTerms()


def share(base: int, rate_bp: int) -> int:
    """``base * rate_bp / 10000`` rounded half up, in integers only."""
    return (base * rate_bp + 5000) // 10000


@dataclass(frozen=True)
class ExpectedShares:
    employee: int
    employer: int
    capped_base: int


@dataclass
class RateBook:
    # (scheme, component, payer) -> sorted [(from, to or None, bp)]
    rates: dict[tuple[str, str, str], list[tuple[date, date | None, int]]] = field(
        default_factory=dict
    )
    # kind -> (sorted starts, amounts)
    amounts: dict[str, tuple[list[date], list[int]]] = field(default_factory=dict)
    # (scheme, payer, month, reduced) -> summed rate: an import asks the same few questions
    # many times
    _payer_rates: dict[tuple[str, str, date, bool], int | None] = field(default_factory=dict)
    _caps: dict[date, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RateBook:
        rates: dict[tuple[str, str, str], list[tuple[date, date | None, int]]] = defaultdict(list)
        for row in ContributionRate.objects.order_by("effective_from").values_list(
            "scheme", "component", "payer", "effective_from", "effective_to", "rate_bp"
        ):
            rates[(row[0], row[1], row[2])].append((row[3], row[4], row[5]))
        amounts: dict[str, tuple[list[date], list[int]]] = {}
        for kind, start, amount in ReferenceAmount.objects.order_by("effective_from").values_list(
            "kind", "effective_from", "amount"
        ):
            starts, values = amounts.setdefault(kind, ([], []))
            starts.append(start)
            values.append(amount)
        return cls(rates=dict(rates), amounts=amounts)

    def amount(self, kind: str, month: date) -> int | None:
        starts, values = self.amounts.get(kind, ([], []))
        index = bisect.bisect_right(starts, month) - 1
        return values[index] if index >= 0 else None

    def base_salary(self, month: date) -> int | None:
        return self.amount(ReferenceAmountKind.BASE_SALARY, month)

    def rate(self, scheme: str, component: str, payer: str, month: date) -> int | None:
        for start, end, bp in self.rates.get((scheme, component, payer), []):
            if start <= month and (end is None or month < end):
                return bp
        return None

    def payer_rate(
        self, scheme: str, payer: str, month: date, reduced_accident: bool = False
    ) -> int | None:
        """Sum of the ordinary components of a scheme for one payer (no household or support
        components); None when no component is in force that month. ``reduced_accident``:
        the employer qualifies for the reduced occupational accident rate that month, which
        then replaces the ordinary one (when a reduced rate is in force)."""
        key = (scheme, payer, month, reduced_accident)
        if key not in self._payer_rates:
            self._payer_rates[key] = self._payer_rate(scheme, payer, month, reduced_accident)
        return self._payer_rates[key]

    def _payer_rate(
        self, scheme: str, payer: str, month: date, reduced_accident: bool
    ) -> int | None:
        reduced_bp = self.rate(scheme, REDUCED_ACCIDENT_COMPONENT, payer, month)
        use_reduced = reduced_accident and reduced_bp is not None
        total, found = 0, False
        for (rate_scheme, component, rate_payer), _periods in self.rates.items():
            if rate_scheme != scheme or rate_payer != payer:
                continue
            if component.startswith((HOUSEHOLD_PREFIX, VOLUNTARY_SUPPORT_PREFIX)):
                continue
            if component == (ACCIDENT_COMPONENT if use_reduced else REDUCED_ACCIDENT_COMPONENT):
                continue
            bp = self.rate(scheme, component, payer, month)
            if bp is not None:
                total, found = total + bp, True
        return total if found else None

    def salary_cap(self, month: date) -> int | None:
        if month not in self._caps:
            base = self.base_salary(month)
            self._caps[month] = None if base is None else base * SALARY_CAP_MULTIPLIER
        return self._caps[month]

    def regional_minimum_wage(self, region: int, month: date) -> int | None:
        return self.amount(f"min_wage_region_{region}", month)

    def contribution_cap(
        self, scheme: str, month: date, terms: EmployerTerms = DEFAULT_TERMS
    ) -> int | None:
        """The most a month's salary base counts for: 20 base salaries, or for unemployment
        insurance on an employer-decided salary 20 regional minimum wages (from 2015)."""
        if (
            scheme == Scheme.UNEMPLOYMENT
            and terms.salary_regime == SalaryRegime.EMPLOYER
            and month >= UNEMPLOYMENT_REGIONAL_CAP_FROM
        ):
            wage = self.regional_minimum_wage(terms.minimum_wage_region, month)
            if wage is not None:
                return wage * SALARY_CAP_MULTIPLIER
        return self.salary_cap(month)

    def employed_shares(
        self,
        scheme: str,
        month: date,
        salary_base: int,
        terms: EmployerTerms = DEFAULT_TERMS,
    ) -> ExpectedShares | None:
        """Employee and employer shares of an employer-paid record; None without a rate."""
        cap = self.contribution_cap(scheme, month, terms)
        reduced = terms.reduced_accident_rate(month)
        employee_bp = self.payer_rate(scheme, Payer.EMPLOYEE, month)
        employer_bp = self.payer_rate(scheme, Payer.EMPLOYER, month, reduced)
        if cap is None or employee_bp is None or employer_bp is None:
            return None
        capped = min(salary_base, cap)
        return ExpectedShares(share(capped, employee_bp), share(capped, employer_bp), capped)

    def voluntary_total(self, month: date, income: int) -> int | None:
        bp = self.payer_rate(Scheme.VOLUNTARY_SI, Payer.EMPLOYEE, month)
        return None if bp is None else share(income, bp)

    def voluntary_income_bounds(self, month: date) -> tuple[int, int] | None:
        """From the rural poverty line to the cap; before 2016 (Social Insurance Law 2006
        art. 100) the floor was the general minimum wage, the base salary of today."""
        if month < VOLUNTARY_POVERTY_LINE_FLOOR_FROM:
            floor = self.base_salary(month)
        else:
            floor = self.amount(ReferenceAmountKind.RURAL_POVERTY_LINE, month)
        cap = self.salary_cap(month)
        return None if floor is None or cap is None else (floor, cap)

    def voluntary_supports(self, month: date) -> set[int]:
        """The state support amounts allowed that month (0 for none): a share of the
        contribution on the poverty-line income, one per support category."""
        floor = self.amount(ReferenceAmountKind.RURAL_POVERTY_LINE, month)
        total_bp = self.payer_rate(Scheme.VOLUNTARY_SI, Payer.EMPLOYEE, month)
        allowed = {0}
        if floor is None or total_bp is None:
            return allowed
        on_floor = share(floor, total_bp)
        for (scheme, component, payer), _periods in self.rates.items():
            if scheme == Scheme.VOLUNTARY_SI and component.startswith(VOLUNTARY_SUPPORT_PREFIX):
                bp = self.rate(scheme, component, payer, month)
                if bp is not None:
                    allowed.add(share(on_floor, bp))
        return allowed

    def household_health_amounts(self, month: date) -> set[int]:
        """The household health-insurance contributions allowed that month, one per rank of
        the member in the household (first, second, ... fifth and later)."""
        base = self.base_salary(month)
        if base is None:
            return set()
        allowed = set()
        for (scheme, component, payer), _periods in self.rates.items():
            if scheme == Scheme.HEALTH and component.startswith(HOUSEHOLD_PREFIX):
                bp = self.rate(scheme, component, payer, month)
                if bp is not None:
                    allowed.add(share(base, bp))
        return allowed
