"""Verifiable statements: issued with a record, a code and a signed QR; revoked by the holder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.services import audit_event_record
from contributions import selectors
from contributions.models import (
    Statement,
    StatementStatus,
)
from contributions.statements.codes import code_display, code_generate
from contributions.statements.content import (
    Holder,
    StatementContent,
    Verification,
    statement_content,
)
from contributions.statements.tokens import statement_claims, statement_token_sign

CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class IssuedStatement:
    statement: Statement
    content: StatementContent
    verification: Verification


def statement_verify_url(*, base_url: str, code: str) -> str:
    path = reverse("contributions:statement-verify", kwargs={"code": code_display(code)})
    return base_url.rstrip("/") + path


@transaction.atomic
def statement_issue(
    *,
    insuree: Any,
    issued_by: Any,
    month_from: date | None,
    month_to: date | None,
    file_format: str,
    language: str,
    base_url: str,
    now: datetime | None = None,
) -> IssuedStatement:
    """Gather the statement's content, record it (with a fresh verification code) and sign
    its QR token. The document is rendered by the caller from what this returns."""
    now = now or timezone.now()
    rows = selectors.contribution_statement_rows(
        insuree_id=insuree.pk, month_from=month_from, month_to=month_to
    )
    holder = Holder(
        full_name=insuree.full_name,
        social_insurance_number=insuree.social_insurance_number,
        national_id=insuree.national_id,
        date_of_birth=insuree.date_of_birth,
    )
    content = statement_content(
        holder=holder, rows=rows, month_from=month_from, month_to=month_to,
        today=timezone.localdate(now),
    )  # fmt: skip
    statement = Statement(
        insuree=insuree,
        month_from=content.month_from,
        month_to=content.month_to,
        file_format=file_format,
        language=language,
        masked_name=holder.masked_name,
        totals=content.totals,
        digest=content.digest,
        issued_at=now,
        expires_at=now + timedelta(days=settings.STATEMENT_VALID_DAYS),
        issued_by=issued_by,
    )
    _statement_insert(statement)
    token = statement_token_sign(
        statement_claims(statement, national_id_last4=holder.national_id_last4)
    )
    base = base_url.rstrip("/")
    verification = Verification(
        code=code_display(statement.code),
        token=token,
        verify_url=statement_verify_url(base_url=base, code=statement.code),
        jwks_url=f"{base}{reverse('jwks')}",
        issued_at=statement.issued_at,
        expires_at=statement.expires_at,
    )
    return IssuedStatement(statement=statement, content=content, verification=verification)


def _statement_insert(statement: Statement) -> None:
    """Insert with a fresh random code; a clash (60 random bits: all but impossible) draws
    another one."""
    for attempt in range(CODE_ATTEMPTS):
        statement.code = code_generate()
        try:
            with transaction.atomic():
                statement.save(force_insert=True)
            return
        except IntegrityError:
            if attempt == CODE_ATTEMPTS - 1:
                raise


@transaction.atomic
def statement_revoke(*, statement: Statement, acting_user: Any, ip: str | None = None) -> Statement:
    """Revoke a statement: verification answers ``revoked`` from now on. Revoking it again
    changes nothing."""
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if locked.status == StatementStatus.REVOKED:
        return locked
    locked.status = StatementStatus.REVOKED
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["status", "revoked_at"])
    audit_event_record(
        action="contributions.statement_revoke",
        actor=acting_user,
        target_insuree=statement.insuree,
        object_type="statement",
        object_id=str(statement.pk),
        ip=ip,
    )
    return locked
