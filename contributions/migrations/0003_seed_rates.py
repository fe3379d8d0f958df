"""Rates and reference amounts in force, as data (DESIGN.md section 2).

Compulsory rates: social insurance 8% employee / 17.5% employer (14% retirement and
survivorship, 3% sickness and maternity, occupational accident 1% until 2017-05-31 then 0.5%);
unemployment 1% / 1%; health 1.5% / 3%. Voluntary: 22% of the chosen income, with state
support on the poverty-line contribution (since 2018; new shares from 2025-07-01).
Household health insurance: 4.5% of the base salary for the first member, then 70%, 60%, 50%
of that, and 40% from the fifth member.
"""

from datetime import date

from django.db import migrations

OPEN = None
RATES = [
    # scheme, component, payer, basis points, from, to
    ("compulsory_si", "retirement_survivorship", "employee", 800, date(2014, 1, 1), OPEN),
    ("compulsory_si", "retirement_survivorship", "employer", 1400, date(2014, 1, 1), OPEN),
    ("compulsory_si", "sickness_maternity", "employer", 300, date(2014, 1, 1), OPEN),
    ("compulsory_si", "occupational", "employer", 100, date(2014, 1, 1), date(2017, 6, 1)),
    ("compulsory_si", "occupational", "employer", 50, date(2017, 6, 1), OPEN),
    ("unemployment", "unemployment", "employee", 100, date(2014, 1, 1), OPEN),
    ("unemployment", "unemployment", "employer", 100, date(2014, 1, 1), OPEN),
    ("health", "health", "employee", 150, date(2014, 1, 1), OPEN),
    ("health", "health", "employer", 300, date(2014, 1, 1), OPEN),
    ("health", "household_1", "employee", 450, date(2014, 1, 1), OPEN),
    ("health", "household_2", "employee", 315, date(2014, 1, 1), OPEN),
    ("health", "household_3", "employee", 270, date(2014, 1, 1), OPEN),
    ("health", "household_4", "employee", 225, date(2014, 1, 1), OPEN),
    ("health", "household_5", "employee", 180, date(2014, 1, 1), OPEN),
    ("voluntary_si", "retirement_survivorship", "employee", 2200, date(2014, 1, 1), OPEN),
    ("voluntary_si", "support_poor", "state", 3000, date(2018, 1, 1), date(2025, 7, 1)),
    ("voluntary_si", "support_near_poor", "state", 2500, date(2018, 1, 1), date(2025, 7, 1)),
    ("voluntary_si", "support_other", "state", 1000, date(2018, 1, 1), date(2025, 7, 1)),
    ("voluntary_si", "support_poor", "state", 5000, date(2025, 7, 1), OPEN),
    ("voluntary_si", "support_near_poor", "state", 4000, date(2025, 7, 1), OPEN),
    ("voluntary_si", "support_ethnic_minority", "state", 3000, date(2025, 7, 1), OPEN),
    ("voluntary_si", "support_other", "state", 2000, date(2025, 7, 1), OPEN),
]
AMOUNTS = [
    ("base_salary", 1_150_000, date(2013, 7, 1)),
    ("base_salary", 1_210_000, date(2016, 5, 1)),
    ("base_salary", 1_300_000, date(2017, 7, 1)),
    ("base_salary", 1_390_000, date(2018, 7, 1)),
    ("base_salary", 1_490_000, date(2019, 7, 1)),
    ("base_salary", 1_800_000, date(2023, 7, 1)),
    ("base_salary", 2_340_000, date(2024, 7, 1)),
    ("rural_poverty_line", 400_000, date(2011, 1, 1)),
    ("rural_poverty_line", 700_000, date(2016, 1, 1)),
    ("rural_poverty_line", 1_500_000, date(2022, 1, 1)),
]


def seed(apps, schema_editor):
    rate = apps.get_model("contributions", "ContributionRate")
    amount = apps.get_model("contributions", "ReferenceAmount")
    for scheme, component, payer, bp, start, end in RATES:
        rate.objects.update_or_create(
            scheme=scheme,
            component=component,
            payer=payer,
            effective_from=start,
            defaults={"rate_bp": bp, "effective_to": end},
        )
    for kind, value, start in AMOUNTS:
        amount.objects.update_or_create(
            kind=kind, effective_from=start, defaults={"amount": value}
        )


def unseed(apps, schema_editor):
    apps.get_model("contributions", "ContributionRate").objects.all().delete()
    apps.get_model("contributions", "ReferenceAmount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_records")]

    operations = [migrations.RunPython(seed, unseed)]
