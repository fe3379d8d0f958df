"""A bounded in-process map whose entries expire: the per-process memory of hot paths
(verified access tokens, drawn QR images), safe across a worker's threads.

Each entry is kept until the wall-clock time it was given (``until``, seconds since the
epoch, as a token's ``exp``); past ``size`` entries the least recently used goes first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ExpiringLru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value, or None when absent or expired (an expired entry is dropped)."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if found[0] <= time.time():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: K, value: V, *, until: float) -> None:
        with self._lock:
            self._items[key] = (until, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
