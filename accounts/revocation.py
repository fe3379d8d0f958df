"""Which sessions are revoked, known in every process within a second, decided by the database.

An access token lives ``ACCESS_TOKEN_LIFETIME`` (10 minutes). A session revoked longer ago than
that (plus the clock leeway) has no live access token left: its refresh token is refused by the
database row at the next rotation. So each process needs only the ids of sessions revoked within
that window: a small set kept in process memory, checked per request without any I/O.

Keeping the set current:

- The database is the source of truth (``Session.revoked_at``). Loading the set is one indexed
  query (``session_revoked_idx``) over the window.
- A revocation, once committed, writes a new random *version stamp* to the shared cache and
  adds the ids to this process's set at once.
- At most every ``ACCOUNTS_REVOCATION_REFRESH_SECONDS`` (1 s), a request reads the stamp. The
  same stamp as at the last load: the set is current. A different stamp: reload from the
  database. No stamp (evicted, flushed, Redis restarted), an unreachable cache, or a cache that
  is not shared between processes (local memory): reload from the database, every time.

The stamp is read *before* the database, so a revocation is either in the rows loaded or has
written its stamp after the read, and the next refresh reloads. Evicting or losing a cache key
can only cost a reload, never forget a revocation. As a backstop against a stamp left stale by a
failed cache write, the set is also reloaded every ``ACCOUNTS_REVOCATION_RELOAD_SECONDS`` (30 s).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings as jwt_settings

logger = logging.getLogger(__name__)

VERSION_KEY = "accounts:revocations:version"
# Backends whose entries live in one process only: a stamp written there tells no other process.
_PROCESS_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def revocation_window() -> timedelta:
    """How long after its revocation a session may still have a live access token."""
    lifetime: timedelta = jwt_settings.ACCESS_TOKEN_LIFETIME
    leeway = jwt_settings.LEEWAY
    leeway_td = leeway if isinstance(leeway, timedelta) else timedelta(seconds=leeway or 0)
    return lifetime + leeway_td + timedelta(seconds=60)


def cache_is_shared() -> bool:
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return backend not in _PROCESS_LOCAL_BACKENDS


def _revoked_ids_from_database() -> set[str]:
    from accounts.models import Session  # models load after this module

    since = timezone.now() - revocation_window()
    rows = Session.objects.filter(revoked_at__gte=since).order_by().values_list("pk", flat=True)
    return {str(pk) for pk in rows}


class RevocationSet:
    """The ids of sessions revoked within the window, as this process knows them."""

    def __init__(
        self,
        *,
        load: Callable[[], set[str]] = _revoked_ids_from_database,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._clock = clock
        self._lock = threading.Lock()
        self._ids: frozenset[str] = frozenset()
        self._version: str | None = None
        self._next_check = float("-inf")  # the first request loads
        self._next_load = float("-inf")
        self.loads = 0  # database loads, for tests and the benchmark

    def is_revoked(self, sid: str) -> bool:
        if self._clock() >= self._next_check:
            self.refresh()
        return sid in self._ids

    def refresh(self, *, force: bool = False) -> None:
        """Bring the set up to date when the stamp moved or cannot be trusted."""
        with self._lock:
            if not force and self._clock() < self._next_check:
                return  # another thread refreshed while this one waited
            now = self._clock()
            version = self._read_version()
            stale = now >= self._next_load  # a backstop against a stamp left stale by a failure
            if force or stale or version is None or version != self._version:
                self._ids = frozenset(self._load())
                self._version = version
                self._next_load = now + settings.ACCOUNTS_REVOCATION_RELOAD_SECONDS
                self.loads += 1
            self._next_check = now + settings.ACCOUNTS_REVOCATION_REFRESH_SECONDS

    def add_local(self, ids: Iterable[str]) -> None:
        """Sessions this process has just revoked (committed): refused here at once."""
        with self._lock:
            self._ids = self._ids | {str(sid) for sid in ids}

    def forget(self) -> None:
        """Drop everything known (a fresh process): the next check loads from the database."""
        with self._lock:
            self._ids = frozenset()
            self._version = None
            self._next_check = float("-inf")
            self._next_load = float("-inf")

    @staticmethod
    def _read_version() -> str | None:
        """The shared stamp, creating one when it is missing; None when it cannot be trusted."""
        if not cache_is_shared():
            return None
        try:
            version = cache.get(VERSION_KEY)
            if version is None:
                cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
                version = cache.get(VERSION_KEY)
        except Exception:  # any cache failure: the database decides
            logger.warning("revocation stamp unreadable; loading revocations from the database")
            return None
        return str(version) if version is not None else None


revocations = RevocationSet()


def revocations_publish(ids: Iterable[str]) -> None:
    """After a revocation commits: refuse here at once, and tell every process to reload."""
    ids = [str(sid) for sid in ids]
    revocations.add_local(ids)
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # other processes still reload from the database when the stamp is gone
        logger.warning("revocation stamp not written; other processes rely on the database")
        with contextlib.suppress(Exception):  # down: nobody reads a stale stamp either
            cache.delete(VERSION_KEY)
