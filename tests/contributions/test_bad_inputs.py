"""Finding 7: inputs that answered 500 now answer a clear 4xx, and digits are ASCII only."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.db import connection

from contributions.models import ContributionRecord
from tests.contributions.test_api_imports import csv_of, good_rows, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["²", "①", "１２３", "١٢٣"], ids=["sup", "circled", "fw", "ar"])
def test_a_non_ascii_amount_is_a_row_error_not_a_500(agency_client, citizen, employer, amount):
    sin = citizen.insuree.social_insurance_number
    bad = f"{sin},2024-02,compulsory_si,TA0101A,10000000,{amount},1750000,0,paid"
    content = csv_of(good_rows(sin)[0], bad)

    r = upload(agency_client, content, params="?partial=true")

    assert r.status_code in {200, 201}, r.json()
    errors = r.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "employee_amount")], errors
    assert ContributionRecord.objects.count() == 1


@pytest.mark.parametrize("month", ["２０２４-０１", "٢٠٢٤-٠١", "2024-0١"])
def test_a_non_ascii_month_is_refused(citizen_client, month):
    r = citizen_client.get("/api/v1/contributions/", {"from": month})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "from"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "１９９０-０１-０１", "2045-13-01"])
def test_a_retirement_date_out_of_range_or_not_ascii_is_refused(citizen_client, day):
    r = citizen_client.get("/api/v1/pension/estimate", {"retirement_date": day})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "retirement_date"
    assert "0-9" in r.json()["errors"][0]["detail"]


@pytest.mark.parametrize("salary", ["１０００００００", "١٠٠٠٠٠٠٠"])
def test_a_non_ascii_salary_is_refused(citizen_client, salary):
    r = citizen_client.get("/api/v1/pension/estimate", {"future_salary": salary})

    assert r.status_code == 400, r.json()


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "raw", ["d:2024-01-01:99999999999999999999", "d:0001-01-01:5", "p:2024-01-01:-3", "d:x:1"]
)
def test_a_history_cursor_out_of_range_is_refused_not_a_500(citizen_client, raw):
    r = citizen_client.get("/api/v1/contributions/", {"cursor": cursor(raw)})

    assert 400 <= r.status_code < 500, r.content
    assert r["Content-Type"].startswith("application/problem+json")


def test_nul_bytes_in_query_strings_are_400(citizen_client, support_client):
    for client, url in [
        (citizen_client, "/api/v1/contributions/?employer=TA%00"),
        (support_client, "/api/v1/support/accounts?q=0012%00"),
    ]:
        r = client.get(url)

        assert r.status_code == 400, (url, r.content)
        assert r.json()["code"] == "nul_character"


@pytest.mark.postgres
def test_nul_bytes_never_reach_postgresql(citizen_client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL refuses NUL in text; SQLite does not")
    r = citizen_client.get("/api/v1/contributions/", {"employer": "TA\x00"})

    assert r.status_code == 400, r.content


def test_the_five_year_month_boundaries_are_inclusive():
    from contributions.months import month_parse

    assert month_parse("1900-01") == date(1900, 1, 1)
    assert month_parse("2199-12") == date(2199, 12, 1)
    assert month_parse("2200-01") is None
