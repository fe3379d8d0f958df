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


def test_an_unexpected_error_ends_the_job_failed_and_writes_nothing(
    agency_client, citizen, employer, django_capture_on_commit_callbacks, caplog
):
    from django.db import OperationalError, connection

    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))

    def database_gone(execute, sql, params, many, context):
        if sql.startswith("INSERT") and '"contributions_contributionrecord"' in sql:
            raise OperationalError(f"server closed the connection; row {params}")
        return execute(sql, params, many, context)

    with (
        connection.execute_wrapper(database_gone),
        django_capture_on_commit_callbacks(execute=True),
    ):
        r = upload(agency_client, content, params="?async=true")

    body = agency_client.get(JOBS + r.json()["id"]).json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "import_failed"
    assert "nothing was written" in body["error"]["detail"]
    assert body["finished_at"] is not None
    assert ContributionRecord.objects.count() == 0
    assert bytes(ImportJob.objects.get().content) == b""
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "OperationalError" in logged
    assert citizen.insuree.social_insurance_number not in logged  # no row in the log


def test_the_reaper_fails_a_job_whose_worker_died_and_requeues_a_lost_one(
    agency_client, citizen, employer, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from contributions.tasks import import_jobs_reap_task

    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))
    # a job a killed worker left running two hours ago, one running for a minute,
    # and one whose message never reached the broker (queued ten minutes ago)
    dead, busy, lost, older = (
        ImportJob.objects.create(content=content, status=status)
        for status in ("running", "running", "queued", "running")
    )
    now = timezone.now()
    ImportJob.objects.filter(pk=dead.pk).update(started_at=now - timedelta(hours=2))
    # and one claimed before started_at was recorded, created two hours ago
    ImportJob.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
    ImportJob.objects.filter(pk=busy.pk).update(started_at=now - timedelta(minutes=1))
    ImportJob.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=10))

    counts = import_jobs_reap_task.delay().get()

    assert counts == {"interrupted": 2, "requeued": 1}
    assert agency_client.get(JOBS + str(older.pk)).json()["error"]["code"] == "import_interrupted"
    dead_body = agency_client.get(JOBS + str(dead.pk)).json()
    assert dead_body["status"] == "failed"
    assert dead_body["error"]["code"] == "import_interrupted"
    assert bytes(ImportJob.objects.get(pk=dead.pk).content) == b""
    assert agency_client.get(JOBS + str(busy.pk)).json()["status"] == "running"
    assert agency_client.get(JOBS + str(lost.pk)).json()["status"] == "done"  # ran (eagerly)
    assert ContributionRecord.objects.count() == 5
    assert import_jobs_reap_task.delay().get() == {"interrupted": 0, "requeued": 0}
    entry = settings.CELERY_BEAT_SCHEDULE["contributions-import-jobs-reap"]
    assert entry["task"] == "contributions.import_jobs_reap"


def test_a_broker_that_refuses_the_message_leaves_the_job_queued_for_the_reaper(
    agency_client, citizen, employer, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerDown

    from contributions.tasks import import_job_run_task

    def refuse(*args, **kwargs):
        raise BrokerDown("connection refused")

    monkeypatch.setattr(import_job_run_task, "delay", refuse)  # the broker, at the edge
    content = csv_of(*good_rows(citizen.insuree.social_insurance_number))
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(agency_client, content, params="?async=true")

    assert r.status_code == 202, r.json()
    assert agency_client.get(JOBS + r.json()["id"]).json()["status"] == "queued"
