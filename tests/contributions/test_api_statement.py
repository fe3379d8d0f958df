"""GET /api/v1/contributions/statement: CSV and PDF a citizen can download."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from contributions.models import RecordStatus, Scheme
from tests.accounts.factories import InsureeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/contributions/statement"


@pytest.fixture
def history(citizen, employer, other_employer, make_months):
    insuree = citizen.insuree
    insuree.full_name = "Nguyễn Thị Lan Hương"
    insuree.save()
    make_months(insuree, date(2022, 11, 1), 4, employer=employer)  # 2022-11 .. 2023-02
    make_months(insuree, date(2023, 3, 1), 2, employer=other_employer, status=RecordStatus.OWED)
    make_months(insuree, date(2024, 5, 1), 1, scheme=Scheme.VOLUNTARY_SI, employer=None,
                salary_base=1_500_000, employee_amount=231_000, employer_amount=0,
                state_subsidy=99_000)  # fmt: skip
    return insuree


def test_csv_opens_in_a_spreadsheet_with_vietnamese_names(citizen_client, history):
    r = citizen_client.get(URL, {"format": "csv"})

    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for UTF-8
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert lines[0] == ["Họ và tên", "Nguyễn Thị Lan Hương"]
    assert lines[1] == ["Mã số BHXH", history.social_insurance_number]
    table = lines[lines.index(["month", *lines[5][1:]]) :]
    header, rows, total = table[0], table[1:-1], table[-1]
    assert header[:4] == ["month", "scheme", "employer_code", "employer_name"]
    assert [row[0] for row in rows] == [
        "2022-11", "2022-12", "2023-01", "2023-02", "2023-03", "2023-04", "2024-05",
    ]  # fmt: skip
    assert rows[0][3] == "Công ty TNHH Phần mềm Sông Hồng"
    assert rows[-1][2:4] == ["", ""]
    paid = [row for row in rows if row[8] == "paid"]
    assert total[0] == "total_paid"
    assert int(total[5]) == sum(int(row[5]) for row in paid) == 4 * 800_000 + 231_000
    assert int(total[7]) == 99_000


def test_csv_period_filter(citizen_client, history):
    r = citizen_client.get(URL, {"format": "csv", "from": "2023-01", "to": "2023-03"})

    body = r.content.decode("utf-8-sig")
    months = [line.split(",")[0] for line in body.splitlines() if line[:4].isdigit()]
    assert months == ["2023-01", "2023-02", "2023-03"]
    assert 'filename="statement-' in r["Content-Disposition"]
    assert "2023-01-2023-03.csv" in r["Content-Disposition"]


def test_pdf_has_a_page_per_year_with_the_name_and_totals(citizen_client, history):
    r = citizen_client.get(URL, {"format": "pdf"})

    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 3  # 2022, 2023, 2024
    for year, text in zip((2022, 2023, 2024), pages, strict=True):
        assert "Nguyễn Thị Lan Hương" in text
        assert f"NĂM {year}" in text
        assert "Tổng đã đóng" in text
    assert "Công ty Cổ phần Dệt may Hà Đông" in pages[1]
    assert "1.600.000" in pages[0]  # 2 paid months of 800,000 in 2022
    assert "BHXH tự nguyện" in pages[2]


def test_an_empty_period_still_gives_a_page(citizen_client, citizen):
    r = citizen_client.get(URL, {"format": "pdf", "from": "2001-01", "to": "2001-12"})

    assert r.status_code == 200
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 1


def test_statement_of_someone_else_is_404_and_bad_params_400(citizen_client):
    stranger = InsureeFactory()

    r = citizen_client.get(URL, {"format": "csv", "insuree": str(stranger.public_id)})
    assert r.status_code == 404, r.json()
    assert r["Content-Type"] == "application/problem+json"
    r = citizen_client.get(URL, {"format": "csv", "from": "2024-1"})
    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "from"


def test_statement_query_count(citizen_client, history, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert citizen_client.get(URL, {"format": "csv"}).status_code == 200


def test_an_unknown_format_is_400(citizen_client):
    r = citizen_client.get(URL, {"format": "xlsx"})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "format"
