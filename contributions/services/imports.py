"""Importing a file of employer declarations: checked whole, written in one transaction
(new months inserted, months declared again changing status), audited, and told to the
citizens it concerns."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.services import audit_event_record, audit_events_record_bulk
from api.exceptions import ApplicationError
from contributions import selectors
from contributions.declarations import (
    CheckedFile,
    FileUnreadable,
    RowChecker,
    ValidRow,
    csv_rows,
)
from contributions.error_codes import ContributionErrorCode as Code
from contributions.models import (
    ContributionRecord,
    Declaration,
    DeclarationStatus,
    RecordStatus,
)
from contributions.months import month_format, month_start
from contributions.rates import RateBook

if TYPE_CHECKING:
    from accounts.models import User

from contributions.services.posting import (
    contributions_posted_notify,
    five_year_dates_refresh_for_rows,
)

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
    acting_user: User | None = None,
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
    employers = selectors.employers_by_code(codes=codes)
    checker = RowChecker(
        insurees=selectors.insuree_ids_by_identifier(identifiers=sins),
        employers=employers,
        book=RateBook.load(),
        latest_month=month_start(today or timezone.localdate()),
        employer_terms=selectors.employer_terms_by_id(ids=set(employers.values())),
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
    acting_user: User | None,
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
    on_record = selectors.records_on_record_for_update(
        keys=[(row.insuree_id, row.month, row.scheme, row.employer_id) for row in checked.valid]
    )
    fresh = [row for row in checked.valid if _key(row) not in on_record]
    for start in range(0, len(fresh), BATCH_SIZE):
        ContributionRecord.objects.bulk_create(
            [_record(row, declaration, now) for row in fresh[start : start + BATCH_SIZE]],
            ignore_conflicts=True,  # written meanwhile by another import: kept as it is
        )
        progress("write", min(start + BATCH_SIZE, len(fresh)), total)
    changes = _status_changes(checked.valid, on_record)
    _apply_status_changes(changes, declaration, acting_user, now)
    insuree_ids = selectors.declaration_insuree_ids(declaration_id=declaration.pk)
    declaration.rows_updated = len(changes)
    declaration.rows_written = (
        ContributionRecord.objects.filter(declaration_id=declaration.pk).count()
        - declaration.rows_updated
    )
    declaration.rows_existing = total - declaration.rows_written - declaration.rows_updated
    declaration.save(update_fields=["rows_written", "rows_updated", "rows_existing"])
    audit_event_record(
        action="contributions.import",
        actor=acting_user,
        object_type="declaration",
        object_id=str(declaration.pk),
        data={
            "file_sha256": digest,
            "rows_written": declaration.rows_written,
            "rows_updated": declaration.rows_updated,
        },
    )
    five_year_dates_refresh_for_rows(checked.valid)
    contributions_posted_notify(insuree_ids=insuree_ids, declaration_id=declaration.pk)
    return declaration


RecordKey = tuple[int, date, str, int | None]
# A month already on record changes status when declared again, except that a paid month is
# never turned back into owed (a later declaration of arrears does not undo a payment).
STATUS_CHANGES = {
    (RecordStatus.OWED, RecordStatus.PAID),
    (RecordStatus.OWED, RecordStatus.REVERSED),
    (RecordStatus.REVERSED, RecordStatus.PAID),
    (RecordStatus.REVERSED, RecordStatus.OWED),
    (RecordStatus.PAID, RecordStatus.REVERSED),
}


def _key(row: ValidRow) -> RecordKey:
    return (row.insuree_id, row.month, row.scheme, row.employer_id)


def _record(row: ValidRow, declaration: Declaration, now: Any) -> ContributionRecord:
    return ContributionRecord(
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


def _status_changes(
    rows: list[ValidRow], on_record: dict[RecordKey, selectors.RecordOnRecord]
) -> list[tuple[ValidRow, selectors.RecordOnRecord]]:
    changes = []
    for row in rows:
        existing = on_record.get(_key(row))
        if existing is not None and (existing.status, row.status) in STATUS_CHANGES:
            changes.append((row, existing))
    return changes


def _apply_status_changes(
    changes: list[tuple[ValidRow, selectors.RecordOnRecord]],
    declaration: Declaration,
    acting_user: Any,
    now: Any,
) -> None:
    """The new status and amounts of each month declared again, in bulk; every change is
    audited: one event per insuree (``contributions.record_status_changed``, object the
    declaration) listing each of their records that changed, what it was and what it is.
    One event per record cost more than the updates themselves on a large file."""
    if not changes:
        return
    _records_update(changes, declaration, now)
    per_insuree: dict[int, list[dict[str, Any]]] = {}
    for row, existing in changes:
        per_insuree.setdefault(row.insuree_id, []).append(
            {
                "record_id": existing.id,
                "month": month_format(row.month),
                "scheme": row.scheme,
                "employer_id": row.employer_id,
                "from": existing.status,
                "to": row.status,
                "previous_declaration_id": existing.declaration_id,
                "row": row.row,
            }
        )
    audit_events_record_bulk(
        action="contributions.record_status_changed",
        actor=acting_user,
        object_type="declaration",
        events=[
            (insuree_id, str(declaration.pk), {"changes": insuree_changes})
            for insuree_id, insuree_changes in per_insuree.items()
        ],
    )


AMOUNT_FIELDS = ("salary_base", "employee_amount", "employer_amount", "state_subsidy")
UPDATE_FROM_VALUES = (
    "UPDATE {table} AS r SET status = v.status, salary_base = v.salary_base, "
    "employee_amount = v.employee_amount, employer_amount = v.employer_amount, "
    "state_subsidy = v.state_subsidy, declaration_id = %s, posted_at = %s "
    "FROM (VALUES {values}) AS v(id, status, salary_base, employee_amount, employer_amount, "
    "state_subsidy) WHERE r.id = v.id"
)
VALUES_ROW = "(%s::bigint, %s::varchar, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"


def _records_update(
    changes: list[tuple[ValidRow, selectors.RecordOnRecord]], declaration: Declaration, now: Any
) -> None:
    """Each changed record takes the row's status and amounts and the new declaration. On
    PostgreSQL one ``UPDATE ... FROM (VALUES ...)`` per batch (Django's ``bulk_update``
    builds a CASE per field whose cost grows with the batch squared); elsewhere
    ``bulk_update`` in small batches."""
    if connection.vendor != "postgresql":
        records = []
        for row, existing in changes:
            record = _record(row, declaration, now)
            record.pk = existing.id
            records.append(record)
        fields = ["status", *AMOUNT_FIELDS, "declaration", "posted_at"]
        ContributionRecord.objects.bulk_update(records, fields, batch_size=500)
        return
    table = connection.ops.quote_name(ContributionRecord._meta.db_table)
    for start in range(0, len(changes), BATCH_SIZE):
        batch = changes[start : start + BATCH_SIZE]
        params: list[Any] = [declaration.pk, now]
        for row, existing in batch:
            params.extend([existing.id, row.status, *(getattr(row, f) for f in AMOUNT_FIELDS)])
        sql = UPDATE_FROM_VALUES.format(table=table, values=", ".join([VALUES_ROW] * len(batch)))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
