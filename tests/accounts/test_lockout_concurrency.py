"""Finding 1: forty simultaneous wrong passwords for one account, through a real threaded
HTTP server on PostgreSQL. Each attempt reserves its place before hashing, under a row lock:
the hash is checked at most ACCOUNTS_LOGIN_MAX_FAILURES times, the lock goes exactly one level
up with one ``account_locked`` audit row, and nothing answers 500.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import AuditEvent, LoginLock, User
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import InsureeFactory, UserFactory

BURST = 40


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw or b"{}")
        except ValueError:
            return error.code, {"raw": raw[:200].decode(errors="replace")}


@pytest.fixture
def counted_hash_checks(monkeypatch) -> list[int]:
    checks: list[int] = []
    lock = threading.Lock()
    original = User.check_password

    def counting(self, raw_password):
        with lock:
            checks.append(1)
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return checks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_wrong_passwords_checks_the_hash_at_most_max_times(
    live_server, settings, counted_hash_checks
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and a connection per server thread")
    user = UserFactory(insuree=InsureeFactory())
    url = f"{live_server.url}/api/v1/auth/token"
    barrier = threading.Barrier(BURST)

    def wrong(i: int) -> tuple[int, dict]:
        barrier.wait(timeout=30)
        return post_json(url, {"username": user.username, "password": f"wrong-{i}"})

    with ThreadPoolExecutor(BURST) as pool:
        results = list(pool.map(wrong, range(BURST)))

    codes = [code for code, _ in results]
    assert 500 not in codes, results
    assert set(codes) <= {401, 423}, results
    assert len(counted_hash_checks) <= settings.ACCOUNTS_LOGIN_MAX_FAILURES
    assert codes.count(401) == settings.ACCOUNTS_LOGIN_MAX_FAILURES - 1, codes
    row = LoginLock.objects.get(key=user.username.lower())
    assert row.level == 1
    assert row.locked_until is not None
    assert row.pending == 0
    assert AuditEvent.objects.filter(action="account_locked", target_user=user).count() == 1
    # And the right password is refused while locked, without hashing.
    before = len(counted_hash_checks)
    code, body = post_json(url, {"username": user.username, "password": PASSWORD})
    assert code == 423, body
    assert body["retry_after"] == settings.ACCOUNTS_LOCK_BASE_SECONDS or body["retry_after"] > 0
    assert len(counted_hash_checks) == before
