"""The Redis cache backend, with two per-call costs of Django's own removed.

- Django builds a new ``redis.Redis`` client object on every cache call (about 65 µs here);
  clients are thread-safe and take a connection from the pool per command, so one per pool
  is kept and reused.
- Django's ``incr`` asks ``EXISTS`` and then ``INCRBY``: two round trips, and a window in
  which the key can expire and be re-created without a timeout. One small Lua script does
  both atomically in one round trip, with the same contract (``ValueError`` when missing).

Everything else (serialisation, key naming, timeouts) is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

_INCR_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
    return redis.call('INCRBY', KEYS[1], ARGV[1])
end
return nil
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self._incr_scripts: dict[int, Any] = {}

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


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
