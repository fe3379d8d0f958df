"""POST /api/v1/agency/imports: employer declarations, checked row by row against the rates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from contributions.models import ContributionRecord, Declaration
from notifications.models import Notification
from tests.accounts.factories import InsureeFactory
from tests.contributions.factories import ContributionRecordFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/agency/imports"
HEADER = (
    "social_insurance_number,month,scheme,employer_code,salary_base,"
    "employee_amount,employer_amount,state_subsidy,status"
)


def csv_of(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def upload(client, content: bytes, name="declarations.csv", **extra):
    params = extra.pop("params", "")
    return client.post(
        URL + params,
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
        **extra,
    )


@pytest.fixture
def worker(citizen):
    """A citizen with an account (so they get notified)."""
    return citizen.insuree


def good_rows(sin: str) -> list[str]:
    return [
        f"{sin},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",
        f"{sin},2024-01,unemployment,TA0101A,10000000,100000,100000,,",
        f"{sin},2024-01,health,TA0101A,10000000,150000,300000,0,paid",
        f"{sin},2024-02,voluntary_si,,1500000,231000,0,99000,paid",
        f"{sin},2024-03,health,,1800000,81000,0,0,owed",
    ]


def test_a_valid_file_is_written_and_the_citizen_notified(
    agency_client, worker, employer, django_capture_on_commit_callbacks
):
    # given a file of five valid rows for a citizen with an account
    content = csv_of(*good_rows(worker.social_insurance_number))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(agency_client, content)

    # then
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["rows_total"] == 5
    assert body["rows_written"] == 5
    assert body["errors"] == []
    assert body["status"] == "posted"
    assert body["replayed"] is False
    records = ContributionRecord.objects.filter(insuree=worker)
    assert records.count() == 5
    assert {r.declaration_id for r in records} == {body["id"]}
    [message] = Notification.objects.filter(user__insuree=worker)
    assert message.kind == "contributions_posted"


def test_a_text_csv_body_is_accepted(agency_client, worker, employer):
    content = csv_of(*good_rows(worker.social_insurance_number)[:1])

    r = agency_client.generic("POST", URL, content, content_type="text/csv")

    assert r.status_code == 201, r.json()
    assert r.json()["rows_written"] == 1


def test_a_bad_file_writes_nothing_and_reports_every_error_by_row(agency_client, worker, employer):
    # given a file with one good row and one error of each kind
    sin = worker.social_insurance_number
    content = csv_of(
        f"{sin},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",  # row 2 ok
        "9999999999,2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",  # unknown
        f"{sin},2024-13,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",  # month
        f"{sin},2024-02,compulsory_si,TA0101A,10000000,790000,1750000,0,paid",  # rate
        f"{sin},2024-02,compulsory_si,NOPE,10000000,800000,1750000,0,paid",  # employer
        f"{sin},2024-02,unemployment,,10000000,100000,100000,0,paid",  # employer missing
        f"{sin},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",  # duplicate
        f"{sin},2099-01,health,TA0101A,10000000,150000,300000,0,paid",  # future
        f"{sin},2024-02,lottery,TA0101A,-5,abc,1750000,0,maybe",  # four fields
    )

    # when
    r = upload(agency_client, content)

    # then nothing is written and each error names its row and field
    assert r.status_code == 422, r.json()
    body = r.json()
    assert body["code"] == "import_invalid"
    found = {(e["row"], e["field"], e["code"]) for e in body["errors"]}
    assert found == {
        (3, "social_insurance_number", "unknown_insuree"),
        (4, "month", "invalid"),
        (5, "employee_amount", "amount_mismatch"),
        (6, "employer_code", "unknown_employer"),
        (7, "employer_code", "employer_required"),
        (8, "month", "duplicate_in_file"),
        (9, "month", "future_month"),
        (10, "scheme", "invalid"),
        (10, "salary_base", "invalid"),
        (10, "employee_amount", "invalid"),
        (10, "status", "invalid"),
    }
    assert body["rows_total"] == 9
    assert body["rows_valid"] == 1
    assert "800000" in next(e["detail"] for e in body["errors"] if e["row"] == 5)
    assert ContributionRecord.objects.count() == 0
    assert Declaration.objects.count() == 0


def test_partial_writes_the_valid_rows_and_reports_the_rest(agency_client, worker, employer):
    sin = worker.social_insurance_number
    content = csv_of(
        f"{sin},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",
        f"{sin},2024-02,compulsory_si,TA0101A,10000000,1,1750000,0,paid",
    )

    r = upload(agency_client, content, params="?partial=true")

    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "partial"
    assert r.json()["rows_written"] == 1
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(3, "employee_amount")]
    assert ContributionRecord.objects.filter(insuree=worker).count() == 1
    detail = agency_client.get(f"{URL}/{r.json()['id']}")
    assert detail.status_code == 200, detail.json()
    assert detail.json()["errors"] == r.json()["errors"]


def test_the_rate_is_the_one_in_force_that_month(agency_client, worker, employer):
    # given 40,000,000 VND with 8% of the whole salary, in June and in July 2024
    sin = worker.social_insurance_number
    content = csv_of(
        f"{sin},2024-06,compulsory_si,TA0101A,40000000,3200000,7000000,0,paid",
        f"{sin},2024-07,compulsory_si,TA0101A,40000000,3200000,7000000,0,paid",
    )

    r = upload(agency_client, content)

    # then June is refused: the cap was 20 x 1,800,000 = 36,000,000 until 2024-06-30
    assert r.status_code == 422, r.json()
    errors = {(e["row"], e["field"]): e["detail"] for e in r.json()["errors"]}
    assert set(errors) == {(2, "employee_amount"), (2, "employer_amount")}
    assert "2880000" in errors[(2, "employee_amount")]
    assert "6300000" in errors[(2, "employer_amount")]


def test_reimporting_the_same_file_or_key_creates_nothing(agency_client, worker, employer):
    content = csv_of(*good_rows(worker.social_insurance_number))
    first = upload(agency_client, content, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()

    again = upload(agency_client, content, name="renamed.csv")
    same_key = upload(agency_client, content, HTTP_IDEMPOTENCY_KEY="k-1")

    assert again.status_code == 200, again.json()
    assert again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"] == same_key.json()["id"]
    assert ContributionRecord.objects.count() == 5
    assert Declaration.objects.count() == 1


def test_a_key_reused_for_another_file_is_a_conflict(agency_client, worker, employer):
    rows = good_rows(worker.social_insurance_number)
    assert upload(agency_client, csv_of(rows[0]), HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201

    r = upload(agency_client, csv_of(rows[1]), HTTP_IDEMPOTENCY_KEY="k-2")

    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "idempotency_key_reused"
    assert ContributionRecord.objects.count() == 1


def test_months_already_on_record_are_kept_and_counted(agency_client, worker, employer):
    ContributionRecordFactory(insuree=worker, employer=employer)  # 2024-01 compulsory
    content = csv_of(*good_rows(worker.social_insurance_number))

    r = upload(agency_client, content)

    assert r.status_code == 201, r.json()
    assert (r.json()["rows_written"], r.json()["rows_existing"]) == (4, 1)
    assert ContributionRecord.objects.filter(insuree=worker).count() == 5


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfe\x00garbage", "import_file_unreadable"),
        (b"a,b,c\n1,2,3\n", "import_file_unreadable"),
        (b"", "import_file_unreadable"),
        (HEADER.encode() + b"\n", "import_empty"),
    ],
)
def test_unreadable_files_are_400(agency_client, content, code):
    r = upload(agency_client, content)

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == code


def test_missing_file_and_other_roles(agency_client, citizen_client, support_client):
    r = agency_client.post(URL, {}, format="multipart")
    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "file"
    assert upload(citizen_client, csv_of()).status_code == 403
    assert upload(support_client, csv_of()).status_code == 403
    assert agency_client.get(f"{URL}/999999").status_code == 404


def test_a_file_over_the_limit_is_413(agency_client, settings):
    settings.CONTRIBUTIONS_IMPORT_MAX_BYTES = 100

    r = upload(agency_client, csv_of("x" * 200))

    assert r.status_code == 413, r.json()
    assert r.json()["code"] == "import_file_too_large"


def test_the_management_command_imports_the_same_way(tmp_path, employer):
    insuree = InsureeFactory()
    path = tmp_path / "declarations.csv"
    path.write_bytes(csv_of(*good_rows(insuree.social_insurance_number)))
    out, err = StringIO(), StringIO()

    call_command("import_contributions", str(path), stdout=out, stderr=err)
    call_command("import_contributions", str(path), stdout=out, stderr=err)

    assert "5 rows written" in out.getvalue()
    assert "Already imported" in out.getvalue()
    assert ContributionRecord.objects.filter(insuree=insuree).count() == 5


def test_the_management_command_reports_errors(tmp_path, employer):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_of("9999999999,2024-01,compulsory_si,TA0101A,1,1,1,0,paid"))
    err = StringIO()

    with pytest.raises(CommandError, match="import_invalid"):
        call_command("import_contributions", str(path), stderr=err)

    assert "row 2: social_insurance_number: unknown_insuree" in err.getvalue()


def test_a_spreadsheet_export_with_bom_crlf_and_blank_lines(agency_client, worker, employer):
    # given a file as a spreadsheet saves it: BOM, CRLF, a blank line, columns reordered
    sin = worker.social_insurance_number
    lines = [
        "month,social_insurance_number,scheme,employer_code,salary_base,employee_amount,"
        "employer_amount",
        f"2024-01,{sin},compulsory_si,TA0101A,10000000,800000,1750000",
        "",
        f"2024-02,{sin},compulsory_si,TA0101A,10000000,1,1750000",
    ]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()

    r = upload(agency_client, content)

    # then the bad row keeps its line number and the blank one is ignored
    assert r.status_code == 422, r.json()
    assert [(e["row"], e["field"]) for e in r.json()["errors"]] == [(4, "employee_amount")]
    assert r.json()["rows_total"] == 2


def test_an_overlong_idempotency_key_is_400(agency_client, worker, employer):
    content = csv_of(*good_rows(worker.social_insurance_number))

    r = upload(agency_client, content, HTTP_IDEMPOTENCY_KEY="k" * 201)

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"
    assert ContributionRecord.objects.count() == 0


def test_a_body_over_django_memory_limit_is_read_and_errors_are_capped(agency_client, settings):
    # given a 3 MB text/csv body (Django's in-memory body limit is 2.5 MB) of unknown people
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    row = "9{:09d},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid"
    content = csv_of(*(row.format(n) for n in range(40_000)))
    assert len(content) > 2_621_440

    r = agency_client.generic("POST", URL, content, content_type="text/csv")

    assert r.status_code == 422, r.json()
    assert len(r.json()["errors"]) == 1000
    assert r.json()["errors_total"] == 80_000  # unknown insuree and unknown employer per row
    assert r.json()["rows_total"] == 40_000


def test_a_row_may_name_the_person_by_national_id(agency_client, worker, employer):
    content = csv_of(
        f"{worker.national_id},2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",
        "001199999999,2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",
        "12345,2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid",
    )

    r = upload(agency_client, content, params="?partial=true")

    assert r.status_code == 201, r.json()
    assert ContributionRecord.objects.filter(insuree=worker).count() == 1
    assert [(e["row"], e["code"]) for e in r.json()["errors"]] == [
        (3, "unknown_insuree"),
        (4, "invalid"),
    ]
