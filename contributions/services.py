"""Writes: importing a file of employer declarations, now or through a worker."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.selectors import user_ids_by_insuree_ids
from accounts.services import audit_event_record
from api.exceptions import ApplicationError
from contributions import selectors
from contributions.declarations import CheckedFile, FileUnreadable, RowChecker, csv_rows
from contributions.error_codes import ContributionErrorCode as Code
from contributions.models import (
    BenefitPayment,
    BenefitStatus,
    ContributionRecord,
    Declaration,
    DeclarationStatus,
    ImportJob,
    ImportJobStatus,
)
from contributions.months import month_start
from contributions.rates import RateBook
from notifications.services import Kind, Notice, notification_send, notifications_send

BATCH_SIZE = 5000
MAX_REPORTED_ERRORS = 1000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportResult:
    declaration: Declaration
    replayed: bool


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def declaration_import(
    *,
    content: bytes,
    file_name: str = "",
    idempotency_key: str | None = None,
    partial: bool = False,
    acting_user: Any = None,
    today: date | None = None,
    progress: Progress = _no_progress,
) -> ImportResult:
    """Check every row; write all of them, or (``partial``) the valid ones, in one transaction.

    The same file, or the same ``idempotency_key``, imported again returns the first import
    (``replayed``) and writes nothing. A file with errors and ``partial`` off writes nothing
    and raises ``import_invalid`` with every error (up to 1000) by row and field.
    """
    digest = hashlib.sha256(content).hexdigest()
    previous = _previous_import(digest, idempotency_key)
    if previous is not None:
        return ImportResult(previous, replayed=True)
    checked = declaration_check(content=content, today=today, progress=progress)
    if checked.errors and not partial:
        raise _invalid(checked, "The file has errors; nothing was imported.")
    if not checked.valid:
        raise _invalid(checked, "No valid row to import.")
    try:
        declaration = _write(checked, digest, file_name, idempotency_key, acting_user, progress)
    except IntegrityError:
        # Another request imported the same file or key meanwhile: answer with that import.
        previous = _previous_import(digest, idempotency_key)
        if previous is None:
            raise
        return ImportResult(previous, replayed=True)
    return ImportResult(declaration, replayed=False)


def _previous_import(digest: str, idempotency_key: str | None) -> Declaration | None:
    previous = selectors.declaration_find(file_sha256=digest, idempotency_key=idempotency_key)
    if previous is not None and idempotency_key and previous.file_sha256 != digest:
        raise ApplicationError(
            code=Code.IDEMPOTENCY_KEY_REUSED,
            detail=_("This Idempotency-Key was used for a different file."),
            status_code=status.HTTP_409_CONFLICT,
            extra={"declaration_id": previous.pk},
        )
    return previous


def declaration_check(
    *, content: bytes, today: date | None = None, progress: Progress = _no_progress
) -> CheckedFile:
    """Read and check every row; a few queries in all: insurees, employers, rates."""
    numbered = _numbered_rows(content)
    if not numbered:
        raise ApplicationError(code=Code.IMPORT_EMPTY, detail=_("The file has no data row."))
    raw_rows = [raw for _, raw in numbered]
    sins = sorted({row.get("social_insurance_number", "").strip() for row in raw_rows})
    codes = {row.get("employer_code", "").strip() for row in raw_rows} - {""}
    checker = RowChecker(
        insurees=selectors.insuree_ids_by_identifier(identifiers=sins),
        employers=selectors.employers_by_code(codes=codes),
        book=RateBook.load(),
        latest_month=month_start(today or timezone.localdate()),
    )
    checked = CheckedFile(rows_total=len(raw_rows))
    for index, (number, raw) in enumerate(numbered):
        valid, errors = checker.check(number, raw)
        if valid is not None:
            checked.valid.append(valid)
        checked.errors.extend(errors)
        if index % BATCH_SIZE == 0:
            progress("check", index, len(raw_rows))
    progress("check", len(raw_rows), len(raw_rows))
    return checked


def _numbered_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """Data rows with their record number (the header is 1); blank lines are skipped."""
    try:
        header, reader = csv_rows(content)
        return [
            (number, dict(zip(header, values, strict=False)))
            for number, values in enumerate(reader, start=2)
            if any(value.strip() for value in values)
        ]
    except FileUnreadable as error:
        raise ApplicationError(code=Code.IMPORT_FILE_UNREADABLE, detail=str(error)) from error
    except csv.Error as error:
        raise ApplicationError(
            code=Code.IMPORT_FILE_UNREADABLE, detail=_("The file is not a readable CSV.")
        ) from error


def _invalid(checked: CheckedFile, detail: str) -> ApplicationError:
    return ApplicationError(
        code=Code.IMPORT_INVALID,
        detail=detail,
        status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        errors=cast(list[dict[str, str]], checked.errors[:MAX_REPORTED_ERRORS]),
        extra={
            "rows_total": checked.rows_total,
            "rows_valid": len(checked.valid),
            "errors_total": len(checked.errors),
        },
    )


@transaction.atomic
def _write(
    checked: CheckedFile,
    digest: str,
    file_name: str,
    idempotency_key: str | None,
    acting_user: Any,
    progress: Progress,
) -> Declaration:
    declaration = Declaration.objects.create(
        file_sha256=digest,
        idempotency_key=idempotency_key or None,
        file_name=file_name[:255],
        status=DeclarationStatus.PARTIAL if checked.errors else DeclarationStatus.POSTED,
        rows_total=checked.rows_total,
        rows_valid=len(checked.valid),
        errors=checked.errors[:MAX_REPORTED_ERRORS],
        imported_by=acting_user,
    )
    now = timezone.now()
    total = len(checked.valid)
    for start in range(0, total, BATCH_SIZE):
        ContributionRecord.objects.bulk_create(
            [
                ContributionRecord(
                    insuree_id=row.insuree_id,
                    month=row.month,
                    scheme=row.scheme,
                    employer_id=row.employer_id,
                    salary_base=row.salary_base,
                    employee_amount=row.employee_amount,
                    employer_amount=row.employer_amount,
                    state_subsidy=row.state_subsidy,
                    status=row.status,
                    declaration=declaration,
                    posted_at=now,
                )
                for row in checked.valid[start : start + BATCH_SIZE]
            ],
            ignore_conflicts=True,  # a month already on record stays as it is
        )
        progress("write", min(start + BATCH_SIZE, total), total)
    insuree_ids = selectors.declaration_insuree_ids(declaration_id=declaration.pk)
    declaration.rows_written = ContributionRecord.objects.filter(
        declaration_id=declaration.pk
    ).count()
    declaration.rows_existing = total - declaration.rows_written
    declaration.save(update_fields=["rows_written", "rows_existing"])
    audit_event_record(
        action="contributions.import",
        actor=acting_user,
        object_type="declaration",
        object_id=str(declaration.pk),
        data={"file_sha256": digest, "rows_written": declaration.rows_written},
    )
    contributions_posted_notify(insuree_ids=insuree_ids, declaration_id=declaration.pk)
    return declaration


def contributions_posted_notify(
    *, insuree_ids: list[int], declaration_id: Any, chunk: int = 10_000
) -> int:
    """One notice per affected citizen with an account per import (not per row), written in
    the import's transaction (the outbox sends the pushes after commit)."""
    sent = 0
    data = {"declaration_id": str(declaration_id), "path": "/contributions/"}
    for start in range(0, len(insuree_ids), chunk):
        users = user_ids_by_insuree_ids(insuree_ids=sorted(set(insuree_ids[start : start + chunk])))
        notices = [
            Notice(
                user_id=user_id,
                insuree_id=insuree_id,
                data=data,
                dedupe_key=f"contributions_posted:{declaration_id}",
            )
            for insuree_id, user_id in users.items()
        ]
        sent += len(notifications_send(kind=Kind.CONTRIBUTIONS_POSTED, notices=notices))
    return sent


