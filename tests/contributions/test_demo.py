"""seed_demo gives the demo household a history that the import checks would accept."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Insuree, User
from contributions.declarations import RowChecker
from contributions.models import BenefitPayment, ContributionRecord, Employer
from contributions.months import month_format
from contributions.rates import RateBook

pytestmark = pytest.mark.django_db


def seed(*args):
    call_command("seed_demo", *args, stdout=StringIO())


def client_for(sin: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=sin))
    return client


def test_the_demo_citizen_has_ten_years_two_employers_a_gap_and_a_maternity_benefit():
    seed()
    client = client_for("0123456789")

    summary = client.get("/api/v1/contributions/summary").json()

    schemes = {s["scheme"]: s for s in summary["schemes"]}
    assert summary["social_insurance_time"]["years"] >= 10
    assert schemes["compulsory_si"]["gaps"][0] == {"from": "2019-01", "to": "2019-12", "months": 12}
    assert schemes["voluntary_si"]["months_contributed"] == 6
    assert schemes["compulsory_si"]["months_owed"] == 1
    employers = {
        row["employer"]["code"]
        for row in client.get("/api/v1/contributions/", {"page_size": 200}).json()["results"]
        + client.get("/api/v1/contributions/", {"to": "2019-01", "page_size": 200}).json()[
            "results"
        ]
        if row["employer"]
    }
    assert employers == {"TA0101A", "TA0102B"}
    kinds = [b["kind"] for b in client.get("/api/v1/benefits/").json()["results"]]
    assert "maternity" in kinds
    child = Insuree.objects.get(social_insurance_number="0123456791")
    r = client.get("/api/v1/contributions/", {"insuree": str(child.public_id)})
    assert r.status_code == 200, r.json()
    assert r.json()["results"][0]["scheme"] == "health"


def test_the_husband_has_history_too():
    seed()

    r = client_for("0123456790").get("/api/v1/contributions/summary")

    assert r.json()["social_insurance_time"]["years"] >= 10


def test_every_demo_record_passes_the_import_checks():
    seed()
    sins = dict(Insuree.objects.values_list("social_insurance_number", "id"))
    checker = RowChecker(
        insurees=sins,
        employers=dict(Employer.objects.values_list("code", "id")),
        book=RateBook.load(),
        latest_month=date(2100, 1, 1),
    )
    by_id = {v: k for k, v in sins.items()}

    records = ContributionRecord.objects.select_related("employer").order_by("id")
    for number, record in enumerate(records, start=2):
        _, errors = checker.check(
            number,
            {
                "social_insurance_number": by_id[record.insuree_id],
                "month": month_format(record.month),
                "scheme": record.scheme,
                "employer_code": record.employer.code if record.employer else "",
                "salary_base": str(record.salary_base),
                "employee_amount": str(record.employee_amount),
                "employer_amount": str(record.employer_amount),
                "state_subsidy": str(record.state_subsidy),
                "status": record.status,
            },
        )
        assert errors == [], (record, errors)


def test_seeding_twice_adds_nothing_and_synthetic_citizens_get_a_year():
    seed()
    counts = (ContributionRecord.objects.count(), BenefitPayment.objects.count())
    seed()
    assert (ContributionRecord.objects.count(), BenefitPayment.objects.count()) == counts

    seed("--citizens", "7")

    synthetic = ContributionRecord.objects.filter(insuree__social_insurance_number__startswith="9")
    assert synthetic.count() == 7 * 12


def test_the_documented_example_file_imports(agency_client):
    # given the demo people and the example in docs/contributions.md
    from pathlib import Path

    seed()
    doc = (Path(__file__).resolve().parents[2] / "docs" / "contributions.md").read_text()
    block = doc.split("```\nsocial_insurance_number,")[1].split("```")[0]
    content = ("social_insurance_number," + block).encode()

    r = agency_client.generic("POST", "/api/v1/agency/imports", content, content_type="text/csv")

    assert r.status_code == 201, r.json()
    assert r.json()["errors"] == []
    assert r.json()["rows_written"] == 5


def test_the_demo_statement_shows_every_year_and_the_2019_gap(signing_key):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    seed()
    client = client_for("0123456789")

    r = client.get("/api/v1/contributions/statement", {"format": "pdf", "lang": "vi"})

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages]
    text = " ".join(" ".join(pages).split())
    for year in range(2014, timezone.localdate().year + 1):
        assert f"Năm {year}" in text
    assert "Không tham gia từ 01/2019 đến 06/2019 (gián đoạn 6 tháng)" in text
    assert all("Nguyễn Thị Lan" in page for page in pages)
    assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]


def test_the_demo_citizens_pension_estimate_at_her_legal_age():
    # Nguyễn Thị Lan, born 1990-05-12, reaches 60 in 2050-05 (women's age from 2035)
    seed()

    r = client_for("0123456789").get("/api/v1/pension/estimate")

    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["retirement_date"] == "2050-05-31"
    assert body["first_pension_month"] == "2050-06-01"
    assert body["average_salary_method"] == "whole_period"  # private employers (art. 72(2))
    # 2014-01 .. 2050-05 without the six months of 2019-H1 and this year's owed month:
    # about 36 years, six above 30 -> 3 months of the average salary (art. 68), about 44M
    # (the average depends on the salary she has in the year of seeding)
    assert body["projected_years_for_rate"] == 36
    assert body["projected_rate_percent"] == 75
    assert body["one_time_allowance"] == body["average_salary"] * 12 // 4
    assert 40_000_000 < body["one_time_allowance"] < 50_000_000
    assert body["revaluation"] is None
