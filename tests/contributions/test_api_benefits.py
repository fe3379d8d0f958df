"""GET /api/v1/benefits/: benefit payments, newest first, filter by kind."""

from __future__ import annotations

from datetime import date

import pytest

from tests.accounts.factories import InsureeFactory
from tests.contributions.factories import BenefitPaymentFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/benefits/"


def test_payments_newest_first_with_their_fields(citizen, citizen_client):
    insuree = citizen.insuree
    BenefitPaymentFactory(insuree=insuree, paid_on=date(2023, 1, 5), kind="sickness")
    BenefitPaymentFactory(
        insuree=insuree,
        kind="maternity",
        period_from=date(2022, 9, 1),
        period_to=date(2023, 2, 28),
        amount=42_000_000,
        paid_on=date(2022, 10, 10),
        decision_number="1234/QĐ-BHXH",
    )
    BenefitPaymentFactory(insuree=insuree, paid_on=date(2024, 4, 10), kind="convalescence")

    r = citizen_client.get(URL)

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["paid_on"] for row in rows] == ["2024-04-10", "2023-01-05", "2022-10-10"]
    assert rows[2] == {
        "id": rows[2]["id"],
        "kind": "maternity",
        "period_from": "2022-09-01",
        "period_to": "2023-02-28",
        "amount": 42_000_000,
        "paid_on": "2022-10-10",
        "method": "bank",
        "decision_number": "1234/QĐ-BHXH",
        "status": "paid",
    }


def test_filter_by_kind_and_bad_kind(citizen, citizen_client):
    BenefitPaymentFactory(insuree=citizen.insuree, kind="sickness")
    BenefitPaymentFactory(insuree=citizen.insuree, kind="maternity")

    r = citizen_client.get(URL, {"kind": "maternity"})
    assert [row["kind"] for row in r.json()["results"]] == ["maternity"]
    r = citizen_client.get(URL, {"kind": "bonus"})
    assert r.status_code == 400, r.json()


def test_someone_elses_payments_are_unreachable(citizen_client):
    stranger = InsureeFactory()
    BenefitPaymentFactory(insuree=stranger)

    assert citizen_client.get(URL, {"insuree": str(stranger.public_id)}).status_code == 404
    assert citizen_client.get(URL).json()["results"] == []


def test_pages_and_query_count(citizen, citizen_client, django_assert_max_num_queries):
    for day in range(1, 13):
        BenefitPaymentFactory(insuree=citizen.insuree, paid_on=date(2024, 1, day))

    with django_assert_max_num_queries(1):
        first = citizen_client.get(URL, {"page_size": 5})
    second = citizen_client.get(first.json()["next"])

    assert len(first.json()["results"]) == 5
    seen = [row["id"] for row in first.json()["results"] + second.json()["results"]]
    assert len(set(seen)) == 10
