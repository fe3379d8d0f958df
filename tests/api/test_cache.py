"""The Redis cache backend against a real Redis: Django's contract, fewer round trips."""

from __future__ import annotations

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.redis


def test_values_round_trip_with_timeouts(redis_cache):
    cache.set("greeting", {"vi": "Xin chào"}, timeout=30)

    assert cache.get("greeting") == {"vi": "Xin chào"}
    assert cache.get_many(["greeting", "missing"]) == {"greeting": {"vi": "Xin chào"}}
    assert cache.add("greeting", "other") is False
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_incr_counts_and_keeps_the_timeout(redis_cache):
    cache.add("counter", 1, timeout=120)

    assert cache.incr("counter") == 2
    assert cache.incr("counter", 5) == 7
    assert cache.get("counter") == 7
    raw = redis.Redis.from_url(redis_cache)
    (key,) = raw.keys("*counter")
    assert 0 < raw.ttl(key) <= 120, "incr must not drop the key's expiry"


def test_incr_of_a_missing_key_raises_like_django(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")

    assert cache.get("never-set") is None, "a failed incr must not create the key"


def test_one_client_object_is_reused(redis_cache):
    client = cache._cache  # the backend's client wrapper

    first = client.get_client(write=True)
    cache.get("anything")

    assert client.get_client(write=True) is first
    assert client.get_client(write=False) is first  # one server: reads use the same pool


def test_the_window_counter_increments_reads_the_previous_and_expires(redis_cache):
    # a fresh window: created with its lifetime; no previous window yet
    assert cache.incr_window("w:7", "w:6", timeout=121) == (1, 0)
    assert cache.incr_window("w:7", "w:6", timeout=121) == (2, 0)
    raw = redis.Redis.from_url(redis_cache)
    (key,) = raw.keys("*w:7")
    assert 0 < raw.ttl(key) <= 121
    # the next window sees this one as its previous, and Django reads the same integers
    assert cache.incr_window("w:8", "w:7", timeout=121) == (1, 2)
    assert cache.get("w:7") == 2
    cache.add("w:9", 5, timeout=60)  # a counter Django wrote is read and incremented alike
    assert cache.incr_window("w:9", "w:8", timeout=121) == (6, 1)


def test_the_window_counter_is_atomic_under_threads(redis_cache):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(lambda _: cache.incr_window("t:1", "t:0", timeout=60)[0], range(80)))

    assert sorted(seen) == list(range(1, 81))  # each caller its own value
