"""Sessions and their tokens: issue, rotate (one winner under concurrency), revoke."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.authentication import revoked_sid_key
from accounts.error_codes import AccountsErrorCode
from accounts.models import Session, User
from accounts.services.audit import audit_event_record
from api.error_codes import ErrorCode
from api.exceptions import ApplicationError
from notifications.services import devices_deactivate_for_sessions

TokenPair = dict[str, str]


def _revocation_ttl() -> int:
    lifetime: timedelta = jwt_settings.ACCESS_TOKEN_LIFETIME
    return int(lifetime.total_seconds()) + 60


def token_pair_issue(*, user: User, session: Session) -> TokenPair:
    """A new refresh token (recorded as outstanding) and its access token, both with ``sid``."""
    refresh = RefreshToken()
    refresh[jwt_settings.USER_ID_CLAIM] = str(user.pk)
    refresh["sid"] = str(session.pk)
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@transaction.atomic
def session_start(
    *, user: User, device_name: str = "", ip: str | None = None, user_agent: str = ""
) -> tuple[Session, TokenPair]:
    """Open a session for a user whose credentials were just checked."""
    now = timezone.now()
    session = Session.objects.create(
        user=user,
        device_name=device_name[:100],
        ip=ip,
        user_agent=user_agent[:255],
        created_at=now,
        last_used_at=now,
    )
    return session, token_pair_issue(user=user, session=session)


def sessions_revoke(*, sessions: Any, reason: str) -> int:
    """Revoke the given active sessions (a queryset) and deactivate the push devices they
    registered. Their access tokens stop at once: the "revoked sid" cache keys are written
    when the transaction commits."""
    ids = list(sessions.filter(revoked_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    Session.objects.filter(pk__in=ids).update(revoked_at=timezone.now(), revoked_reason=reason)
    devices_deactivate_for_sessions(session_ids=ids, reason=reason)  # no push after logout
    keys = {revoked_sid_key(sid): 1 for sid in ids}
    transaction.on_commit(lambda: cache.set_many(keys, _revocation_ttl()))
    return len(ids)


def _invalid_token(code: str = ErrorCode.TOKEN_NOT_VALID) -> ApplicationError:
    return ApplicationError(
        code=code,
        detail=_("The refresh token is invalid, expired or revoked. Please sign in again."),
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


def token_refresh(*, raw_refresh: str, ip: str | None = None) -> TokenPair:
    """Rotate a refresh token. The session row is locked, so of concurrent refreshes of one
    token exactly one wins. A rotated token presented again after the grace period revokes
    the whole session (it was stolen, or the app was cloned)."""
    try:
        payload = token_backend.decode(raw_refresh, verify=True)  # type: ignore[arg-type]
    except TokenBackendError as error:
        raise _invalid_token() from error
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or "sid" not in payload:
        raise _invalid_token()
    outcome, pair = _refresh_rotate(payload=payload, ip=ip)
    if pair is None:
        raise _invalid_token(outcome)
    return pair


@transaction.atomic
def _refresh_rotate(*, payload: dict[str, Any], ip: str | None) -> tuple[str, TokenPair | None]:
    try:
        session_id = UUID(str(payload["sid"]))
    except ValueError:
        return ErrorCode.TOKEN_NOT_VALID, None
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=session_id, user_id=str(payload.get(jwt_settings.USER_ID_CLAIM)))
        .first()
    )
    if session is None or session.revoked_at is not None or not session.user.is_active:
        return AccountsErrorCode.SESSION_REVOKED, None
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=payload.get(jwt_settings.JTI_CLAIM))
        .order_by()  # its Meta.ordering joins the nullable user: FOR UPDATE refuses that
        .first()
    )
    if outstanding is None:
        return ErrorCode.TOKEN_NOT_VALID, None
    blacklisted = BlacklistedToken.objects.filter(token=outstanding).first()
    now = timezone.now()
    if blacklisted is not None:
        grace = timedelta(seconds=settings.ACCOUNTS_REFRESH_REUSE_GRACE_SECONDS)
        if now - blacklisted.blacklisted_at <= grace:
            return ErrorCode.TOKEN_NOT_VALID, None
        sessions_revoke(sessions=Session.objects.filter(pk=session.pk), reason="refresh_reuse")
        audit_event_record(
            action="session_revoked_refresh_reuse",
            target_user=session.user,
            object_type="session",
            object_id=str(session.pk),
            ip=ip,
        )
        return AccountsErrorCode.REFRESH_TOKEN_REUSED, None
    BlacklistedToken.objects.create(token=outstanding)
    session.last_used_at = now
    session.save(update_fields=["last_used_at"])
    return "", token_pair_issue(user=session.user, session=session)


@transaction.atomic
def session_end(*, user: User, session_id: Any, reason: str = "logout") -> int:
    return sessions_revoke(sessions=Session.objects.filter(user=user, pk=session_id), reason=reason)


@transaction.atomic
def sessions_end_all(
    *, user: User, except_session_id: Any = None, reason: str = "logout_all"
) -> int:
    sessions = Session.objects.filter(user=user)
    if except_session_id is not None:
        sessions = sessions.exclude(pk=except_session_id)
    return sessions_revoke(sessions=sessions, reason=reason)
