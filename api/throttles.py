"""Throttles. State lives in the default cache (Redis in production).

DRF's stock throttles keep a list with one timestamp per request and rewrite it on every
request, so their cost grows with the rate (at 6000/min a clinic's list holds thousands of
entries). Ours keep two counters per client: the current and the previous window, weighted
into a sliding estimate (the "sliding window counter"). Each request costs one increment and
one get (one round trip on Redis: ``api.cache.RedisCache.incr_window``), whatever the rate,
and there is no burst of twice the rate at window edges.

Increment first, then decide: each request atomically increments the current window's counter
(Redis ``INCR``) and is admitted only if the estimate that includes itself stays within the
limit; a refused request takes its increment back. So 40 simultaneous requests against a limit
of 20 admit exactly 20, however they interleave.

- ``UserRateThrottle`` / ``AnonRateThrottle`` apply everywhere (rates ``user`` / ``anon``).
- ``ScopedRateThrottle``: per user (or IP when anonymous), rate from the view's
  ``throttle_scope``.
- ``IPScopedRateThrottle``: per client IP whether or not the caller is authenticated, for
  sensitive public endpoints (login, OTP, password reset).
- ``IPFailureRateThrottle``: per client IP, counting failures only. A request reserves a count
  on the way in (atomically, as above) and gives it back when it succeeds
  (``throttle_refund_on_success`` in the view's ``finalize_response``), so that thousands of
  phones behind one carrier-grade NAT address, or a clinic's shared line, can all sign in; the
  per-account lock (accounts.lockout) is the primary guard against guessing.

When the cache cannot be reached, a limit that only spreads load fails open (the request goes
on, a warning is logged at most every 10 s): a Redis outage must not take the whole API down,
and the guards that matter most do not live there (the per-account lock and the revocations
are in the database). The scopes in ``FAIL_CLOSED_SCOPES`` guard people rather than load (a
text message to a phone, a person looked up by number) and refuse with 503
``service_unavailable`` and ``Retry-After`` instead.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import status, throttling
from rest_framework.request import Request

from api.cache import CACHE_ERRORS, cache_unreachable_warn
from api.client_ip import client_ip
from api.error_codes import ErrorCode

# Scopes that refuse (503) rather than admit when their counters cannot be read.
FAIL_CLOSED_SCOPES = frozenset({"otp", "password_reset", "clinic_lookup"})
CACHE_DOWN_RETRY_SECONDS = 30


def cache_down_error() -> Exception:
    """503 ``service_unavailable``: a safeguard's counters cannot be read just now."""
    # Imported here: DRF's views (which api.exceptions imports) load the throttle classes.
    from api.exceptions import ApplicationError

    return ApplicationError(
        code=ErrorCode.SERVICE_UNAVAILABLE,
        detail=_("This is unavailable for a moment. Please try again shortly."),
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        extra={"retry_after": CACHE_DOWN_RETRY_SECONDS},
        headers={"Retry-After": str(CACHE_DOWN_RETRY_SECONDS)},
    )


class SlidingWindowCounterMixin(throttling.SimpleRateThrottle):
    """Replaces the per-request history with two counters; see the module docstring."""

    _wait: float | None = None
    num_requests: int | None
    duration: int | None
    counted_key: str | None = None  # the counter this request incremented, when admitted

    def get_ident(self, request: Request) -> str:
        """The client's address from api.client_ip (one helper for throttles, audit, scans)."""
        return client_ip(request) or "unknown"

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
        try:
            current, previous = self._counters(current_key, previous_key, ttl=2 * duration + 1)
        except CACHE_ERRORS as error:
            cache_unreachable_warn(f"throttle {getattr(self, 'scope', '')}", error)
            if getattr(self, "scope", None) in FAIL_CLOSED_SCOPES:
                raise cache_down_error() from error
            return True
        elapsed = now - window * duration
        previous_weight = 1 - elapsed / duration
        estimate = previous * previous_weight + current  # this request included
        if estimate > limit:
            self.refund(current_key)
            self._wait = self._wait_for(previous, estimate - 1, elapsed)
            return False
        self.counted_key = current_key
        return True

    def _counters(self, current_key: str, previous_key: str, *, ttl: int) -> tuple[int, int]:
        """This window's counter with this request added, and the previous window's."""
        incr_window = getattr(self.cache, "incr_window", None)
        if incr_window is not None:  # our Redis cache: one round trip
            current, previous = incr_window(current_key, previous_key, timeout=ttl)
            return int(current), int(previous)
        return self._increment(current_key, ttl=ttl), int(self.cache.get(previous_key, 0))

    def _increment(self, key: str, *, ttl: int) -> int:
        """Add one and return the new value, atomically (each caller sees its own value)."""
        # The counter lives two windows: it is the "previous" one during the next window.
        # Incrementing first costs one round trip on Redis in the common case.
        for _attempt in range(3):
            try:
                return int(self.cache.incr(key))
            except ValueError:  # first request of this window
                if self.cache.add(key, 1, timeout=ttl):
                    return 1
                # another request created it meanwhile: increment that one
        return int(self.cache.incr(key))

    def refund(self, key: str) -> None:
        # expired meanwhile, or the cache went away: nothing to give back
        with contextlib.suppress(ValueError, *CACHE_ERRORS):
            self.cache.decr(key)

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


REFUNDS_ATTRIBUTE = "throttle_refunds"


class IPFailureRateThrottle(IPScopedRateThrottle):
    """Per client IP, counting only requests that fail (see the module docstring)."""

    def allow_request(self, request: Request, view: Any) -> bool:
        allowed = super().allow_request(request, view)
        if allowed and self.counted_key is not None:
            refunds: list[tuple[Any, str]] = getattr(request, REFUNDS_ATTRIBUTE, [])
            refunds.append((self, self.counted_key))
            setattr(request, REFUNDS_ATTRIBUTE, refunds)
        return allowed


def throttle_refund_on_success(request: Request, status_code: int) -> None:
    """Give back the counts ``IPFailureRateThrottle`` reserved, when the request succeeded."""
    if status_code >= 400:
        return
    for throttle, key in getattr(request, REFUNDS_ATTRIBUTE, []):
        throttle.refund(key)
    setattr(request, REFUNDS_ATTRIBUTE, [])
