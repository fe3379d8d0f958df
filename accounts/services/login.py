"""Login: throttled per IP by the view, locked per account here, both before any hashing."""

from __future__ import annotations

from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.error_codes import AccountsErrorCode
from accounts.identifiers import mask_typed_identifier
from accounts.lockout import (
    lockout_key,
    lockout_reserve,
    login_failure_register,
    login_failures_clear,
)
from accounts.models import Session, User
from accounts.selectors import user_find_by_identifier
from accounts.services.audit import audit_event_record
from accounts.services.sessions import TokenPair, session_start
from accounts.totp import totp_required_for, totp_verify
from api.exceptions import ApplicationError
from notifications.services import Kind, notification_send


def account_locked_error(seconds: int) -> ApplicationError:
    return ApplicationError(
        code=AccountsErrorCode.ACCOUNT_LOCKED,
        detail=_("Too many failed sign-ins. The account is locked for a while."),
        status_code=status.HTTP_423_LOCKED,
        extra={"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def _invalid_credentials() -> ApplicationError:
    return ApplicationError(
        code=AccountsErrorCode.INVALID_CREDENTIALS,
        detail=_("The username or password is incorrect."),
        status_code=status.HTTP_401_UNAUTHORIZED,
    )


def login_attempt(
    *,
    username: str,
    password: str,
    otp: str = "",
    device_name: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> TokenPair:
    """Check credentials and open a session. Raises ``account_locked`` (423) before hashing
    when the account is locked (or enough attempts are in flight to lock it: each attempt
    reserves its place first), ``invalid_credentials`` (401) otherwise."""
    user = user_find_by_identifier(identifier=username.strip())
    key = lockout_key(user.username if user is not None else username)
    remaining = lockout_reserve(key)
    if remaining:
        raise account_locked_error(remaining)
    if user is None:
        User().set_password(password)  # same hashing cost as a real check: no timing oracle
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    if ok and user is not None and totp_required_for(user) and not totp_verify(user, otp):
        ok = False
    if not ok or user is None:
        locked_for = _login_failed(user=user, username=username, key=key, ip=ip)
        if locked_for:
            raise account_locked_error(locked_for)
        raise _invalid_credentials()
    return _login_succeeded(
        user=user, key=key, device_name=device_name, ip=ip, user_agent=user_agent
    )


@transaction.atomic
def _login_failed(*, user: User | None, username: str, key: str, ip: str | None) -> int:
    # The account is in target_user when it exists; the typed text is kept masked only.
    typed = {"typed_username": mask_typed_identifier(username[:150])}
    audit_event_record(action="login_failed", target_user=user, ip=ip, data=typed)
    locked_for = login_failure_register(key)
    if locked_for:
        audit_event_record(
            action="account_locked",
            target_user=user,
            ip=ip,
            data={**typed, "seconds": locked_for},
        )
    return locked_for


def _is_new_device(user: User, device_name: str, user_agent: str) -> bool:
    """Signed in before, but never from this device: one query with two EXISTS."""
    sessions = Session.objects.filter(user=OuterRef("pk"))
    same = sessions.filter(device_name=device_name[:100], user_agent=user_agent[:255])
    seen = (
        User.objects.filter(pk=user.pk)
        .annotate(before=Exists(sessions), here=Exists(same))
        .values_list("before", "here")
        .first()
    )
    return seen is not None and seen[0] and not seen[1]


@transaction.atomic
def _login_succeeded(
    *, user: User, key: str, device_name: str, ip: str | None, user_agent: str
) -> TokenPair:
    new_device = user.is_citizen and _is_new_device(user, device_name, user_agent)
    session, tokens = session_start(
        user=user, device_name=device_name, ip=ip, user_agent=user_agent
    )
    if new_device:
        notification_send(
            user_id=user.pk,
            kind=Kind.SECURITY_NEW_LOGIN,
            data={"device": (device_name or user_agent)[:60], "at": timezone.now().isoformat()},
        )
    update_last_login(User, user)
    audit_event_record(
        action="login_succeeded",
        actor=user,
        target_user=user,
        object_type="session",
        object_id=str(session.pk),
        ip=ip,
    )
    login_failures_clear(key)
    return tokens
