"""What a view learns about the caller: IP (api.client_ip, honouring NUM_PROXIES), user
agent, session id."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from api.client_ip import client_ip_or_none


def client_ip(request: Request) -> str | None:
    """The caller's IP for audit rows (an inet column: None when unknown)."""
    return client_ip_or_none(request)


def client_user_agent(request: Request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:255]


def client_session_id(request: Request) -> Any:
    token = request.auth
    return token.get("sid") if token is not None and hasattr(token, "get") else None
