"""Throttles. State lives in the default cache (Redis in production).

``UserRateThrottle``/``AnonRateThrottle`` apply everywhere. Sensitive public endpoints
(login, OTP, password reset) use ``IPScopedRateThrottle``: counted per client IP whether
or not the caller is authenticated, with the rate named by the view's ``throttle_scope``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request


class UserRateThrottle(throttling.UserRateThrottle):
    pass


class AnonRateThrottle(throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """Per user (or IP when anonymous), rate from the view's ``throttle_scope``."""


class IPScopedRateThrottle(throttling.ScopedRateThrottle):
    """Per client IP, rate from the view's ``throttle_scope``."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
