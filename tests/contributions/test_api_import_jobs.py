"""POST /api/v1/agency/imports?async=true hands the file to a worker; the job is polled at
GET /api/v1/agency/imports/jobs/{id}. Celery runs eagerly in tests (the real task code)."""

from __future__ import annotations

import uuid

import pytest

from contributions.models import ContributionRecord, ImportJob
from tests.contributions.test_api_imports import csv_of, good_rows, upload

pytestmark = pytest.mark.django_db
JOBS = "/api/v1/agency/imports/jobs/"


def test_a_queued_import_runs_after_commit_and_reports_its_declaration(
    agency_client, citizen, employer, django_capture_on_commit_callbacks
):
    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))

    with django_capture_on_commit_callbacks(execute=True):
        r = upload(agency_client, content, params="?async=true")

    assert r.status_code == 202, r.json()
    assert r.json()["status"] == "queued"
    job = agency_client.get(JOBS + r.json()["id"])
    assert job.status_code == 200, job.json()
    body = job.json()
    assert body["status"] == "done"
    assert body["error"] is None
    assert body["declaration"]["rows_written"] == 5
    assert ContributionRecord.objects.count() == 5
    assert bytes(ImportJob.objects.get().content) == b""  # the file is not kept


def test_a_failed_job_keeps_the_row_errors(
    agency_client, employer, django_capture_on_commit_callbacks
):
    content = csv_of("9999999999,2024-01,compulsory_si,TA0101A,10000000,800000,1750000,0,paid")

    with django_capture_on_commit_callbacks(execute=True):
        r = upload(agency_client, content, params="?async=true")

    body = agency_client.get(JOBS + r.json()["id"]).json()
    assert body["status"] == "failed"
    assert body["declaration"] is None
    assert body["error"]["code"] == "import_invalid"
    assert body["error"]["errors"][0]["row"] == 2
    assert ContributionRecord.objects.count() == 0


def test_a_job_runs_once(agency_client, citizen, employer, django_capture_on_commit_callbacks):
    from contributions.services import import_job_run

    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(agency_client, content, params="?async=true")

    assert import_job_run(job_id=r.json()["id"]) is None  # a second delivery does nothing


def test_unknown_job_and_roles(agency_client, citizen_client):
    assert agency_client.get(JOBS + str(uuid.uuid4())).status_code == 404
    assert citizen_client.get(JOBS + str(uuid.uuid4())).status_code == 403
