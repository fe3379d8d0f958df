"""Rates and reference amounts from 2008 to today, as dated data (DESIGN.md section 2).

Sources, one per figure (docs/contributions.md repeats them):
- Social Insurance Law 2006 (71/2006/QH11) arts. 91-92, from 2007: retirement and
  survivorship 5% employee / 11% employer, +1% each every two years from 2010 until 8% / 14%
  (2014); sickness and maternity 3% and occupational accident 1%, employer.
- Voluntary social insurance under the same law, art. 100: 16% of the chosen income from
  2008, +2% every two years from 2010 until 22% (2014).
- Unemployment insurance from 2009-01-01 (same law, art. 102): 1% employee, 1% employer.
- Health insurance: 1% / 2% (Decree 63/2005) until 2009-12; 1.5% / 3% from 2010-01-01 (Health
  Insurance Law 2008, Decree 62/2009).
- Occupational accident: 0.5% from 2017-06-01 (Decree 44/2017); 0.3% for employers that
  qualify (Decree 58/2020, in force 2020-07-15; the qualification is dated on the employer);
  0% from 2021-07-01 to 2022-06-30 (Resolution 68/NQ-CP, Decision 23/2021/QĐ-TTg).
- Employer's unemployment share 0% from 2021-10-01 to 2022-09-30 (Resolution 116/NQ-CP,
  Decision 28/2021/QĐ-TTg).
- General minimum wage (the cap's reference before the base salary took its name in 2013):
  540,000 (2008-01-01, Decree 166/2007), 650,000 (2009-05-01, Decree 33/2009), 730,000
  (2010-05-01, Decree 28/2010), 830,000 (2011-05-01, Decree 22/2011), 1,050,000
  (2012-05-01, Decree 31/2012); base salary 2,530,000 from 2026-07-01 (Decree
  161/2026/NĐ-CP of 2026-05-15, art. 3(2), read from the decree's text).
- Regional minimum wages, regions I-IV: Decrees 103/2012, 182/2013, 103/2014, 122/2015,
  153/2016, 141/2017, 157/2018, 90/2019, 38/2022, 74/2024, 293/2025.
"""

from datetime import date

from django.db import migrations

