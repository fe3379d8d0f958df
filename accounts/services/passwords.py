"""Activation, password change and forgotten-password reset."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status

from accounts.error_codes import AccountsErrorCode
from accounts.lockout import (
    lockout_clear,
    lockout_key,
    lockout_reserve,
    login_failure_register,
    login_failures_clear,
)
from accounts.models import Insuree, OtpChallenge, OtpPurpose, Session, User
from accounts.services.audit import audit_event_record
from accounts.services.login import account_locked_error
from accounts.services.otp import otp_challenge_check, otp_challenge_lock, otp_error
from accounts.services.sessions import TokenPair, session_start, sessions_revoke
from api.exceptions import ApplicationError
from api.roles import Role
from notifications.services import Kind, notification_send


def _password_check(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        raise exceptions.ValidationError({"password": list(error.messages)}) from error


def _live_insuree(challenge: OtpChallenge | None) -> Insuree:
    if challenge is None or challenge.insuree is None:  # otp_challenge_check refused those
        raise RuntimeError("A checked challenge has an insuree.")
    return challenge.insuree


def _consume(challenge: OtpChallenge | None) -> Insuree:
    insuree = _live_insuree(challenge)
    OtpChallenge.objects.filter(pk=challenge.pk).update(consumed_at=timezone.now())  # type: ignore[union-attr]
    return insuree


def account_activate(
    *,
    challenge_id: Any,
    otp: str,
    password: str,
    ip: str | None = None,
    device_name: str = "",
    user_agent: str = "",
) -> TokenPair:
    """Create the citizen's login after a right code; return the first session's tokens."""
    error, tokens = _account_activate(
        challenge_id=challenge_id,
        otp=otp,
        password=password,
        ip=ip,
        device_name=device_name,
        user_agent=user_agent,
    )
    if error:
        raise otp_error(error)
    assert tokens is not None  # noqa: S101
    return tokens


@transaction.atomic
def _account_activate(
    *,
    challenge_id: Any,
    otp: str,
    password: str,
    ip: str | None,
    device_name: str,
    user_agent: str,
) -> tuple[str, TokenPair | None]:
    challenge = otp_challenge_lock(purpose=OtpPurpose.ACTIVATION, challenge_id=challenge_id)
    error = otp_challenge_check(challenge, otp)
    if error:
        return error, None
    insuree = _live_insuree(challenge)
    user = User(
        username=insuree.social_insurance_number,
        role=Role.CITIZEN,
        insuree=insuree,
        full_name=insuree.full_name,
    )
    _password_check(password, user)
    _consume(challenge)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:
        raise ApplicationError(
            code=AccountsErrorCode.ACCOUNT_EXISTS,
            detail=_("This person already has an account."),
            status_code=status.HTTP_409_CONFLICT,
        ) from exc
    audit_event_record(
        action="account_activated", actor=user, target_user=user, target_insuree=insuree, ip=ip
    )
    _session, tokens = session_start(
        user=user, device_name=device_name, ip=ip, user_agent=user_agent
    )
    return "", tokens


def password_change(
    *, user: User, old_password: str, new_password: str, session_id: Any, ip: str | None
) -> None:
    """Change the password (the old one is required) and end every other session. Wrong old
    passwords count towards the account's lockout."""
    key = lockout_key(user.username)
    remaining = lockout_reserve(key)
    if remaining:
        raise account_locked_error(remaining)
    if not user.check_password(old_password):
        locked_for = _password_change_failed(user=user, key=key, ip=ip)
        if locked_for:
            raise account_locked_error(locked_for)
        raise ApplicationError(
            code=AccountsErrorCode.PASSWORD_INCORRECT,
            detail=_("The current password is incorrect."),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    login_failures_clear(key)
    _password_check(new_password, user)
    _password_change(user=user, new_password=new_password, session_id=session_id, ip=ip)


@transaction.atomic
def _password_change_failed(*, user: User, key: str, ip: str | None) -> int:
    audit_event_record(action="password_change_failed", actor=user, target_user=user, ip=ip)
    locked_for = login_failure_register(key)
    if locked_for:
        audit_event_record(
            action="account_locked", target_user=user, ip=ip, data={"seconds": locked_for}
        )
    return locked_for


@transaction.atomic
def _password_change(*, user: User, new_password: str, session_id: Any, ip: str | None) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    ended = sessions_revoke(
        sessions=Session.objects.filter(user=user).exclude(pk=session_id),
        reason="password_changed",
    )
    audit_event_record(
        action="password_changed",
        actor=user,
        target_user=user,
        ip=ip,
        data={"sessions_ended": ended},
    )
    notification_send(
        user_id=user.pk,
        kind=Kind.SECURITY_PASSWORD_CHANGED,
        data={"at": timezone.now().isoformat()},
    )


def password_reset_verify(
    *, challenge_id: Any = None, username: str = "", otp: str, password: str, ip: str | None
) -> None:
    """Set a new password after a right code (from the citizen's own request, or one a
    support agent triggered), end every session and clear any lock."""
    error = _password_reset_verify(
        challenge_id=challenge_id, username=username, otp=otp, password=password, ip=ip
    )
    if error:
        raise otp_error(error)


@transaction.atomic
def _password_reset_verify(
    *, challenge_id: Any, username: str, otp: str, password: str, ip: str | None
) -> str:
    challenge = otp_challenge_lock(
        purpose=OtpPurpose.PASSWORD_RESET, challenge_id=challenge_id, identifier=username
    )
    error = otp_challenge_check(challenge, otp)
    if error:
        return error
    user = User.objects.select_for_update().filter(insuree=_live_insuree(challenge)).first()
    if user is None:
        return AccountsErrorCode.OTP_INVALID
    _password_check(password, user)
    _consume(challenge)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    ended = sessions_revoke(sessions=Session.objects.filter(user=user), reason="password_reset")
    audit_event_record(
        action="password_reset",
        actor=user,
        target_user=user,
        ip=ip,
        data={"sessions_ended": ended},
    )
    notification_send(
        user_id=user.pk,
        kind=Kind.SECURITY_PASSWORD_CHANGED,
        data={"at": timezone.now().isoformat()},
    )
    transaction.on_commit(lambda: lockout_clear(lockout_key(user.username)))
    return ""
