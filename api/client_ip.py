"""The client's IP address, the one way every part of the project computes it.

Behind ``NUM_PROXIES`` reverse proxies that append to ``X-Forwarded-For``, the client is the
address that many entries from the right; with ``NUM_PROXIES = 0`` (no proxy) the header is
ignored, so a client cannot choose its own address. Throttles, audit rows and clinic scans all
use this function.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _num_proxies() -> int:
    value = settings.REST_FRAMEWORK.get("NUM_PROXIES", 0)
    return int(str(value or 0))


def _normalised(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""


def client_ip(request: Any) -> str:
    """The caller's IP address (normalised), or "" when none can be trusted or parsed.
    ``request`` is a Django ``HttpRequest`` or a DRF ``Request``."""
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = _num_proxies()
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return _normalised(hops[-min(proxies, len(hops))])
    return _normalised(remote)


def client_ip_or_none(request: Any) -> str | None:
    """``client_ip`` for an ``inet`` column (audit rows, scans): None when unknown."""
    return client_ip(request) or None
