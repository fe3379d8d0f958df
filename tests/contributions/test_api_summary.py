"""GET /api/v1/contributions/summary: months, totals, arrears and gaps per scheme."""

from __future__ import annotations

from datetime import date

import pytest

from contributions.models import RecordStatus, Scheme
from tests.accounts.factories import InsureeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/contributions/summary"


def test_gaps_arrears_and_two_employers_in_one_month(
    citizen, citizen_client, employer, other_employer, make_months
):
    # given 2020-01..2020-06 paid with employer A, a gap 2020-07..2020-09,
    # 2020-10..2020-12 paid with employer B, 2020-12 also with A (two employers that month),
    # 2021-01..2021-02 owed to B, a reversed month that does not count
    insuree = citizen.insuree
    make_months(insuree, date(2020, 1, 1), 6, employer=employer)
    make_months(insuree, date(2020, 10, 1), 3, employer=other_employer)
    make_months(insuree, date(2020, 12, 1), 1, employer=employer)
    make_months(insuree, date(2021, 1, 1), 2, employer=other_employer, status=RecordStatus.OWED)
    make_months(insuree, date(2021, 6, 1), 1, employer=employer, status=RecordStatus.REVERSED)

    # when
    r = citizen_client.get(URL)

    # then
    assert r.status_code == 200, r.json()
    [si] = r.json()["schemes"]
    assert si["scheme"] == "compulsory_si"
    assert si["months_contributed"] == 9  # 2020-12 counted once
    assert si["first_month"] == "2020-01"
    assert si["last_month"] == "2021-02"
    assert si["months_owed"] == 2
    assert si["owed_total"] == 2 * (800_000 + 1_750_000)
    assert si["gaps"] == [{"from": "2020-07", "to": "2020-09", "months": 3}]
    assert r.json()["social_insurance_time"] == {"total_months": 9, "years": 0, "months": 9}


def test_summary_totals_equal_the_sum_of_the_rows(citizen, citizen_client, employer, make_months):
    insuree = citizen.insuree
    make_months(insuree, date(2012, 1, 1), 30, employer=employer)
    make_months(insuree, date(2014, 7, 1), 2, scheme=Scheme.VOLUNTARY_SI, employer=None,
                salary_base=2_000_000, employee_amount=440_000, employer_amount=0)  # fmt: skip
    make_months(insuree, date(2014, 9, 1), 12, employer=employer, salary_base=12_345_678,
                employee_amount=987_654, employer_amount=2_160_494)  # fmt: skip

    summary = citizen_client.get(URL).json()
    rows = citizen_client.get("/api/v1/contributions/", {"page_size": 200}).json()["results"]

    for payer in ("employee", "employer"):
        assert summary[f"{payer}_total"] == sum(row[f"{payer}_amount"] for row in rows)
    assert summary["state_total"] == sum(row["state_subsidy"] for row in rows)
    by_scheme = {s["scheme"]: s for s in summary["schemes"]}
    assert by_scheme["compulsory_si"]["months_contributed"] == 42
    assert by_scheme["voluntary_si"]["months_contributed"] == 2
    # the two voluntary months fill the compulsory gap in the social insurance time
    assert by_scheme["compulsory_si"]["gaps"] == [{"from": "2014-07", "to": "2014-08", "months": 2}]
    assert summary["social_insurance_time"] == {"total_months": 44, "years": 3, "months": 8}


def test_summary_of_someone_else_is_404_and_empty_summary_is_empty(citizen_client, make_months):
    stranger = InsureeFactory()
    make_months(stranger, date(2024, 1, 1), 3)

    assert citizen_client.get(URL, {"insuree": str(stranger.public_id)}).status_code == 404
    r = citizen_client.get(URL)
    assert r.status_code == 200, r.json()
    assert r.json()["schemes"] == []
    assert r.json()["social_insurance_time"]["total_months"] == 0


def test_summary_query_count(citizen_client, citizen, make_months, django_assert_max_num_queries):
    make_months(citizen.insuree, date(2010, 1, 1), 120)

    with django_assert_max_num_queries(1):
        assert citizen_client.get(URL).status_code == 200
