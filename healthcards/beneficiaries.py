"""Reference data printed in a health-insurance card number.

A card number is 15 characters: two letters for the beneficiary group, one digit for the
benefit level, two digits for the province, then the holder's 10-digit social insurance
number (``DN4010123456789``). The groups and what each benefit level covers are data that
change with the law: edit the tables here, never scatter the values in code paths.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

CARD_NUMBER_RE = re.compile(r"^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$")

# Beneficiary group codes (mã đối tượng) and a short description.
BENEFICIARY_GROUPS: dict[str, str] = {
    "DN": "Employees of enterprises",
    "HX": "Employees of cooperatives",
    "CH": "Employees of public service units",
    "NN": "Employees of foreign organisations in Viet Nam",
    "TK": "Employees of other organisations",
    "HC": "Civil servants and public employees",
    "XK": "Commune officials",
    "HT": "Pensioners and recipients of monthly disability allowance",
    "TB": "Recipients of monthly occupational accident or disease allowance",
    "NO": "Workers on long-term sick leave",
    "XB": "Former commune officials on monthly allowance",
    "XN": "Former commune officials on monthly social insurance allowance",
    "CS": "Recipients of monthly unemployment allowance",
    "QN": "Military officers and professional soldiers",
    "CA": "Police officers",
    "CY": "Military cipher staff",
    "XD": "Recipients of monthly social protection allowance",
    "MS": "Former recipients of monthly allowance for job loss",
    "CC": "People with meritorious services to the revolution",
    "CK": "Relatives of people with meritorious services",
    "CB": "Relatives of military and police officers",
    "KC": "Resistance veterans",
    "HD": "Members of the National Assembly and People's Councils",
    "TE": "Children under 6",
    "BT": "Recipients of monthly social assistance",
    "HN": "Members of poor households",
    "DT": "Ethnic minorities in disadvantaged areas",
    "DK": "People living in extremely disadvantaged areas",
    "TS": "Organ donors",
    "TC": "Relatives of martyrs",
    "TQ": "Relatives of people with meritorious services (other)",
    "TA": "Relatives of police officers",
    "TY": "Relatives of military cipher staff",
    "HG": "Near-poor households",
    "LS": "Foreign students on Vietnamese scholarships",
    "PV": "Servicemen's relatives in other cases",
    "CN": "Members of near-poor households",
    "HS": "Pupils",
    "SV": "Students",
    "GB": "Members of agricultural, forestry and fishery households",
    "GD": "Household members",
    "NX": "Voluntary participants (other)",
    "QT": "Recipients of state-paid contributions (other)",
    "TN": "Relatives of workers",
}

# The benefit level each group carries (the third character of the card number; agency
# decision 1351/QĐ-BHXH on card codes, Health Insurance Law art. 22(1)).
LEVEL_GROUPS: dict[int, tuple[str, ...]] = {
    1: ("CC", "TE"),
    2: ("CK", "CB", "KC", "HN", "DT", "DK", "XD", "BT", "TS"),
    3: ("HT", "TC", "CN"),
    4: ("DN", "HX", "CH", "NN", "TK", "HC", "XK", "TB", "NO", "XB", "TN", "CS", "XN", "MS",
        "HD", "TQ", "TA", "TY", "HG", "LS", "PV", "HS", "SV", "GB", "GD", "NX", "QT"),
    5: ("QN", "CA", "CY"),
}  # fmt: skip
GROUP_BENEFIT_LEVEL: dict[str, int] = {
    group: level for level, groups in LEVEL_GROUPS.items() for group in groups
}

# The base salary (lương cơ sở) in force from each date: a visit costing less than 15% of it
# is covered in full, and the five-year refund is measured in it (Health Insurance Law art.
# 22). The same amounts as the contributions app's reference table (a test keeps them
# equal); kept here because health cards do not depend on contributions.
BASE_SALARY_HISTORY: list[tuple[date, int]] = [
    (date(2019, 7, 1), 1_490_000),  # Decree 38/2019
    (date(2023, 7, 1), 1_800_000),  # Decree 24/2023
    (date(2024, 7, 1), 2_340_000),  # Decree 73/2024
    (date(2026, 7, 1), 2_530_000),  # Decree 161/2026 art. 3(2)
]
FULL_COVERAGE_SHARE_PERCENT = 15  # a visit under 15% of the base salary: covered in full
REFUND_BASE_SALARY_MONTHS = 6  # five years in a row: co-payments above 6 base salaries a year

# Benefit level (mức hưởng) -> share of covered costs paid by the fund, in percent, and the
# plain-words explanation shown to citizens (English and Vietnamese).
COVERAGE_PERCENT: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
COVERAGE_TEXT: dict[int, dict[str, str]] = {
    1: {
        "en": "100% of covered costs at your registered facility, without limits on drugs "
        "and medical supplies.",
        "vi": "100% chi phí trong phạm vi hưởng tại nơi đăng ký khám chữa bệnh ban đầu, "
        "không giới hạn tỷ lệ thuốc và vật tư y tế.",
    },
    2: {
        "en": "100% of covered costs at your registered facility; drugs and medical supplies "
        "within the listed limits.",
        "vi": "100% chi phí trong phạm vi hưởng tại nơi đăng ký khám chữa bệnh ban đầu; "
        "thuốc và vật tư y tế theo tỷ lệ quy định.",
    },
    3: {
        "en": "95% of covered costs at your registered facility; you pay the other 5%.",
        "vi": "95% chi phí trong phạm vi hưởng tại nơi đăng ký khám chữa bệnh ban đầu; "
        "bạn trả 5% còn lại.",
    },
    4: {
        "en": "80% of covered costs at your registered facility; you pay the other 20%.",
        "vi": "80% chi phí trong phạm vi hưởng tại nơi đăng ký khám chữa bệnh ban đầu; "
        "bạn trả 20% còn lại.",
    },
    5: {
        "en": "100% of covered costs at your registered facility, including transport.",
        "vi": "100% chi phí trong phạm vi hưởng tại nơi đăng ký khám chữa bệnh ban đầu, "
        "kể cả chi phí vận chuyển.",
    },
}
# What a holder who pays a share is also told (levels below 100%).
CO_PAYMENT_RULES: dict[str, str] = {
    "en": " A visit costing less than {threshold} VND (15% of the base salary) and care at "
    "a commune health station are covered in full. After five consecutive years of health "
    "insurance, what you pay in a year above {refund} VND (six months of base salary) is "
    "refunded.",
    "vi": " Lần khám chi phí dưới {threshold} đồng (15% lương cơ sở) và khám chữa bệnh tại "
    "trạm y tế tuyến xã được chi trả 100%. Khi đã tham gia bảo hiểm y tế 5 năm liên tục, "
    "phần cùng chi trả trong năm vượt {refund} đồng (6 tháng lương cơ sở) được hoàn lại.",
}


def base_salary_on(day: date) -> int:
    amount = BASE_SALARY_HISTORY[0][1]
    for start, value in BASE_SALARY_HISTORY:
        if start <= day:
            amount = value
    return amount


def full_coverage_threshold(day: date) -> int:
    """Below this cost a visit is covered in full (15% of the base salary), in VND."""
    return base_salary_on(day) * FULL_COVERAGE_SHARE_PERCENT // 100


def coverage_percent(benefit_level: int) -> int:
    return COVERAGE_PERCENT[benefit_level]


def _vnd(amount: int, language: str) -> str:
    text = f"{amount:,}"
    return text.replace(",", ".") if language == "vi" else text


def coverage_text(benefit_level: int, language: str | None, today: date | None = None) -> str:
    """The benefit level in plain words; for levels with a co-payment, also the visits
    covered in full (the 15% threshold for the base salary on ``today``, commune level)
    and the five-year refund."""
    key = "vi" if (language or "").lower().startswith("vi") else "en"
    text = COVERAGE_TEXT[benefit_level][key]
    if COVERAGE_PERCENT[benefit_level] < 100:
        day = today or timezone.localdate()
        text += CO_PAYMENT_RULES[key].format(
            threshold=_vnd(full_coverage_threshold(day), key),
            refund=_vnd(base_salary_on(day) * REFUND_BASE_SALARY_MONTHS, key),
        )
    return text


def card_number_compose(*, group: str, benefit_level: int, province_code: str, sin: str) -> str:
    return f"{group}{benefit_level}{province_code}{sin}"


def card_number_problems(
    number: str, *, sin: str | None = None, group: str | None = None
) -> list[str]:
    """Why a card number is not acceptable (empty list when it is)."""
    if not isinstance(number, str) or not CARD_NUMBER_RE.match(number):
        return [_("A card number is 2 capital letters, a benefit digit 1-5, 2 digits, 10 digits.")]
    problems = []
    if number[:2] not in BENEFICIARY_GROUPS:
        problems.append(_("{group} is not a known beneficiary group.").format(group=number[:2]))
    if group is not None and number[:2] != group:
        problems.append(_("The card number's group differs from the card's beneficiary group."))
    if sin is not None and number[5:] != sin:
        problems.append(_("The last 10 digits must be the holder's social insurance number."))
    return problems
