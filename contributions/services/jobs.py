"""Imports handed to a worker (``?async=true``): a job keeps the file until it has run.

Every job ends ``done`` or ``failed``, whatever happens to its worker:

- a business refusal (a row error, an unreadable file) fails it with that error;
- an unexpected error (the database went away) fails it with ``import_failed``: the import
  is one transaction, so nothing was written and the file can be posted again;
- a worker killed mid-import (out of memory, a deploy) leaves it ``running``: the periodic
  ``import_jobs_reap`` fails it with ``import_interrupted`` once it has run longer than
  CONTRIBUTIONS_IMPORT_JOB_TIMEOUT_SECONDS (nothing was written either);
- a job whose message never reached the broker stays ``queued``: ``import_jobs_reap`` hands
  it to a worker again after CONTRIBUTIONS_IMPORT_JOB_REQUEUE_SECONDS (a job runs once
  whatever the number of messages: the claim is a conditional update).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.exceptions import ApplicationError
from contributions.error_codes import ContributionErrorCode as Code
from contributions.models import ImportJob, ImportJobStatus
from contributions.services.imports import declaration_import

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("contributions")
REQUEUE_BATCH = 100


@transaction.atomic
def import_job_create(
    *,
    content: bytes,
    file_name: str = "",
    idempotency_key: str | None = None,
    partial: bool = False,
    acting_user: User | None = None,
) -> ImportJob:
    """Keep the file and hand the import to a worker once this transaction commits. If the
    broker cannot take the message, the job stays queued and is handed over again later."""
    job = ImportJob.objects.create(
        content=content,
        file_name=file_name[:255],
        idempotency_key=idempotency_key or "",
        partial=partial,
        requested_by=acting_user,
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: _enqueue(job_id), robust=True)
    return job


def _enqueue(job_id: str) -> None:
    from contributions.tasks import import_job_run_task  # tasks import this module

    import_job_run_task.delay(job_id)


def import_job_run(*, job_id: str) -> ImportJob | None:
    """Run a queued job once (a second delivery finds it no longer queued and does nothing);
    the file is dropped afterwards, the outcome kept."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now()
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
        _finish(
            job, error={"code": error.code, "detail": str(error.detail), "errors": error.errors}
        )
    except Exception as error:  # any failure ends the job: never left running
        # The type only: a database error's message can quote the rows it refused.
        logger.error("import job %s failed: %s", job.pk, type(error).__name__)
        _finish(job, error=_error(Code.IMPORT_FAILED))
    else:
        job.declaration, job.replayed = result.declaration, result.replayed
        _finish(job)
    return job


def _error(code: Code) -> dict[str, object]:
    details = {
        Code.IMPORT_FAILED: _(
            "The import stopped on an unexpected error; nothing was written. Post the file again."
        ),
        Code.IMPORT_INTERRUPTED: _(
            "The worker running the import stopped; nothing was written. Post the file again."
        ),
    }
    return {"code": code, "detail": str(details[code]), "errors": []}


def _finish(job: ImportJob, *, error: dict[str, object] | None = None) -> None:
    job.status = ImportJobStatus.FAILED if error else ImportJobStatus.DONE
    job.error = error or {}
    job.content = b""
    job.finished_at = timezone.now()
    job.save()


def import_jobs_reap() -> dict[str, int]:
    """The periodic task: fail jobs whose worker died, hand lost messages over again."""
    now = timezone.now()
    timeout = timedelta(seconds=settings.CONTRIBUTIONS_IMPORT_JOB_TIMEOUT_SECONDS)
    interrupted = 0
    # A job claimed before ``started_at`` existed has none: its creation time stands in.
    stale = ImportJob.objects.filter(status=ImportJobStatus.RUNNING).filter(
        Q(started_at__lt=now - timeout) | Q(started_at__isnull=True, created_at__lt=now - timeout)
    )
    for stale_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .filter(pk=stale_id, status=ImportJobStatus.RUNNING)
                .first()
            )
            if job is not None:
                _finish(job, error=_error(Code.IMPORT_INTERRUPTED))
                interrupted += 1
    wait = timedelta(seconds=settings.CONTRIBUTIONS_IMPORT_JOB_REQUEUE_SECONDS)
    lost = ImportJob.objects.filter(status=ImportJobStatus.QUEUED, created_at__lt=now - wait)
    requeued = [str(pk) for pk in lost.order_by("created_at").values_list("pk", flat=True)]
    for job_id in requeued[:REQUEUE_BATCH]:
        _enqueue(job_id)
    return {"interrupted": interrupted, "requeued": min(len(requeued), REQUEUE_BATCH)}
