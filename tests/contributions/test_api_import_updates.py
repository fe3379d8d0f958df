"""Imports record what happened to months already on record: arrears paid later, reversed
months declared again; each change audited and counted in ``rows_updated``."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Gender
from contributions.models import ContributionRecord, RecordStatus, Scheme
from contributions.months import month_add
from tests.accounts.factories import InsureeFactory
from tests.contributions.factories import ContributionRecordFactory
from tests.contributions.test_api_imports import csv_of, upload
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db


def _row(sin: str, month: str, status: str, scheme: str = "compulsory_si") -> str:
    if scheme == "health":
        return f"{sin},{month},health,TA0101A,10000000,150000,300000,0,{status}"
    return f"{sin},{month},compulsory_si,TA0101A,10000000,800000,1750000,0,{status}"


@pytest.fixture
def career(citizen, employer, make_months):
    """A woman with 15 years of compulsory social insurance, 2010-01 .. 2024-11 paid (179
    months) and 2024-12 owed: one month short of the pension's minimum."""
    insuree = citizen.insuree
    insuree.gender, insuree.date_of_birth = Gender.FEMALE, date(1975, 3, 1)
    insuree.save(update_fields=["gender", "date_of_birth"])
    months = [month_add(date(2010, 1, 1), offset) for offset in range(180)]
    ContributionRecord.objects.bulk_create(
        ContributionRecordFactory.build(
            insuree=insuree,
            employer=employer,
            month=month,
            status=RecordStatus.OWED if month == date(2024, 12, 1) else RecordStatus.PAID,
        )
        for month in months
    )
    return insuree


def _summary(client: APIClient) -> dict:
    r = client.get("/api/v1/contributions/summary")
    assert r.status_code == 200, r.json()
    [compulsory] = [s for s in r.json()["schemes"] if s["scheme"] == "compulsory_si"]
    return {**compulsory, "time": r.json()["social_insurance_time"]["total_months"]}


def test_an_owed_month_declared_paid_becomes_paid(agency_client, citizen_client, career):
    # given the citizen in arrears for 2024-12 and one month short of 15 years
    before = _summary(citizen_client)
    pension_before = citizen_client.get("/api/v1/pension/estimate").json()
    assert (before["months_owed"], before["months_contributed"], before["time"]) == (1, 179, 179)
    assert pension_before["minimum_met"] is False

    # when the employer's next file declares the month paid
    r = upload(agency_client, csv_of(_row(career.social_insurance_number, "2024-12", "paid")))

    # then the month is paid, audited, counted as updated
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["rows_written"], body["rows_updated"], body["rows_existing"]) == (0, 1, 0)
    record = ContributionRecord.objects.get(insuree=career, month=date(2024, 12, 1))
    assert record.status == RecordStatus.PAID
    assert record.declaration_id == body["id"]
    [event] = AuditEvent.objects.filter(action="contributions.record_status_changed")
    assert event.target_insuree_id == career.pk
    assert (event.object_type, event.object_id) == ("declaration", str(body["id"]))
    [change] = event.data["changes"]
    assert change["record_id"] == record.pk
    assert (change["from"], change["to"], change["month"]) == ("owed", "paid", "2024-12")
    assert change["row"] == 2
    assert event.actor.role == "agency"
    # and the summary, the contribution time and the pension see it at once
    after = _summary(citizen_client)
    assert (after["months_owed"], after["owed_total"]) == (0, 0)
    assert (after["months_contributed"], after["time"]) == (180, 180)
    pension_after = citizen_client.get("/api/v1/pension/estimate").json()
    assert pension_after["contribution_months"] == 180
    assert pension_after["minimum_met"] is True
    assert pension_after["rate_today_percent"] == 45
    assert pension_after["monthly_pension_today"] == 4_500_000


def test_an_identical_row_is_existing_and_a_repeat_changes_nothing(agency_client, career):
    sin = career.social_insurance_number
    first = upload(agency_client, csv_of(_row(sin, "2024-12", "paid")))
    assert first.json()["rows_updated"] == 1

    # the same month paid again, in another file (another row makes the file differ)
    r = upload(agency_client, csv_of(_row(sin, "2024-12", "paid"), _row(sin, "2024-11", "paid")))

    assert r.status_code == 201, r.json()
    assert (r.json()["rows_written"], r.json()["rows_updated"], r.json()["rows_existing"]) == (
        0,
        0,
        2,
    )
    assert AuditEvent.objects.filter(action="contributions.record_status_changed").count() == 1


def test_a_reversed_month_declared_again_is_recorded(agency_client, citizen_client, career):
    sin = career.social_insurance_number
    # given 2024-06 reversed by the employer's file
    r = upload(agency_client, csv_of(_row(sin, "2024-06", "reversed")))
    assert r.json()["rows_updated"] == 1
    assert _summary(citizen_client)["months_contributed"] == 178

    # when it is declared again as paid
    r = upload(agency_client, csv_of(_row(sin, "2024-06", "paid"), _row(sin, "2025-01", "paid")))

    # then it counts again, and the new month is written
    assert (r.json()["rows_written"], r.json()["rows_updated"], r.json()["rows_existing"]) == (
        1,
        1,
        0,
    )
    assert _summary(citizen_client)["months_contributed"] == 180
    changes = AuditEvent.objects.filter(action="contributions.record_status_changed")
    assert sorted((c["from"], c["to"]) for e in changes for c in e.data["changes"]) == [
        ("paid", "reversed"),
        ("reversed", "paid"),
    ]


