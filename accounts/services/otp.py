"""One-time codes by SMS for activation and password reset, enumeration-safe.

Whatever the identifier, ``otp_challenge_start`` answers the same shape: a challenge id, a
masked phone and the lifetime. For unknown people (or people who cannot receive a code, or a
wrong date of birth) the challenge has no insuree and a hash of random bytes, so it can never
succeed. The phone hint depends on the identifier only, never on the date of birth: the
masked phone on file for a known identifier, a stable fake one derived from an unknown
identifier, so that the hint tells nothing about whether the date of birth was right.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from accounts.error_codes import AccountsErrorCode
from accounts.identifiers import MOBILE_PREFIXES, mask_phone
from accounts.models import Insuree, OtpChallenge, OtpPurpose, User
from accounts.selectors import insuree_get_by_identifier
from accounts.sms import sms_queue
from api.cache import CACHE_ERRORS, cache_unreachable_warn
from api.exceptions import ApplicationError
from api.throttles import cache_down_error

_COOLDOWN = "accounts:otp-cooldown:{purpose}:{ident}"
_DAILY = "accounts:otp-daily:{kind}:{ident}:{day}"
DAY_SECONDS = 86400
_NO_CHALLENGE = uuid.UUID(int=0)  # matches no row: the dead branch runs the live one's UPDATE


@dataclass(frozen=True)
class ChallengeStarted:
    challenge_id: str
    phone_hint: str
    expires_in: int


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def otp_code_hash(*, challenge_id: Any, code: str) -> str:
    return _digest(f"otp:{challenge_id}:{code}")


def _fake_phone_hint(identifier: str) -> str:
    digest = _digest(f"hint:{identifier}")
    prefixes = sorted(MOBILE_PREFIXES)
    prefix = prefixes[int(digest[:4], 16) % len(prefixes)]
    return f"+84 {prefix}*****{int(digest[4:8], 16) % 100:02d}"


def _too_soon(seconds: int) -> ApplicationError:
    return ApplicationError(
        code=AccountsErrorCode.OTP_RESEND_TOO_SOON,
        detail=_("A code was sent a moment ago. Please wait before asking again."),
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
        extra={"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def _daily_limit() -> ApplicationError:
    return ApplicationError(
        code=AccountsErrorCode.OTP_DAILY_LIMIT,
        detail=_("Too many codes were requested today. Please try again tomorrow."),
        status_code=status.HTTP_429_TOO_MANY_REQUESTS,
    )


def _cooldown_claim(*, purpose: str, identifier: str) -> None:
    key = _COOLDOWN.format(purpose=purpose, ident=identifier)
    cooldown = settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS
    if not cache.add(key, time.time() + cooldown, cooldown):
        until = cache.get(key) or time.time()
        raise _too_soon(max(1, int(until - time.time()) + 1))


def _daily_count(*, kind: str, ident: str, cap: int) -> None:
    """Count one text message against a daily cap. When the cache cannot count, no message
    is sent (503): the cap is what keeps a phone from being flooded."""
    key = _DAILY.format(kind=kind, ident=ident, day=timezone.localdate().isoformat())
    try:
        cache.add(key, 0, DAY_SECONDS)
        count = cache.incr(key)
    except CACHE_ERRORS as error:
        cache_unreachable_warn("otp daily cap", error)
        raise cache_down_error() from error
    if count > cap:
        raise _daily_limit()


def _eligible(purpose: str, insuree: Insuree | None, date_of_birth: date) -> bool:
    if insuree is None:
        return False
    # Read the account first, whatever the date says: both answers cost the same query.
    user = User.objects.filter(insuree=insuree).only("is_active").first()
    if insuree.date_of_birth != date_of_birth or not insuree.phone:
        return False
    if purpose == OtpPurpose.ACTIVATION:
        return user is None
    return user is not None and user.is_active


def otp_challenge_start(
    *, purpose: str, identifier: str, date_of_birth: date, ip: str | None
) -> ChallengeStarted:
    """Send a code to the phone on file of the person identified, if there is one.

    Nothing in the answer depends on whether the date of birth is right: the phone hint is the
    identified person's masked phone (a stable fake one for unknown identifiers), the daily cap
    counts per phone of the identified person whatever date was typed, and both branches run
    the same queries, the SMS leaving after commit through a task."""
    _cooldown_claim(purpose=purpose, identifier=identifier)
    if ip:
        _daily_count(kind="ip", ident=ip, cap=settings.ACCOUNTS_OTP_DAILY_CAP_PER_IP)
    insuree = insuree_get_by_identifier(identifier=identifier)
    phone = insuree.phone if insuree is not None else ""
    if phone:
        _daily_count(kind="phone", ident=phone, cap=settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE)
    else:
        _daily_count(kind="ident", ident=identifier, cap=settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE)
    hint = mask_phone(phone) or _fake_phone_hint(identifier)
    if _eligible(purpose, insuree, date_of_birth):
        assert insuree is not None  # noqa: S101 - _eligible checked it
        started = otp_challenge_send(purpose=purpose, insuree=insuree, ip=ip)
    else:
        started = _challenge_dead(
            purpose=purpose, insuree=insuree, date_of_birth=date_of_birth, ip=ip
        )
    return ChallengeStarted(started.challenge_id, hint, started.expires_in)


@transaction.atomic
def otp_challenge_send(*, purpose: str, insuree: Insuree, ip: str | None) -> ChallengeStarted:
    """A live challenge for ``insuree``; the code goes by SMS after commit. Earlier open
    challenges of the same purpose are closed."""
    now = timezone.now()
    OtpChallenge.objects.filter(
        insuree=insuree, purpose=purpose, consumed_at__isnull=True, expires_at__gt=now
    ).update(consumed_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    challenge = OtpChallenge(
        purpose=purpose,
        insuree=insuree,
        phone=insuree.phone,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.ACCOUNTS_OTP_TTL_SECONDS),
        ip=ip,
    )
    challenge.code_hash = otp_code_hash(challenge_id=challenge.pk, code=code)
    challenge.save(force_insert=True)
    text = _("VSS: your code is %(code)s. It expires in 5 minutes. Never share it.") % {
        "code": code
    }
    phone = insuree.phone
    sms_queue(phone=phone, text=text)
    return ChallengeStarted(str(challenge.pk), mask_phone(phone) or "", _ttl())


def _ttl() -> int:
    return int(settings.ACCOUNTS_OTP_TTL_SECONDS)


@transaction.atomic
def _challenge_dead(
    *,
    purpose: str,
    insuree: Insuree | None,
    date_of_birth: date,
    ip: str | None,
) -> ChallengeStarted:
    """A challenge that can never succeed, written with the same queries as a live one (the
    open-challenge UPDATE matches nothing here) so that both take the same time."""
    now = timezone.now()
    OtpChallenge.objects.filter(
        pk=_NO_CHALLENGE, purpose=purpose, consumed_at__isnull=True, expires_at__gt=now
    ).update(consumed_at=now)
    challenge = OtpChallenge.objects.create(
        purpose=purpose,
        insuree=None,
        code_hash=_digest(secrets.token_hex(16)),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.ACCOUNTS_OTP_TTL_SECONDS),
        ip=ip,
    )
    known = insuree is not None and insuree.date_of_birth == date_of_birth and insuree.phone
    if known and purpose == OtpPurpose.ACTIVATION:
        # The person already has an account: tell them on their own phone, nobody else.
        text = _("VSS: this number already has an account. Use 'Forgot password' to sign in.")
        sms_queue(phone=insuree.phone, text=text)  # type: ignore[union-attr]
    return ChallengeStarted(str(challenge.pk), "", _ttl())


def otp_error(code: str) -> ApplicationError:
    messages = {
        AccountsErrorCode.OTP_INVALID: _("The code is incorrect."),
        AccountsErrorCode.OTP_EXPIRED: _("The code has expired. Please ask for a new one."),
        AccountsErrorCode.OTP_TOO_MANY_ATTEMPTS: _(
            "Too many wrong codes. Please ask for a new one."
        ),
    }
    return ApplicationError(
        code=code,
        detail=messages[AccountsErrorCode(code)],
        status_code=status.HTTP_429_TOO_MANY_REQUESTS
        if code == AccountsErrorCode.OTP_TOO_MANY_ATTEMPTS
        else status.HTTP_400_BAD_REQUEST,
    )


def otp_challenge_lock(
    *, purpose: str, challenge_id: Any = None, identifier: str = ""
) -> OtpChallenge | None:
    """The challenge, locked for update (call inside a transaction): by id, or the newest one
    of the person identified (the reset a support agent started has no id on the phone)."""
    challenges = OtpChallenge.objects.select_for_update().filter(purpose=purpose)
    if challenge_id is not None:
        return challenges.filter(pk=challenge_id).first()
    insuree = insuree_get_by_identifier(identifier=identifier)
    if insuree is None:
        return None
    return challenges.filter(insuree=insuree).order_by("-created_at").first()


def otp_challenge_check(challenge: OtpChallenge | None, code: str) -> str:
    """Count one try; return "" when the code is right, else the error code. Call inside the
    transaction that locked the challenge; a wrong try is saved (the caller commits it)."""
    if challenge is None or challenge.consumed_at is not None:
        return AccountsErrorCode.OTP_INVALID
    if challenge.expires_at <= timezone.now():
        return AccountsErrorCode.OTP_EXPIRED
    if challenge.attempts >= settings.ACCOUNTS_OTP_MAX_ATTEMPTS:
        return AccountsErrorCode.OTP_TOO_MANY_ATTEMPTS
    expected = otp_code_hash(challenge_id=challenge.pk, code=code)
    if challenge.insuree_id is None or not hmac.compare_digest(expected, challenge.code_hash):
        challenge.attempts += 1
        challenge.save(update_fields=["attempts"])
        return AccountsErrorCode.OTP_INVALID
    return ""


# --- Codes for a signed-in citizen (e.g. a new card QR after "not me") ------------------------


def otp_challenge_start_for_user(*, purpose: str, user: Any, ip: str | None) -> ChallengeStarted:
    """Send a code to the signed-in citizen's phone on file, with the rules of activation:
    resend cooldown, daily caps per phone and per IP, the same lifetime and attempts."""
    insuree = getattr(user, "insuree", None)
    if insuree is None or not insuree.phone:
        raise ApplicationError(
            code=AccountsErrorCode.NO_PHONE_ON_FILE,
            detail=_("There is no phone on file to send a code to. Please contact support."),
            status_code=status.HTTP_409_CONFLICT,
        )
    _cooldown_claim(purpose=purpose, identifier=str(user.pk))
    if ip:
        _daily_count(kind="ip", ident=ip, cap=settings.ACCOUNTS_OTP_DAILY_CAP_PER_IP)
    _daily_count(kind="phone", ident=insuree.phone, cap=settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE)
    return otp_challenge_send(purpose=purpose, insuree=insuree, ip=ip)


def otp_challenge_redeem_for_user(*, purpose: str, challenge_id: Any, user: Any, code: str) -> str:
    """Check and, when right, consume a code sent by ``otp_challenge_start_for_user``; return
    "" or the error code (raise it with ``otp_error`` after the transaction, so that a wrong
    try is counted). Call inside the caller's transaction; someone else's challenge is
    ``otp_invalid``."""
    try:
        challenge_key = uuid.UUID(str(challenge_id))
    except ValueError:
        return AccountsErrorCode.OTP_INVALID
    challenge = otp_challenge_lock(purpose=purpose, challenge_id=challenge_key)
    if challenge is not None and challenge.insuree_id != getattr(user, "insuree_id", None):
        return AccountsErrorCode.OTP_INVALID
    error = otp_challenge_check(challenge, code)
    if not error:
        OtpChallenge.objects.filter(pk=challenge.pk).update(consumed_at=timezone.now())  # type: ignore[union-attr]
    return error
