"""Concurrent refreshes of one token on PostgreSQL: exactly one wins.

Each thread has its own database connection, so the row locks are real. SQLite serialises
writers for the whole file and has no SELECT ... FOR UPDATE, so the test only means
something (and only runs) on PostgreSQL; CI runs it there.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.models import Session
from tests.accounts.conftest import login
from tests.accounts.factories import UserFactory

THREADS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_have_exactly_one_winner():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE) and real concurrency")
    user = UserFactory()
    tokens = login(APIClient(), user.username).json()
    barrier = threading.Barrier(THREADS)

    def refresh_once(_: int) -> tuple[int, dict]:
        try:
            barrier.wait(timeout=30)
            r = APIClient().post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
            return r.status_code, r.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(refresh_once, range(THREADS)))

    winners = [body for code, body in results if code == 200]
    assert len(winners) == 1, results
    assert all(code == 401 for code, _ in results if code != 200), results
    # The one new chain is alive (the losers raced within the grace and revoked nothing).
    session = Session.objects.get(user=user)
    assert session.revoked_at is None
    r = APIClient().post("/api/v1/auth/token/refresh", {"refresh": winners[0]["refresh"]})
    assert r.status_code == 200, r.json()