OPEN = None
SI = "compulsory_si"
RATES = [
    # scheme, component, payer, basis points, from, to (exclusive)
    (SI, "retirement_survivorship", "employee", 500, date(2008, 1, 1), date(2010, 1, 1)),
    (SI, "retirement_survivorship", "employee", 600, date(2010, 1, 1), date(2012, 1, 1)),
    (SI, "retirement_survivorship", "employee", 700, date(2012, 1, 1), date(2014, 1, 1)),
    (SI, "retirement_survivorship", "employer", 1100, date(2008, 1, 1), date(2010, 1, 1)),
    (SI, "retirement_survivorship", "employer", 1200, date(2010, 1, 1), date(2012, 1, 1)),
    (SI, "retirement_survivorship", "employer", 1300, date(2012, 1, 1), date(2014, 1, 1)),
    (SI, "sickness_maternity", "employer", 300, date(2008, 1, 1), date(2014, 1, 1)),
    (SI, "occupational", "employer", 100, date(2008, 1, 1), date(2014, 1, 1)),
    (SI, "occupational", "employer", 50, date(2017, 6, 1), date(2021, 7, 1)),
    (SI, "occupational", "employer", 0, date(2021, 7, 1), date(2022, 7, 1)),
    (SI, "occupational", "employer", 50, date(2022, 7, 1), OPEN),
    (SI, "occupational_reduced", "employer", 30, date(2020, 7, 15), date(2021, 7, 1)),
    (SI, "occupational_reduced", "employer", 0, date(2021, 7, 1), date(2022, 7, 1)),
    (SI, "occupational_reduced", "employer", 30, date(2022, 7, 1), OPEN),
    ("unemployment", "unemployment", "employee", 100, date(2009, 1, 1), date(2014, 1, 1)),
    ("unemployment", "unemployment", "employer", 100, date(2009, 1, 1), date(2014, 1, 1)),
    ("unemployment", "unemployment", "employer", 0, date(2021, 10, 1), date(2022, 10, 1)),
    ("unemployment", "unemployment", "employer", 100, date(2022, 10, 1), OPEN),
    ("health", "health", "employee", 100, date(2008, 1, 1), date(2010, 1, 1)),
    ("health", "health", "employee", 150, date(2010, 1, 1), date(2014, 1, 1)),
    ("health", "health", "employer", 200, date(2008, 1, 1), date(2010, 1, 1)),
    ("health", "health", "employer", 300, date(2010, 1, 1), date(2014, 1, 1)),
    ("voluntary_si", "retirement_survivorship", "employee", 1600, date(2008, 1, 1),
     date(2010, 1, 1)),
    ("voluntary_si", "retirement_survivorship", "employee", 1800, date(2010, 1, 1),
     date(2012, 1, 1)),
    ("voluntary_si", "retirement_survivorship", "employee", 2000, date(2012, 1, 1),
     date(2014, 1, 1)),
]  # fmt: skip
# Rows of 0003 whose end changes: (scheme, component, payer, from) -> new end
ENDS = [
    (SI, "occupational", "employer", date(2017, 6, 1), date(2021, 7, 1)),
    ("unemployment", "unemployment", "employer", date(2014, 1, 1), date(2021, 10, 1)),
]
AMOUNTS = [
    ("base_salary", 540_000, date(2008, 1, 1)),
    ("base_salary", 650_000, date(2009, 5, 1)),
    ("base_salary", 730_000, date(2010, 5, 1)),
    ("base_salary", 830_000, date(2011, 5, 1)),
    ("base_salary", 1_050_000, date(2012, 5, 1)),
    ("base_salary", 2_530_000, date(2026, 7, 1)),
]
REGIONAL_MINIMUM_WAGES = [
    (date(2013, 1, 1), 2_350_000, 2_100_000, 1_800_000, 1_650_000),
    (date(2014, 1, 1), 2_700_000, 2_400_000, 2_100_000, 1_900_000),
    (date(2015, 1, 1), 3_100_000, 2_750_000, 2_400_000, 2_150_000),
    (date(2016, 1, 1), 3_500_000, 3_100_000, 2_700_000, 2_400_000),
    (date(2017, 1, 1), 3_750_000, 3_320_000, 2_900_000, 2_580_000),
    (date(2018, 1, 1), 3_980_000, 3_530_000, 3_090_000, 2_760_000),
    (date(2019, 1, 1), 4_180_000, 3_710_000, 3_250_000, 2_920_000),
    (date(2020, 1, 1), 4_420_000, 3_920_000, 3_430_000, 3_070_000),
    (date(2022, 7, 1), 4_680_000, 4_160_000, 3_640_000, 3_250_000),
    (date(2024, 7, 1), 4_960_000, 4_410_000, 3_860_000, 3_450_000),
    (date(2026, 1, 1), 5_310_000, 4_730_000, 4_140_000, 3_700_000),
]


def _amount_rows():
    yield from AMOUNTS
    for start, *wages in REGIONAL_MINIMUM_WAGES:
        for region, wage in enumerate(wages, start=1):
            yield (f"min_wage_region_{region}", wage, start)


def seed(apps, schema_editor):
    rate = apps.get_model("contributions", "ContributionRate")
    amount = apps.get_model("contributions", "ReferenceAmount")
    for scheme, component, payer, start, end in ENDS:
        rate.objects.filter(
            scheme=scheme, component=component, payer=payer, effective_from=start
        ).update(effective_to=end)
    for scheme, component, payer, bp, start, end in RATES:
        rate.objects.update_or_create(
            scheme=scheme,
            component=component,
            payer=payer,
            effective_from=start,
            defaults={"rate_bp": bp, "effective_to": end},
        )
    for kind, value, start in _amount_rows():
        amount.objects.update_or_create(
            kind=kind, effective_from=start, defaults={"amount": value}
        )


def unseed(apps, schema_editor):
    rate = apps.get_model("contributions", "ContributionRate")
    amount = apps.get_model("contributions", "ReferenceAmount")
    for scheme, component, payer, _bp, start, _end in RATES:
        rate.objects.filter(
            scheme=scheme, component=component, payer=payer, effective_from=start
        ).delete()
    for scheme, component, payer, start, _end in ENDS:
        rate.objects.filter(
            scheme=scheme, component=component, payer=payer, effective_from=start
        ).update(effective_to=None)
    for kind, _value, start in _amount_rows():
        amount.objects.filter(kind=kind, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0004_employer_regime_region_reduced_rate")]

    operations = [migrations.RunPython(seed, unseed)]