def test_a_paid_month_is_not_turned_back_into_owed(agency_client, career):
    r = upload(agency_client, csv_of(_row(career.social_insurance_number, "2024-05", "owed")))

    assert r.status_code == 201, r.json()
    assert (r.json()["rows_updated"], r.json()["rows_existing"]) == (0, 1)
    record = ContributionRecord.objects.get(insuree=career, month=date(2024, 5, 1))
    assert record.status == RecordStatus.PAID
    assert not AuditEvent.objects.filter(action="contributions.record_status_changed").exists()


def test_an_invalid_file_changes_no_status(agency_client, career):
    rows = [
        _row(career.social_insurance_number, "2024-12", "paid"),
        "9999999999,2024-12,x,,1,1,1,,",
    ]

    r = upload(agency_client, csv_of(*rows))

    assert r.status_code == 422, r.json()
    record = ContributionRecord.objects.get(insuree=career, month=date(2024, 12, 1))
    assert record.status == RecordStatus.OWED


def test_health_months_paid_later_give_the_five_year_date(agency_client, employer):
    # given health insurance 2019-01 .. 2024-06 with 2020-02 .. 2020-05 owed (a 4-month break
    # in the paid months: the run restarts in 2020-06) and a card whose date is stale
    insuree = InsureeFactory()
    card = HealthCardFactory(insuree=insuree, five_year_date=date(2021, 3, 1))
    owed = {date(2020, month, 1) for month in range(2, 6)}
    ContributionRecord.objects.bulk_create(
        ContributionRecordFactory.build(
            insuree=insuree,
            employer=employer,
            scheme=Scheme.HEALTH,
            month=month,
            employee_amount=150_000,
            employer_amount=300_000,
            status=RecordStatus.OWED if month in owed else RecordStatus.PAID,
        )
        for month in (month_add(date(2019, 1, 1), offset) for offset in range(66))
    )
    sin = insuree.social_insurance_number

    # when one owed month is declared paid, the break is 3 months: the run holds
    r = upload(agency_client, csv_of(_row(sin, "2020-03", "paid", scheme="health")))

    # then the five-year date is derived again: 2019-01 .. 2024-06 less 3 months = 63 months,
    # the 60th counted month is 2024-03
    assert r.status_code == 201, r.json()
    card.refresh_from_db()
    assert card.five_year_date == date(2024, 4, 1)


def test_the_reduced_accident_rate_is_accepted_only_for_a_qualifying_employer(
    agency_client, citizen, employer, other_employer
):
    # given TA0101A qualifies for the 0.3% occupational accident rate since 2023 (Decree
    # 58/2020) and TA0102B does not
    employer.reduced_accident_rate_from = date(2023, 1, 1)
    employer.save(update_fields=["reduced_accident_rate_from"])
    sin = citizen.insuree.social_insurance_number
    at_reduced_rate = "{sin},2024-01,compulsory_si,{code},10000000,800000,1730000,0,paid"

    # when each declares 17.3% (14% + 3% + 0.3%) of 10,000,000
    refused = upload(agency_client, csv_of(at_reduced_rate.format(sin=sin, code="TA0102B")))
    accepted = upload(agency_client, csv_of(at_reduced_rate.format(sin=sin, code="TA0101A")))

    # then
    assert refused.status_code == 422, refused.json()
    [error] = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("employer_amount", "amount_mismatch")
    assert "1750000" in error["detail"]
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["rows_written"] == 1


def test_an_employer_decided_salary_pays_unemployment_above_the_base_salary_cap(
    agency_client, citizen, employer
):
    # 60,000,000 in 2024-08: social insurance on 46,800,000 (20 base salaries), unemployment
    # on the whole salary (below 20 regional minimum wages of region I, 99,200,000)
    sin = citizen.insuree.social_insurance_number
    rows = [
        f"{sin},2024-08,compulsory_si,TA0101A,60000000,3744000,8190000,0,paid",
        f"{sin},2024-08,unemployment,TA0101A,60000000,600000,600000,0,paid",
    ]

    r = upload(agency_client, csv_of(*rows))

    assert r.status_code == 201, r.json()
    assert r.json()["rows_written"] == 2


def test_one_audit_event_per_insuree_lists_each_change(agency_client, career):
    sin = career.social_insurance_number
    rows = [_row(sin, "2024-05", "reversed"), _row(sin, "2024-06", "reversed")]

    r = upload(agency_client, csv_of(*rows))

    assert r.json()["rows_updated"] == 2
    [event] = AuditEvent.objects.filter(action="contributions.record_status_changed")
    assert [(c["month"], c["from"], c["to"]) for c in event.data["changes"]] == [
        ("2024-05", "paid", "reversed"),
        ("2024-06", "paid", "reversed"),
    ]
