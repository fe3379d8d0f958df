"""The Redis cache backend, with two per-call costs of Django's own removed.

- Django builds a new ``redis.Redis`` client object on every cache call (about 65 µs here);
  clients are thread-safe and take a connection from the pool per command, so one per pool
  is kept and reused.
- Django's ``incr`` asks ``EXISTS`` and then ``INCRBY``: two round trips, and a window in
  which the key can expire and be re-created without a timeout. One small Lua script does
  both atomically in one round trip, with the same contract (``ValueError`` when missing).

One addition: ``incr_window`` serves the throttles' sliding window (api/throttles.py) in one
round trip, where ``incr`` then ``get`` took two.

Everything else (serialisation, key naming, timeouts) is Django's.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError

# What a cache call raises when Redis cannot be reached or answered (the socket's own errors
# included). Callers that must keep working without the cache catch these.
CACHE_ERRORS: tuple[type[BaseException], ...] = (RedisError, OSError)
WARN_EVERY_SECONDS = 10.0
_logger = logging.getLogger("api.cache")
_last_warned = [0.0]


def cache_unreachable_warn(where: str, error: BaseException) -> None:
    """Log that the cache is unreachable, at most once every WARN_EVERY_SECONDS per process
    (an outage must not flood the logs at the request rate)."""
    now = time.monotonic()
    if now - _last_warned[0] >= WARN_EVERY_SECONDS:
        _last_warned[0] = now
        _logger.warning("cache unreachable (%s): %s", where, type(error).__name__)


_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return nil
"""

# Add one to the current window's counter (giving a new one its lifetime) and read the
# previous window's, atomically. Integers are stored raw by Django's serializer, as INCR does.
_INCR_WINDOW = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return {current, tonumber(redis.call('GET', KEYS[2])) or 0}
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._incr_scripts: dict[int, Any] = {}
        self._window_scripts: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, missing from the type stubs.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client

    def incr(self, key: Any, delta: int = 1) -> int:
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:
            script = client.register_script(_INCR_IF_EXISTS)
            self._incr_scripts[id(client)] = script
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return int(value)

    def incr_window(self, current: Any, previous: Any, timeout: int) -> tuple[int, int]:
        client = self.get_client(current, write=True)
        script = self._window_scripts.get(id(client))
        if script is None:
            script = client.register_script(_INCR_WINDOW)
            self._window_scripts[id(client)] = script
        count, before = script(keys=[current, previous], args=[timeout])
        return int(count), int(before)


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def incr_window(self, current: str, previous: str, *, timeout: int) -> tuple[int, int]:
        """Add one to ``current`` (created with ``timeout`` seconds to live when missing) and
        read ``previous`` (0 when missing), in one atomic round trip."""
        keys = (self.make_and_validate_key(current), self.make_and_validate_key(previous))
        client: RedisCacheClient = self._cache  # type: ignore[assignment]  # self._class
        return client.incr_window(*keys, timeout)
