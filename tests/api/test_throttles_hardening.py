"""Throttles under concurrency (finding 2), scoped throttles that apply (finding 3) and
per-IP limits that count failures only (finding 4)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connection, connections
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from api.roles import Role
from api.throttles import IPScopedRateThrottle, ScopedRateThrottle, SlidingWindowCounterMixin
from healthcards.models import ClinicOperator
from tests.accounts.conftest import PASSWORD, login
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory

BURST = 40
LIMIT = 20


class ProbeView:
    throttle_scope = "probe"


@pytest.fixture
def mid_window(monkeypatch) -> float:
    """The throttles' clock held in the middle of a minute: a burst that straddled a window
    edge would count part of itself in the previous window, which the sliding estimate reads
    while the other part is still incrementing (an edge effect of the algorithm, not of the
    atomicity these tests check)."""
    now = (int(time.time() // 60) + 1) * 60 + 30.0  # a fresh window, 30 s from both edges
    monkeypatch.setattr(SlidingWindowCounterMixin, "timer", staticmethod(lambda: now))
    return now


@pytest.mark.redis
def test_simultaneous_requests_from_one_ip_admit_exactly_the_limit(
    redis_cache, monkeypatch, mid_window
):
    # Given a limit of 20/min and 40 threads released at once against a real Redis
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "probe", f"{LIMIT}/min")
    barrier = threading.Barrier(BURST)

    def attempt(_: int) -> bool:
        request = Request(APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.9"))
        barrier.wait(timeout=30)
        return IPScopedRateThrottle().allow_request(request, ProbeView())

    with ThreadPoolExecutor(BURST) as pool:
        allowed = list(pool.map(attempt, range(BURST)))

    # Then exactly the limit passed (reading then incrementing let 29 through)
    assert sum(allowed) == LIMIT, allowed


@pytest.mark.redis
@pytest.mark.postgres
def test_simultaneous_logins_from_one_ip_admit_exactly_the_limit(
    redis_cache, monkeypatch, transactional_db, mid_window
):
    if connection.vendor != "postgresql":
        pytest.skip("threads need a database connection each (PostgreSQL)")
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "login", f"{LIMIT}/min")
    users = [UserFactory(insuree=InsureeFactory()) for _ in range(BURST)]
    barrier = threading.Barrier(BURST)

    def wrong(user) -> int:
        try:
            barrier.wait(timeout=30)
            return login(APIClient(), user.username, "wrong-password").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(BURST) as pool:
        codes = list(pool.map(wrong, users))

    assert codes.count(401) == LIMIT, codes
    assert codes.count(429) == BURST - LIMIT, codes


def test_successful_logins_do_not_consume_the_ip_limit(db, monkeypatch):
    # Given a login limit of 3 failures per minute per IP, and many people behind one NAT
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "login", "3/min")
    people = [UserFactory(insuree=InsureeFactory()) for _ in range(6)]

    # When six of them sign in successfully from the same address
    codes = [login(APIClient(), person.username).status_code for person in people]

    # Then all succeed, and failures still have their whole budget
    assert codes == [200] * 6
    failures = [login(APIClient(), people[0].username, "wrong").status_code for _ in range(4)]
    assert failures == [401, 401, 401, 429]


def test_an_unlocked_citizen_signs_in_although_others_used_the_same_ip(db, monkeypatch):
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "login", "2/min")
    for person in [UserFactory(insuree=InsureeFactory()) for _ in range(5)]:
        assert login(APIClient(), person.username).status_code == 200
    unlocked = UserFactory(insuree=InsureeFactory())

    r = login(APIClient(), unlocked.username, PASSWORD)

    assert r.status_code == 200, r.json()


def _staff(role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role, insuree=None))
    return client


def _clinic() -> APIClient:
    user = UserFactory(role=Role.CLINIC, insuree=None)
    ClinicOperator.objects.create(user=user, facility=FacilityFactory())
    client = APIClient()
    client.force_authenticate(user)
    return client


IDENTIFY = {"social_insurance_number": "0999999999", "date_of_birth": "1990-01-01"}
SCOPES = [
    ("login", APIClient, "post", "/api/v1/auth/token", {"username": "x", "password": "y"}),
    ("otp", APIClient, "post", "/api/v1/auth/register/start", IDENTIFY),
    ("otp-totp", lambda: _staff(Role.SUPPORT), "post", "/api/v1/auth/totp/confirm", {"otp": "1"}),
    ("password_reset", APIClient, "post", "/api/v1/auth/password/reset/start", IDENTIFY),
    ("support", lambda: _staff(Role.SUPPORT), "get", "/api/v1/support/accounts?q=09", None),
    ("clinic_verify", _clinic, "post", "/api/v1/clinic/verify", {"qr": "garbage"}),
]


@pytest.mark.parametrize(
    ("scope", "make_client", "method", "path", "body"), SCOPES, ids=[s[0] for s in SCOPES]
)
def test_each_throttle_scope_applies(
    db, monkeypatch, settings, scope, make_client, method, path, body
):
    # Given a rate of 2/min for the view's scope
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope.split("-")[0], "2/min")
    cache.clear()
    client = make_client()

    # When the third request comes
    codes = [getattr(client, method)(path, body).status_code for _ in range(3)]

    # Then it is throttled
    assert codes[2] == 429, codes
    assert 429 not in codes[:2], codes
