"""What a view learns about the caller: IP (honouring NUM_PROXIES like the throttles),
user agent, session id."""

from __future__ import annotations

import ipaddress
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle


def client_ip(request: Request) -> str | None:
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident.strip()))
    except ValueError:
        return None


def client_user_agent(request: Request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:255]


def client_session_id(request: Request) -> Any:
    token = request.auth
    return token.get("sid") if token is not None and hasattr(token, "get") else None
