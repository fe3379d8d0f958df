"""Throttles. State lives in the default cache (Redis in production).

DRF's stock throttles keep a list with one timestamp per request and rewrite it on every
request, so their cost grows with the rate (at 6000/min a clinic's list holds thousands of
entries). Ours keep two counters per client: the current and the previous window, weighted
into a sliding estimate (the "sliding window counter"). Each request costs one multi-get and
one increment, whatever the rate, and there is no burst of twice the rate at window edges.

- ``UserRateThrottle`` / ``AnonRateThrottle`` apply everywhere (rates ``user`` / ``anon``).
- ``ScopedRateThrottle``: per user (or IP when anonymous), rate from the view's
  ``throttle_scope``.
- ``IPScopedRateThrottle``: per client IP whether or not the caller is authenticated, for
  sensitive public endpoints (login, OTP, password reset).
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import throttling
from rest_framework.request import Request


class SlidingWindowCounterMixin(throttling.SimpleRateThrottle):
    """Replaces the per-request history with two counters; see the module docstring."""

    _wait: float | None = None
    num_requests: int | None
    duration: int | None

    def allow_request(self, request: Request, view: Any) -> bool:
        limit, duration = self.num_requests, self.duration
        if self.rate is None or limit is None or duration is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // duration)
        current_key, previous_key = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current_key, previous_key])
        elapsed = now - window * duration
        previous_weight = 1 - elapsed / duration
        estimate = counts.get(previous_key, 0) * previous_weight + counts.get(current_key, 0)
        if estimate + 1 > limit:
            self._wait = self._wait_for(counts.get(previous_key, 0), estimate, elapsed)
            return False
        self._increment(current_key, ttl=2 * duration + 1)
        return True

    def _increment(self, key: str, *, ttl: int) -> None:
        # The counter lives two windows: it is the "previous" one during the next window.
        # Incrementing first costs one round trip on Redis in the common case.
        try:
            self.cache.incr(key)
        except ValueError:  # first request of this window
            if not self.cache.add(key, 1, timeout=ttl):
                self.cache.incr(key)  # another request created it meanwhile

    def _wait_for(self, previous: int, estimate: float, elapsed: float) -> float:
        """Seconds until the estimate drops below the limit, assuming no new requests."""
        duration = float(self.duration or 1)
        remaining_in_window = duration - elapsed
        if previous <= 0:
            return max(1.0, remaining_in_window)
        # The previous window's weight falls by previous/duration per second.
        excess = estimate + 1 - (self.num_requests or 0)
        return max(1.0, min(remaining_in_window + duration, excess * duration / previous))

    def wait(self) -> float | None:
        return math.ceil(self._wait) if self._wait is not None else None


class UserRateThrottle(throttling.UserRateThrottle, SlidingWindowCounterMixin):
    pass


class AnonRateThrottle(throttling.AnonRateThrottle, SlidingWindowCounterMixin):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, SlidingWindowCounterMixin):
    """Per user (or IP when anonymous), rate from the view's ``throttle_scope``."""


class IPScopedRateThrottle(ScopedRateThrottle):
    """Per client IP, rate from the view's ``throttle_scope``."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
