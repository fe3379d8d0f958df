"""Failed-login counters and account locks, kept in the database (``LoginLock``).

Keys are per normalised login name (the account's username when the name resolves to an
account, whichever identifier was typed). After ``ACCOUNTS_LOGIN_MAX_FAILURES`` failures
within the window the name is locked for ``ACCOUNTS_LOCK_BASE_SECONDS``, doubled for each
further lock within a day, capped at ``ACCOUNTS_LOCK_MAX_SECONDS``.

Every attempt reserves its place *before* the password is hashed (``lockout_reserve``), under
a row lock, and reports its outcome afterwards (``login_failure_register`` or
``login_failures_clear``). So however many wrong passwords arrive at once, at most
``ACCOUNTS_LOGIN_MAX_FAILURES`` of them reach the hash check and exactly one of them locks the
account one level up. The state lives in the database, not in the cache: an evicted cache
entry or a restarted Redis cannot unlock an account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import LoginLock

if TYPE_CHECKING:
    from accounts.models import User

LEVEL_TTL_SECONDS = 86400
# A reservation whose request never reported back (a killed worker) stops counting after this.
PENDING_STALE_SECONDS = 60


def lockout_key(name: str) -> str:
    return name.strip().lower()[:150]


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, int((moment - now).total_seconds()) + 1)


def _lock_seconds(level: int) -> int:
    seconds = settings.ACCOUNTS_LOCK_BASE_SECONDS * 2 ** max(0, level - 1)
    return int(min(seconds, settings.ACCOUNTS_LOCK_MAX_SECONDS))


def _expire(row: LoginLock, now: datetime) -> None:
    """Forget what has run out: a past lock, an old window, an old level, stale reservations."""
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
    window = timedelta(seconds=settings.ACCOUNTS_LOGIN_FAILURE_WINDOW_SECONDS)
    if row.window_started_at + window <= now:
        row.failures, row.window_started_at = 0, now
    if row.level_expires_at is not None and row.level_expires_at <= now:
        row.level, row.level_expires_at = 0, None
    stale = timedelta(seconds=PENDING_STALE_SECONDS)
    if row.pending and (row.pending_since is None or row.pending_since + stale <= now):
        row.pending, row.pending_since = 0, None


def _row_locked(key: str, *, create: bool) -> LoginLock | None:
    """The row for ``key``, locked until the surrounding transaction ends. The UPDATE takes
    the lock on every database (SQLite has no SELECT ... FOR UPDATE)."""
    now = timezone.now()
    if not LoginLock.objects.filter(key=key).update(updated_at=now):
        if not create:
            return None
        try:
            with transaction.atomic():
                LoginLock.objects.create(key=key, window_started_at=now, updated_at=now)
        except IntegrityError:  # another request created it meanwhile: wait for its lock
            LoginLock.objects.filter(key=key).update(updated_at=now)
    row = LoginLock.objects.get(key=key)
    _expire(row, now)
    return row


def lockout_reserve(key: str) -> int:
    """Reserve one attempt before hashing. Return 0 when the attempt may check the password,
    else the seconds the name stays locked (also when enough attempts are already in flight
    to lock it)."""
    with transaction.atomic():
        row = _row_locked(key, create=True)
        assert row is not None  # noqa: S101 - create=True
        now = timezone.now()
        if row.locked_until is not None:
            row.save()
            return _seconds_until(row.locked_until, now)
        if row.failures + row.pending >= settings.ACCOUNTS_LOGIN_MAX_FAILURES:
            row.save()
            return _lock_seconds(row.level + 1)
        row.pending += 1
        row.pending_since = now
        row.save()
        return 0


def login_failure_register(key: str) -> int:
    """Count one failure (of a reserved attempt); return the lock duration in seconds if this
    failure locks the name, else 0."""
    with transaction.atomic():
        row = _row_locked(key, create=True)
        assert row is not None  # noqa: S101 - create=True
        now = timezone.now()
        row.pending = max(0, row.pending - 1)
        row.failures += 1
        seconds = 0
        if row.failures >= settings.ACCOUNTS_LOGIN_MAX_FAILURES and row.locked_until is None:
            row.level += 1
            row.level_expires_at = now + timedelta(seconds=LEVEL_TTL_SECONDS)
            seconds = _lock_seconds(row.level)
            row.locked_until = now + timedelta(seconds=seconds)
            row.failures, row.window_started_at = 0, now
        row.save()
        return seconds


def login_failures_clear(key: str) -> None:
    """A reserved attempt succeeded: release it and forget the failures and the level. One
    UPDATE, atomic by itself (a sign-in's cost is the hash; this was three statements)."""
    LoginLock.objects.filter(key=key).update(
        pending=Greatest(F("pending") - 1, Value(0)),
        failures=0,
        level=0,
        level_expires_at=None,
        updated_at=timezone.now(),
    )


def lockout_remaining(key: str) -> int:
    """Seconds until the name is unlocked, 0 when it is not locked."""
    return lockout_remaining_many([key])[key]


def lockout_remaining_many(keys: list[str]) -> dict[str, int]:
    now = timezone.now()
    found = dict(
        LoginLock.objects.filter(key__in=keys, locked_until__gt=now).values_list(
            "key", "locked_until"
        )
    )
    result = dict.fromkeys(keys, 0)
    for key, until in found.items():
        if until is not None:
            result[key] = _seconds_until(until, now)
    return result


def lockout_clear(key: str) -> None:
    LoginLock.objects.filter(key=key).delete()


def lockout_prune() -> int:
    """Delete rows that hold nothing any more (no lock, no level, idle for a day)."""
    cutoff = timezone.now() - timedelta(seconds=LEVEL_TTL_SECONDS)
    deleted, _ = LoginLock.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def account_lock_keys(user: User) -> list[str]:
    """Every name an account can be locked under: its username and, for a citizen, the
    social insurance number and national ID (login accepts either). The login service locks
    the account's username whichever was typed; unknown names are locked as typed."""
    names = [user.username]
    if user.insuree is not None:
        names += [user.insuree.social_insurance_number, user.insuree.national_id or ""]
    return sorted({lockout_key(name) for name in names if name})
