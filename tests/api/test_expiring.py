"""The bounded, expiring in-process map behind the verified-token and QR-image memories."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from api.expiring import ExpiringLru


def test_the_least_recently_used_goes_first_past_the_size():
    memory: ExpiringLru[str, bytes] = ExpiringLru(2)
    later = time.time() + 60
    memory.put("a", b"A", until=later)
    memory.put("b", b"B", until=later)
    assert memory.get("a") == b"A"  # now the most recent

    memory.put("c", b"C", until=later)  # evicts the least recently used: b

    assert (memory.get("a"), memory.get("b"), memory.get("c")) == (b"A", None, b"C")


def test_an_entry_is_gone_once_its_time_has_come(monkeypatch):
    memory: ExpiringLru[str, str] = ExpiringLru(10)
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    memory.put("token", "claims", until=1_000_030.0)

    clock[0] = 1_000_029.9
    assert memory.get("token") == "claims"
    clock[0] = 1_000_030.0  # its exp: expired, and dropped
    assert memory.get("token") is None
    clock[0] = 0.0
    assert memory.get("token") is None  # not merely hidden: gone


def test_it_holds_under_threads_and_clears():
    memory: ExpiringLru[int, int] = ExpiringLru(50)
    later = time.time() + 60
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: memory.put(n, n * n, until=later), range(400)))

    kept = [n for n in range(400) if memory.get(n) is not None]
    assert len(kept) == 50
    assert all(memory.get(n) == n * n for n in kept)
    memory.clear()
    assert all(memory.get(n) is None for n in kept)
