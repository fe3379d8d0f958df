"""The rate in force for a month, and the shares it implies.

Rates and reference amounts live in tables (``ContributionRate``, ``ReferenceAmount``,
seeded by a data migration); a ``RateBook`` loads both once (two small queries) and answers
for any month in memory, so an import of 100,000 rows does no per-row query.

Rounding rule: a share is ``round_half_up(base * rate_bp / 10000)`` in integer VND, computed
once per payer on the sum of that payer's component rates (not per component), on the salary
base capped at 20 times the base salary in force that month.
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
    Scheme,
)

SALARY_CAP_MULTIPLIER = 20  # salary base capped at 20x the base salary (Law 41/2024 art. 31)
VOLUNTARY_SUPPORT_PREFIX = "support_"
HOUSEHOLD_PREFIX = "household_"


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
    # (scheme, payer, month) -> summed rate: an import asks the same few questions many times
    _payer_rates: dict[tuple[str, str, date], int | None] = field(default_factory=dict)
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

    def payer_rate(self, scheme: str, payer: str, month: date) -> int | None:
        """Sum of the ordinary components of a scheme for one payer (no household or support
        components); None when no component is in force that month."""
        key = (scheme, payer, month)
        if key not in self._payer_rates:
            self._payer_rates[key] = self._payer_rate(scheme, payer, month)
        return self._payer_rates[key]

    def _payer_rate(self, scheme: str, payer: str, month: date) -> int | None:
        total, found = 0, False
        for (rate_scheme, component, rate_payer), _periods in self.rates.items():
            if rate_scheme != scheme or rate_payer != payer:
                continue
            if component.startswith((HOUSEHOLD_PREFIX, VOLUNTARY_SUPPORT_PREFIX)):
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

    def employed_shares(self, scheme: str, month: date, salary_base: int) -> ExpectedShares | None:
        """Employee and employer shares of an employer-paid record; None without a rate."""
        cap = self.salary_cap(month)
        employee_bp = self.payer_rate(scheme, Payer.EMPLOYEE, month)
        employer_bp = self.payer_rate(scheme, Payer.EMPLOYER, month)
        if cap is None or employee_bp is None or employer_bp is None:
            return None
        capped = min(salary_base, cap)
        return ExpectedShares(share(capped, employee_bp), share(capped, employer_bp), capped)

    def voluntary_total(self, month: date, income: int) -> int | None:
        bp = self.payer_rate(Scheme.VOLUNTARY_SI, Payer.EMPLOYEE, month)
        return None if bp is None else share(income, bp)

    def voluntary_income_bounds(self, month: date) -> tuple[int, int] | None:
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