@transaction.atomic
def import_job_create(
    *,
    content: bytes,
    file_name: str = "",
    idempotency_key: str | None = None,
    partial: bool = False,
    acting_user: Any = None,
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


@transaction.atomic
def benefit_payment_record(
    *,
    insuree_id: int,
    kind: str,
    period_from: date,
    period_to: date,
    amount: int,
    paid_on: date,
    method: str,
    decision_number: str,
    status: str = BenefitStatus.PAID,
) -> BenefitPayment:
    """Record a benefit payment; a paid one is announced to the citizen (kind
    ``benefit_paid``) in the same transaction."""
    payment = BenefitPayment(
        insuree_id=insuree_id,
        kind=kind,
        period_from=period_from,
        period_to=period_to,
        amount=amount,
        paid_on=paid_on,
        method=method,
        decision_number=decision_number,
        status=status,
    )
    payment.full_clean()
    payment.save()
    user_id = user_ids_by_insuree_ids(insuree_ids=[insuree_id]).get(insuree_id)
    if status == BenefitStatus.PAID and user_id is not None:
        notification_send(
            user_id=user_id,
            insuree_id=insuree_id,
            kind=Kind.BENEFIT_PAID,
            data={
                "benefit_id": payment.pk,
                "benefit_kind": kind,
                "amount": amount,
                "paid_on": paid_on.isoformat(),
            },
        )
    return payment
