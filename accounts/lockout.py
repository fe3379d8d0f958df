"""Failed-login counters and account locks, kept in the cache (Redis in production).

Keys are per normalised login name (the account's username when the name resolves to an
account, whichever identifier was typed). After ``ACCOUNTS_LOGIN_MAX_FAILURES`` failures
within the window the name is locked for ``ACCOUNTS_LOCK_BASE_SECONDS``, doubled for each
further lock within a day, capped at ``ACCOUNTS_LOCK_MAX_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

_FAILURES = "accounts:login-failures:{key}"
_LEVEL = "accounts:lock-level:{key}"
_LOCK = "accounts:lock:{key}"
LEVEL_TTL_SECONDS = 86400


def lockout_key(name: str) -> str:
    return name.strip().lower()[:150]


def lockout_remaining(key: str) -> int:
    """Seconds until the name is unlocked, 0 when it is not locked."""
    until = cache.get(_LOCK.format(key=key))
    if until is None:
        return 0
    return max(0, int(until - time.time()) + 1)


def lockout_remaining_many(keys: list[str]) -> dict[str, int]:
    found = cache.get_many([_LOCK.format(key=key) for key in keys])
    now = time.time()
    result = {}
    for key in keys:
        until = found.get(_LOCK.format(key=key))
        result[key] = max(0, int(until - now) + 1) if until is not None else 0
    return result


def login_failure_register(key: str) -> int:
    """Count one failure; return the lock duration in seconds if this failure locks, else 0."""
    failures = _FAILURES.format(key=key)
    cache.add(failures, 0, settings.ACCOUNTS_LOGIN_FAILURE_WINDOW_SECONDS)
    count = cache.incr(failures)
    if count < settings.ACCOUNTS_LOGIN_MAX_FAILURES:
        return 0
    level_key = _LEVEL.format(key=key)
    cache.add(level_key, 0, LEVEL_TTL_SECONDS)
    level = cache.incr(level_key)
    seconds = min(
        settings.ACCOUNTS_LOCK_BASE_SECONDS * 2 ** (level - 1), settings.ACCOUNTS_LOCK_MAX_SECONDS
    )
    cache.set(_LOCK.format(key=key), time.time() + seconds, seconds)
    cache.delete(failures)
    return int(seconds)


def login_failures_clear(key: str) -> None:
    cache.delete_many([_FAILURES.format(key=key), _LEVEL.format(key=key)])


def lockout_clear(key: str) -> None:
    cache.delete_many([_FAILURES.format(key=key), _LEVEL.format(key=key), _LOCK.format(key=key)])


def account_lock_keys(user: Any) -> list[str]:
    """Every name an account can be locked under: its username and, for a citizen, the
    social insurance number and national ID (login accepts either). The login service locks
    the account's username whichever was typed; unknown names are locked as typed."""
    names = [user.username]
    if user.insuree is not None:
        names += [user.insuree.social_insurance_number, user.insuree.national_id or ""]
    return sorted({lockout_key(name) for name in names if name})
