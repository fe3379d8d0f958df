"""Citizen reads from a read replica, with read-your-writes (``DATABASE_REPLICA_URL``).

- ``ReplicaRouter`` (``DATABASE_ROUTERS``) sends reads to the ``replica`` alias only while a
  request has opted in; every write, and every read outside such a request, goes to
  ``default``. Migrations run on ``default`` only (the replica streams from it).
- ``ReplicaReadsMixin`` on a citizen read view opts a safe request in, after authentication,
  unless the same user wrote within ``DATABASE_REPLICA_STICKY_SECONDS``: someone who has just
  changed something reads it back from the primary, never a replica that is a moment behind.
- ``ReadYourWritesMiddleware`` remembers, per user, the time of their last successful unsafe
  request (POST, PUT, PATCH, DELETE): in the shared cache for every process, and in process
  memory for this one. When the cache cannot be read, the request reads from the primary.

Streaming replication lag is typically milliseconds; the sticky window (10 s) covers lag
spikes. Writes made for a citizen by someone else (an employer's import) may take that lag to
show, as they would take the import's own time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import router
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
_recent_writers: dict[str, float] = {}  # user id -> monotonic time of their last write here
_lock = threading.Lock()


def _key(user_id: Any) -> str:
    return f"replica:wrote:{user_id}"


def read_alias(model: Any) -> str:
    """The alias a read of ``model`` uses now (for raw queries, which routers do not see)."""
    return router.db_for_read(model) or "default"


def user_wrote(user_id: Any) -> None:
    """Remember that this user has just written (read their next reads from the primary)."""
    window = settings.DATABASE_REPLICA_STICKY_SECONDS
    with _lock:
        _recent_writers[str(user_id)] = time.monotonic() + window
        if len(_recent_writers) > 10_000:  # forget the expired ones now and then
            now = time.monotonic()
            for key in [k for k, until in _recent_writers.items() if until < now]:
                del _recent_writers[key]
    try:
        cache.set(_key(user_id), 1, timeout=window)
    except Exception:  # the in-process mark still serves this process; others use the lag
        logger.warning("could not record a write for read-your-writes")


def user_wrote_recently(user_id: Any) -> bool:
    until = _recent_writers.get(str(user_id))
    if until is not None and until > time.monotonic():
        return True
    try:
        return cache.get(_key(user_id)) is not None
    except Exception:  # unknown: read from the primary
        return True


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reads_from_replica.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA


class ReplicaReadsMixin:
    """For read-only citizen views (GET): read from the replica when allowed."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        token = _reads_from_replica.set(False)
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        finally:
            _reads_from_replica.reset(token)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # authenticates
        if (
            settings.DATABASE_REPLICA_READS
            and request.method in SAFE_METHODS
            and request.user.is_authenticated
            and not user_wrote_recently(request.user.pk)
        ):
            _reads_from_replica.set(True)


class ReadYourWritesMiddleware:
    """Marks users whose unsafe request succeeded (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            user = getattr(request, "user", None)  # DRF sets the authenticated user here too
            if user is not None and user.is_authenticated and settings.DATABASE_REPLICA_READS:
                user_wrote(user.pk)
        return response
