"""The date five consecutive years of health insurance were reached (thời điểm đủ 5 năm
liên tục), derived from the health-insurance contribution months.

Health Insurance Law (Law 25/2008, amended by Law 46/2014) art. 22: a holder with five
consecutive years of health insurance and co-payments above six months of base salary in a
year is refunded the excess. That a break of no more than 3 months does not interrupt the
five years is the rule DESIGN.md section 2 states (the implementing decree's text could not be
read through the sources available). Rule as computed here:
- a month counts when a health-insurance record of it is paid;
- a break of 1 to 3 months keeps the run going (the months of the break do not count); a
  break of 4 months or more starts a new run;
- the date is the first day of the month after the 60th counted month of the latest run;
  None when that run has fewer than 60 months.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from contributions.months import month_add, months_between

YEARS_MONTHS = 60
LONGEST_BREAK_MONTHS = 3


def five_year_date(months: Iterable[date]) -> date | None:
    ordered = sorted(set(months))
    reached: date | None = None
    counted = 0
    previous: date | None = None
    for month in ordered:
        gap = 0 if previous is None else months_between(previous, month) - 2
        if previous is not None and gap > LONGEST_BREAK_MONTHS:
            counted, reached = 0, None
        counted += 1
        if counted == YEARS_MONTHS:
            reached = month_add(month, 1)
        previous = month
    return reached
