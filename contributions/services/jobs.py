"""Imports handed to a worker (``?async=true``): a job keeps the file until it has run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from api.exceptions import ApplicationError
from contributions.models import (
    ImportJob,
    ImportJobStatus,
)

if TYPE_CHECKING:
    from accounts.models import User

from contributions.services.imports import declaration_import


@transaction.atomic
def import_job_create(
    *,
    content: bytes,
    file_name: str = "",
    idempotency_key: str | None = None,
    partial: bool = False,
    acting_user: User | None = None,
) -> ImportJob:
    """Keep the file and hand the import to a worker once this transaction commits."""
    from contributions.tasks import import_job_run_task  # tasks import this module

    job = ImportJob.objects.create(
        content=content,
        file_name=file_name[:255],
        idempotency_key=idempotency_key or "",
        partial=partial,
        requested_by=acting_user,
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: import_job_run_task.delay(job_id))
    return job


def import_job_run(*, job_id: str) -> ImportJob | None:
    """Run a queued job once (a second delivery finds it no longer queued and does nothing);
    the file is dropped afterwards, the outcome kept."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        result = declaration_import(
            content=bytes(job.content),
            file_name=job.file_name,
            idempotency_key=job.idempotency_key or None,
            partial=job.partial,
            acting_user=job.requested_by,
        )
    except ApplicationError as error:
        job.status = ImportJobStatus.FAILED
        job.error = {"code": error.code, "detail": str(error.detail), "errors": error.errors}
    else:
        job.status = ImportJobStatus.DONE
        job.declaration, job.replayed = result.declaration, result.replayed
    job.content = b""
    job.finished_at = timezone.now()
    job.save()
    return job
