"""GET /api/v1/contributions/statement: the statement as an official PDF and as CSV, in
Vietnamese and English."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from contributions.models import RecordStatus, Scheme, Statement
from contributions.statements.labels import DASH
from tests.accounts.factories import InsureeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key")]
URL = "/api/v1/contributions/statement"
SUMMARY_URL = "/api/v1/contributions/summary"


@pytest.fixture
def history(citizen, employer, other_employer, make_months):
    """2022-11..2023-02 paid (Sông Hồng), 2023-03..04 owed (Hà Đông), a gap 2023-05..2024-04
    across a year end, 2024-05 voluntary (self-paid, state support)."""
    insuree = citizen.insuree
    insuree.full_name = "Nguyễn Thị Lan Hương"
    insuree.national_id = "001190012345"
    insuree.date_of_birth = date(1990, 1, 15)
    insuree.save()
    make_months(insuree, date(2022, 11, 1), 4, employer=employer)
    make_months(insuree, date(2023, 3, 1), 2, employer=other_employer, status=RecordStatus.OWED)
    make_months(insuree, date(2024, 5, 1), 1, scheme=Scheme.VOLUNTARY_SI, employer=None,
                salary_base=1_500_000, employee_amount=231_000, employer_amount=0,
                state_subsidy=99_000)  # fmt: skip
    return insuree


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def csv_lines(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need for UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_in_vietnamese_reads_like_the_agencys_document(citizen_client, history):
    r = citizen_client.get(URL, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="vi")

    pages = pdf_pages(r)
    text = flat("\n".join(pages))
    assert r["Content-Language"] == "vi"
    # header: agency, title, holder with the national ID masked but for its last 4 digits
    assert "BẢO HIỂM XÃ HỘI VIỆT NAM" in text
    assert "7 Tràng Thi, Hoàn Kiếm, Hà Nội" in text
    assert "QUÁ TRÌNH THAM GIA BẢO HIỂM XÃ HỘI" in text
    assert "Nguyễn Thị Lan Hương" in text
    assert f"Mã số BHXH {history.social_insurance_number}" in text
    assert "••••••••2345" in text
    assert "001190012345" not in text
    assert "Ngày sinh 15/01/1990" in text
    assert f"Kỳ 11/2022 {DASH} 05/2024" in text
    # per year, the gap across the year end shown once, subtotals
    for year in (2022, 2023, 2024):
        assert f"Năm {year}" in text
    assert "Không tham gia từ 05/2023 đến 04/2024 (gián đoạn 12 tháng)" in text
    assert "Cộng năm 2022 (2 tháng đã đóng) 1.600.000 3.500.000 0" in text
    assert "Cộng năm 2023 (2 tháng đã đóng)" in text  # the owed months are not paid
    assert "Còn nợ" in text
    assert "Tự đóng" in text
    # totals per scheme with participation time, months owed, social insurance time
    assert "Tổng hợp theo loại bảo hiểm" in text
    assert "BHXH BB 4 0 năm 4 tháng 3.200.000 7.000.000 0 2 5.100.000" in text
    assert "BHXH TN 1 0 năm 1 tháng 231.000 0 99.000 0 0" in text
    assert "(BHXH BB và BHXH TN, mỗi tháng dương lịch tính một lần): 0 năm 5 tháng" in text
    # legend for every abbreviation used
    legend = text[text.index("Chú thích") :]
    for entry in (
        "BHXH BB bảo hiểm xã hội bắt buộc", "BHXH TN bảo hiểm xã hội tự nguyện",
        "BHTN bảo hiểm thất nghiệp", "BHYT bảo hiểm y tế", "Mã số BHXH mã số bảo hiểm xã hội",
        "Số CCCD số căn cước công dân", "NLĐ phần người lao động đóng",
        "ĐV phần đơn vị sử dụng lao động đóng", "NN hỗ trợ phần Nhà nước hỗ trợ",
        "TT trạng thái của tháng", "đ đồng Việt Nam",
    ):  # fmt: skip
        assert entry in legend, entry
    # one date format: no ISO months or dates anywhere in the document's own text
    without_urls = re.sub(r"https?://\S+", "", text)
    assert not re.search(r"\b\d{4}-\d{2}\b", without_urls)
    # page numbers and the verification block on every page
    code = Statement.objects.get().code
    printed = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    for number, page in enumerate(pages, start=1):
        page_text = flat(page)
        assert f"Trang {number}/{len(pages)}" in page_text
        assert f"Mã xác thực: {printed}" in page_text
        assert f"http://testserver/api/v1/statements/verify/{printed}" in page_text


def test_pdf_in_english_by_accept_language(citizen_client, history):
    r = citizen_client.get(URL, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    pages = pdf_pages(r)
    text = flat("\n".join(pages))
    assert "VIETNAM SOCIAL SECURITY" in text
    assert "STATEMENT OF SOCIAL, UNEMPLOYMENT AND HEALTH INSURANCE CONTRIBUTIONS" in text
    assert "Date of birth 15 Jan 1990" in text
    assert f"Period Nov 2022 {DASH} May 2024" in text
    assert "No contribution from May 2023 to Apr 2024 (12 months, a gap)" in text
    assert "Subtotal 2022 (2 months paid) 1,600,000 3,500,000 0" in text
    assert "CSI 4 0 years 4 months 3,200,000 7,000,000 0 2 5,100,000" in text
    assert "each calendar month counted once): 0 years 5 months" in text
    assert "CSI compulsory social insurance" in text
    assert "EE share paid by the employee" in text
    for number in range(1, len(pages) + 1):
        assert f"Page {number} of {len(pages)}" in flat(pages[number - 1])
    assert "Năm" not in text
    assert "Trang" not in text


def test_lang_parameter_wins_over_accept_language(citizen_client, history):
    r = citizen_client.get(URL, {"format": "pdf", "lang": "en"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert "Page 1 of" in pdf_pages(r)[0]
    assert Statement.objects.get().language == "en"


def test_a_long_history_flows_over_pages_numbered_n_of_m(citizen_client, history, make_months):
    make_months(history, date(2010, 1, 1), 120)  # ten more years, 2010..2019

    pages = pdf_pages(citizen_client.get(URL, {"format": "pdf", "lang": "en"}))

    assert len(pages) >= 3
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    # later pages carry a running head naming the holder
    assert "Nguyễn Thị Lan Hương" in pages[1]


def test_participation_time_is_the_summary_endpoints(citizen_client, history, make_months):
    make_months(history, date(2010, 1, 1), 30)  # 2 years 6 months more

    summary = citizen_client.get(SUMMARY_URL).json()
    citizen_client.get(URL, {"format": "csv"})

    totals = Statement.objects.get().totals
    by_scheme = {item["scheme"]: item for item in summary["schemes"]}
    for item in totals["schemes"]:
        assert item["months_contributed"] == by_scheme[item["scheme"]]["months_contributed"]
        assert item["months_owed"] == by_scheme[item["scheme"]]["months_owed"]
    assert totals["social_insurance_time"] == summary["social_insurance_time"]
    assert totals["schemes"][0]["participation_time"] == {
        "total_months": 34, "years": 2, "months": 10,
    }  # fmt: skip


def test_csv_in_vietnamese(citizen_client, history):
    lines = csv_lines(citizen_client.get(URL, {"format": "csv", "lang": "vi"}))

    details = dict(line for line in lines[:11] if len(line) == 2)
    assert details["Họ và tên"] == "Nguyễn Thị Lan Hương"
    assert details["Mã số BHXH"] == history.social_insurance_number
    assert details["Số CCCD"] == "••••••••2345"
    assert details["Ngày sinh"] == "15/01/1990"
    assert details["Kỳ"] == f"11/2022 {DASH} 05/2024"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", details["Thời điểm lập"])
    code = Statement.objects.get().code
    assert details["Mã xác thực"].replace("-", "") == code
    table = lines[lines.index(["month", *lines[12][1:]]) :]
    header, rows = table[0], table[1:8]
    assert header[:4] == ["month", "scheme", "employer_code", "employer_name"]
    assert [row[0] for row in rows] == [
        "11/2022", "12/2022", "01/2023", "02/2023", "03/2023", "04/2023", "05/2024",
    ]  # fmt: skip
    assert rows[0][3] == "Công ty TNHH Phần mềm Sông Hồng"
    assert table[8][0] == "total_paid"
    assert int(table[8][5]) == 4 * 800_000 + 231_000
    assert int(table[8][7]) == 99_000
    scheme_totals = {line[0]: line for line in table[10:] if line}
    assert scheme_totals["compulsory_si"][1:4] == ["4", "0", "4"]
    assert scheme_totals["compulsory_si"][7:] == ["2", "5100000"]
    assert scheme_totals["social_insurance_time"] == ["social_insurance_time", "5", "0", "5"]


def test_csv_in_english_uses_the_english_date_format(citizen_client, history):
    lines = csv_lines(citizen_client.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))

    details = dict(line for line in lines[:11] if len(line) == 2)
    assert details["Date of birth"] == "15 Jan 1990"
    assert details["Period"] == f"Nov 2022 {DASH} May 2024"
    months = [line[0] for line in lines if line and re.fullmatch(r"[A-Z][a-z]{2} \d{4}", line[0])]
    assert months[:2] == ["Nov 2022", "Dec 2022"]


def test_csv_neutralises_cells_a_spreadsheet_would_run(citizen_client, citizen, make_months):
    from tests.contributions.factories import EmployerFactory

    insuree = citizen.insuree
    insuree.full_name = '=HYPERLINK("http://evil","x")'
    insuree.save()
    for index, name in enumerate(("+SUM(A1)", "-2+3", "@cmd", "\tTAB")):
        employer = EmployerFactory(code=f"EV{index}", name=name)
        make_months(insuree, date(2024, 1 + index, 1), 1, employer=employer)

    body = citizen_client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")

    cells = [cell for line in csv.reader(io.StringIO(body)) for cell in line]
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert {"'+SUM(A1)", "'-2+3", "'@cmd", "'\tTAB"} <= set(cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t")]


def test_csv_period_filter(citizen_client, history):
    r = citizen_client.get(URL, {"format": "csv", "from": "2023-01", "to": "2023-03", "lang": "en"})

    lines = csv_lines(r)
    months = [line[0] for line in lines if line and re.fullmatch(r"[A-Z][a-z]{2} \d{4}", line[0])]
    assert months == ["Jan 2023", "Feb 2023", "Mar 2023"]
    statement = Statement.objects.get()
    assert (statement.month_from, statement.month_to) == (date(2023, 1, 1), date(2023, 3, 1))
    assert 'filename="statement-' in r["Content-Disposition"]
    assert "-2023-01-2023-03-" in r["Content-Disposition"]


def test_a_period_before_the_first_record_shows_the_leading_gap(citizen_client, history):
    pages = pdf_pages(citizen_client.get(URL, {"format": "pdf", "lang": "en", "from": "2020-01"}))

    text = flat("\n".join(pages))
    assert "No contribution from Jan 2020 to Oct 2022 (34 months, a gap)" in text
    assert f"Period Jan 2020 {DASH} May 2024" in text


def test_an_empty_period_still_gives_a_document(citizen_client, citizen):
    r = citizen_client.get(URL, {"format": "pdf", "from": "2001-01", "to": "2001-12"})

    pages = pdf_pages(r)
    assert len(pages) == 1
    assert "No contribution from Jan 2001 to Dec 2001 (12 months, a gap)" in flat(pages[0])


def test_statement_of_someone_else_is_404_and_bad_params_400(citizen_client):
    stranger = InsureeFactory()

    r = citizen_client.get(URL, {"format": "csv", "insuree": str(stranger.public_id)})
    assert r.status_code == 404, r.json()
    assert r["Content-Type"] == "application/problem+json"
    r = citizen_client.get(URL, {"format": "csv", "from": "2024-1"})
    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "from"
    r = citizen_client.get(URL, {"format": "csv", "lang": "fr"})
    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "lang"
    assert not Statement.objects.exists()


def test_statement_query_count(citizen_client, history, django_assert_max_num_queries):
    citizen_client.get(URL, {"format": "csv"})  # registers the signing key once

    # the rows, the insert in its savepoint (3), the signing key's row; in a test the service's
    # own transaction is a savepoint too (2)
    with django_assert_max_num_queries(7):
        assert citizen_client.get(URL, {"format": "csv"}).status_code == 200


def test_an_unknown_format_is_400(citizen_client):
    r = citizen_client.get(URL, {"format": "xlsx"})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "format"


def test_without_a_signing_key_no_statement_is_issued(citizen_client, history, settings, tmp_path):
    from healthcards.keyring import keyring_invalidate

    settings.HEALTHCARD_SIGNING_KEY_FILE = tmp_path / "missing.pem"
    settings.HEALTHCARD_SIGNING_KEY_AUTOCREATE = False
    keyring_invalidate()

    r = citizen_client.get(URL, {"format": "pdf"})

    assert r.status_code == 503, r.json()
    assert r["Content-Type"] == "application/problem+json"
    assert not Statement.objects.exists()  # the record rolled back with the failed signature


def test_a_code_already_taken_draws_another(citizen_client, history, monkeypatch):
    from contributions.services import statements as services

    first = citizen_client.get(URL, {"format": "csv"})
    taken = first["X-Statement-Code"].replace("-", "")
    draws = iter([taken, "7K3MQ9TDX2HF"])
    monkeypatch.setattr(services, "code_generate", lambda: next(draws))

    r = citizen_client.get(URL, {"format": "csv"})

    assert r.status_code == 200, r.content[:300]
    assert r["X-Statement-Code"] == "7K3M-Q9TD-X2HF"
    assert Statement.objects.count() == 2


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [("text/csv", "text/csv"), ("application/pdf", "application/pdf"), ("*/*", "application/pdf")],
)
def test_without_format_the_accept_header_chooses(citizen_client, history, accept, media_type):
    r = citizen_client.get("/api/v1/contributions/statement", HTTP_ACCEPT=accept)

    assert r.status_code == 200
    assert r["Content-Type"].startswith(media_type)


def test_format_wins_over_accept_and_an_unservable_accept_is_406(citizen_client, history):
    csv_answer = citizen_client.get(
        "/api/v1/contributions/statement?format=csv", HTTP_ACCEPT="application/pdf, text/csv"
    )
    refused = citizen_client.get("/api/v1/contributions/statement", HTTP_ACCEPT="image/png")

    assert csv_answer["Content-Type"].startswith("text/csv")
    assert refused.status_code == 406, refused.content
