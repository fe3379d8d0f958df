"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from contributions.services import import_job_run


@shared_task(name="contributions.import_job_run")
def import_job_run_task(job_id: str) -> str | None:
    job = import_job_run(job_id=job_id)
    return None if job is None else job.status
