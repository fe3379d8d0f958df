"""Fixtures of the accounts tests: the SMS outbox, after-commit effects, real logins."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.sms import memory
from api.roles import Role
from tests.accounts.factories import InsureeFactory, UserFactory

PASSWORD = "Demo@2026"
NEW_PASSWORD = "Một-mật-khẩu-mới-2026"


@pytest.fixture
def sms_outbox() -> Iterator[list[tuple[str, str]]]:
    memory.outbox.clear()
    yield memory.outbox
    memory.outbox.clear()


def otp_from(outbox: list[tuple[str, str]], phone: str) -> str:
    texts = [text for to, text in outbox if to == phone]
    assert texts, outbox
    match = re.search(r"\b(\d{6})\b", texts[-1])
    assert match, texts[-1]
    return match.group(1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], Any]:
    """``with committed(): ...`` runs what the services scheduled with on_commit, as a real
    commit would (tests run inside a transaction that is rolled back)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def citizen_user(db):
    return UserFactory(role=Role.CITIZEN, insuree=InsureeFactory())


def login(client: APIClient, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/api/v1/auth/token", {"username": username, "password": password, **extra})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.fixture
def signed_in(api_client) -> Callable[..., tuple[APIClient, dict[str, str]]]:
    """Sign a user in through the API; returns a client carrying the access token, and the
    token pair."""

    def sign_in(user, password: str = PASSWORD, **extra: Any):
        r = login(api_client, user.username, password, **extra)
        assert r.status_code == 200, r.json()
        return bearer(r.json()["access"]), r.json()

    return sign_in
