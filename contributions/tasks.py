"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from contributions.notices import employer_arrears_notify
from contributions.services import import_job_run, import_jobs_reap


@shared_task(name="contributions.import_job_run")
def import_job_run_task(job_id: str) -> str | None:
    job = import_job_run(job_id=job_id)
    return None if job is None else job.status


@shared_task(name="contributions.employer_arrears_notify")
def employer_arrears_notify_task() -> int:
    """Beat job (the 10th of each month): employer arrears of 30 days or more."""
    return employer_arrears_notify()


@shared_task(name="contributions.import_jobs_reap")
def import_jobs_reap_task() -> dict[str, int]:
    """Beat (every 5 minutes): jobs whose worker died, jobs whose message was lost."""
    return import_jobs_reap()
