"""Revocations reach every process and are never forgotten, whatever the cache evicts or loses.

Each test plays the process that serves the revoked token as a *different* process from the
one that revoked it, unless said otherwise: its in-memory set is dropped (``forget``) or its
clock moves past the refresh interval, and the cache is flushed, flooded or broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Session, User
from accounts.revocation import VERSION_KEY, RevocationSet, revocations
from accounts.services.users import user_access_update
from api.roles import Role
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, bearer, login, otp_from
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
REASON = {"reason": "Caller verified at the counter, ticket 2026-118"}


class CacheSpy:
    def __init__(self, inner: Any, calls: list) -> None:
        self.inner, self.calls = inner, calls

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.inner, name)


class DownCache:
    """A cache whose every call fails, as a Redis that went away."""

    def __getattr__(self, name: str) -> Any:
        def down(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("redis is down")

        return down


@dataclass
class Env:
    sms_outbox: list
    committed: Callable[[], Any]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(revocations, "_clock", fake)
    return fake


def _agent_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=Role.SUPPORT, insuree=None))
    return client


def _admin_browser() -> Client:
    admin = UserFactory(role=Role.ADMIN, insuree=None, is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    return browser


def _admin_change_form(user: User, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "username": user.username,
        "role": user.role,
        "full_name": user.full_name,
        "insuree": user.insuree_id or "",
        "is_active": "on" if user.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not False}


# Each path revokes the session of ``victim`` (signed in, its client given) through the API,
# the admin or a service. None of them runs the after-commit publication: for the process
# serving the next request, the stamp write never happened.
def _logout(victim, user, api_client, env):
    assert victim.post("/api/v1/auth/logout").status_code == 204


def _logout_all(victim, user, api_client, env):
    assert victim.post("/api/v1/auth/logout-all").status_code == 204


def _session_delete(victim, user, api_client, env):
    other, _ = _sign_in(api_client, user)
    session = Session.objects.filter(user=user).order_by("created_at").first()
    assert other.delete(f"/api/v1/me/sessions/{session.pk}").status_code == 204


def _password_change(victim, user, api_client, env):
    other, _ = _sign_in(api_client, user)
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    r = other.post("/api/v1/auth/password/change", body)
    assert r.status_code == 204, r.content


def _password_reset(victim, user, api_client, env):
    insuree = user.insuree
    with env.committed():  # sends the code; revokes nothing
        started = api_client.post(
            "/api/v1/auth/password/reset/start",
            {
                "national_id": insuree.national_id,
                "date_of_birth": insuree.date_of_birth.isoformat(),
            },
        )
    assert started.status_code == 202, started.json()
    r = api_client.post(
        "/api/v1/auth/password/reset/verify",
        {
            "challenge_id": started.json()["challenge_id"],
            "otp": otp_from(env.sms_outbox, insuree.phone),
            "password": NEW_PASSWORD,
        },
    )
    assert r.status_code == 200, r.json()


def _support_revoke(victim, user, api_client, env):
    r = _agent_client().post(f"/api/v1/support/accounts/{user.pk}/revoke-sessions", REASON)
    assert r.status_code == 200, r.json()


def _support_reset(victim, user, api_client, env):
    r = _agent_client().post(f"/api/v1/support/accounts/{user.pk}/reset", REASON)
    assert r.status_code == 200, r.json()


def _deactivate(victim, user, api_client, env):
    assert user_access_update(user=user, is_active=False) == 1


def _role_change(victim, user, api_client, env):
    assert user_access_update(user=user, role=Role.SUPPORT) == 1


def _admin_deactivate(victim, user, api_client, env):
    r = _admin_browser().post(
        f"/admin/accounts/user/{user.pk}/change/", _admin_change_form(user, is_active=False)
    )
    assert r.status_code == 302, r.content[:2000]
    assert not User.objects.get(pk=user.pk).is_active


def _admin_role_change(victim, user, api_client, env):
    r = _admin_browser().post(
        f"/admin/accounts/user/{user.pk}/change/",
        _admin_change_form(user, role=Role.SUPPORT),
    )
    assert r.status_code == 302, r.content[:2000]
    assert User.objects.get(pk=user.pk).role == Role.SUPPORT


def _admin_password(victim, user, api_client, env):
    r = _admin_browser().post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert r.status_code == 302, r.content[:2000]


def _refresh_reuse(victim, user, api_client, sms_outbox, settings=None):
    pass  # replaced below: needs the token pair


PATHS = {
    "logout": _logout,
    "logout_all": _logout_all,
    "session_delete": _session_delete,
    "password_change": _password_change,
    "password_reset": _password_reset,
    "support_revoke": _support_revoke,
    "support_reset": _support_reset,
    "deactivate": _deactivate,
    "role_change": _role_change,
    "admin_deactivate": _admin_deactivate,
    "admin_role_change": _admin_role_change,
    "admin_password": _admin_password,
}


# A citizen's role cannot change (a citizen is an insuree): role changes are tried on staff.
STAFF_PATHS = {"role_change", "admin_role_change"}


def _user_for(path: str, citizen_user: User) -> User:
    return UserFactory(role=Role.AGENCY, insuree=None) if path in STAFF_PATHS else citizen_user


def _sign_in(api_client, user, password: str = PASSWORD):
    r = login(api_client, user.username, password)
    assert r.status_code == 200, r.json()
    return bearer(r.json()["access"]), r.json()


@pytest.mark.parametrize("path", list(PATHS))
def test_every_revocation_path_is_refused_by_another_process_with_an_empty_cache(
    path, api_client, citizen_user, sms_outbox, committed, clock
):
    # Given a session whose token works in this process (its revocation set is loaded)
    user = _user_for(path, citizen_user)
    victim, _ = _sign_in(api_client, user)
    assert victim.get(ME).status_code == 200

    # When it is revoked, the stamp never written, the cache flushed
    PATHS[path](victim, user, api_client, Env(sms_outbox, committed))
    cache.clear()

    # Then within a refresh interval the token is refused: the database decided
    clock.advance(1.01)
    r = victim.get(ME)
    assert r.status_code == 401, r.json()
    assert r.json()["code"] == "token_not_valid"
    revoked = Session.objects.filter(user=user, revoked_at__isnull=False)
    assert revoked.exists()


@pytest.mark.parametrize("path", list(PATHS))
def test_every_revocation_path_is_refused_at_once_in_the_revoking_process(
    path, api_client, citizen_user, sms_outbox, committed, clock
):
    user = _user_for(path, citizen_user)
    victim, _ = _sign_in(api_client, user)
    assert victim.get(ME).status_code == 200

    with committed():
        PATHS[path](victim, user, api_client, Env(sms_outbox, committed))

    assert victim.get(ME).status_code == 401  # no clock move: published in memory on commit


def test_a_reused_refresh_token_revokes_the_session_everywhere(
    api_client, citizen_user, settings, clock
):
    settings.ACCOUNTS_REFRESH_REUSE_GRACE_SECONDS = -1  # every reuse is past the grace
    victim, tokens = _sign_in(api_client, citizen_user)
    rotated = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
    assert rotated.status_code == 200, rotated.json()
    current = bearer(rotated.json()["access"])
    assert current.get(ME).status_code == 200

    reused = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
    cache.clear()
    clock.advance(1.01)

    assert reused.json()["code"] == "refresh_token_reused", reused.json()
    assert current.get(ME).status_code == 401
    assert victim.get(ME).status_code == 401


def test_a_logged_out_token_stays_refused_after_a_flooded_memory_cache(
    api_client, citizen_user, committed, settings, clock
):
    """``make run``: a 300-entry local-memory cache, pushed out by failed logins' counters."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "flood-test",
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    }
    victim, _ = _sign_in(api_client, citizen_user)
    with committed():
        assert victim.post("/api/v1/auth/logout").status_code == 204

    for n in range(240):  # what 240 failed logins from distinct IPs leave behind, and more
        cache.set(f"accounts:login-failures:someone-{n}", 1)
        cache.set(f"throttle_login_10.0.{n // 250}.{n % 250}", [1])
    for _ in range(3):  # failed logins through the API, as the attacker does
        login(api_client, citizen_user.username, "wrong-password")
    revocations.forget()  # and a process that never saw the logout

    for _ in range(3):
        clock.advance(1.01)
        assert victim.get(ME).status_code == 401


def test_without_a_shared_cache_each_process_reads_the_database(citizen_user, api_client):
    """Workers with their own memory cache: a stamp written by one tells the others nothing,
    so a local-memory cache is never trusted for the stamp."""
    clock = FakeClock()
    other_worker = RevocationSet(clock=clock)
    victim, _ = _sign_in(api_client, citizen_user)
    sid = str(Session.objects.get(user=citizen_user).pk)
    assert not other_worker.is_revoked(sid)

    assert victim.post("/api/v1/auth/logout").status_code == 204
    cache.set(VERSION_KEY, "the-stamp-this-worker-saw")  # as if unchanged
    clock.advance(0.5)
    assert not other_worker.is_revoked(sid)  # inside the interval: the set is trusted
    clock.advance(0.51)
    assert other_worker.is_revoked(sid)
    assert other_worker.loads == 2


def test_a_session_revoked_before_the_window_is_not_kept(citizen_user, api_client):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.revocation import revocation_window

    _sign_in(api_client, citizen_user)
    _sign_in(api_client, citizen_user)
    old, recent = Session.objects.filter(user=citizen_user)
    now = timezone.now()
    Session.objects.filter(pk=old.pk).update(revoked_at=now - revocation_window() - timedelta(1))
    Session.objects.filter(pk=recent.pk).update(revoked_at=now)

    fresh = RevocationSet(clock=FakeClock())

    assert fresh.is_revoked(str(recent.pk))
    assert not fresh.is_revoked(str(old.pk))  # its access tokens expired long ago


def test_authentication_makes_no_query_and_no_cache_call_within_the_interval(
    api_client, citizen_user, clock, monkeypatch
):
    # Given a signed-in citizen whose process has loaded its revocation set
    victim, _ = _sign_in(api_client, citizen_user)
    assert victim.get("/api/v1/contributions/").status_code == 200
    calls: list[str] = []
    monkeypatch.setattr("accounts.revocation.cache", CacheSpy(cache, calls))

    # When the citizen reads the contribution history
    with CaptureQueriesContext(connection) as ctx:
        r = victim.get("/api/v1/contributions/")

    # Then no query reads the user or the session, and the revocation check touched no cache
    assert r.status_code == 200, r.json()
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if "accounts_user" in q or "accounts_session" in q], sql
    assert len(sql) == 1, sql  # the page of records itself
    assert calls == []


def test_the_user_from_claims_loads_other_fields_on_demand(api_client, citizen_user):
    _, tokens = _sign_in(api_client, citizen_user)
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.authentication import user_from_claims

    user = user_from_claims(AccessToken(tokens["access"]))

    assert (user.pk, user.role, user.insuree_id) == (
        citizen_user.pk,
        Role.CITIZEN,
        citizen_user.insuree_id,
    )
    assert user.get_deferred_fields() >= {"username", "password", "full_name"}
    assert user.username == citizen_user.username  # one query, on demand
    assert user.check_password(PASSWORD)


def test_tokens_carry_role_and_insuree_claims(api_client, citizen_user):
    from rest_framework_simplejwt.tokens import AccessToken

    _, tokens = _sign_in(api_client, citizen_user)
    claims = AccessToken(tokens["access"])

    assert claims["role"] == Role.CITIZEN
    assert claims["insuree_id"] == citizen_user.insuree_id
    assert claims["sid"] == str(Session.objects.get(user=citizen_user).pk)


def test_forged_claims_are_refused(api_client, citizen_user):
    from rest_framework_simplejwt.tokens import AccessToken

    _, tokens = _sign_in(api_client, citizen_user)
    claims = AccessToken(tokens["access"])
    claims["role"] = Role.ADMIN
    forged = str(claims)[:-4] + "AAAA"  # the signature no longer matches

    assert bearer(forged).get("/api/v1/support/accounts?q=1").status_code == 401


def test_a_deactivated_user_cannot_refresh_either(api_client, citizen_user, clock):
    _, tokens = _sign_in(api_client, citizen_user)
    user_access_update(user=citizen_user, is_active=False)

    r = api_client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})

    assert r.status_code == 401, r.json()
    event = AuditEvent.objects.get(action="user_access_changed")
    assert event.data["fields"] == ["is_active"]
    assert event.data["sessions_ended"] == 1


def test_a_new_role_reaches_the_next_session_tokens(api_client, clock):
    staff = UserFactory(role=Role.AGENCY, insuree=None)
    _sign_in(api_client, staff)
    user_access_update(user=staff, role=Role.SUPPORT)

    client, _ = _sign_in(api_client, staff)

    assert client.get("/api/v1/support/accounts?q=0000000000").status_code == 200


def test_an_unchanged_update_ends_nothing(api_client, citizen_user):
    _sign_in(api_client, citizen_user)

    assert user_access_update(user=citizen_user, role=Role.CITIZEN, is_active=True) == 0
    assert not Session.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.redis
class TestSharedStamp:
    def test_another_process_reloads_when_the_stamp_moves(
        self, redis_cache, api_client, citizen_user, committed
    ):
        clock = FakeClock()
        other = RevocationSet(clock=clock)
        victim, _ = _sign_in(api_client, citizen_user)
        sid = str(Session.objects.get(user=citizen_user).pk)
        assert not other.is_revoked(sid)
        clock.advance(1.01)
        assert not other.is_revoked(sid)
        assert other.loads == 1  # same stamp: no database load

        with committed():
            victim.post("/api/v1/auth/logout")
        clock.advance(1.01)

        assert other.is_revoked(sid)
        assert other.loads == 2

    def test_an_evicted_stamp_means_a_reload(self, redis_cache, api_client, citizen_user):
        clock = FakeClock()
        other = RevocationSet(clock=clock)
        victim, _ = _sign_in(api_client, citizen_user)
        sid = str(Session.objects.get(user=citizen_user).pk)
        assert not other.is_revoked(sid)

        victim.post("/api/v1/auth/logout")  # not committed: no stamp written
        cache.delete(VERSION_KEY)
        clock.advance(1.01)

        assert other.is_revoked(sid)

    def test_a_stale_stamp_is_outlived_by_the_backstop_reload(
        self, redis_cache, api_client, citizen_user, settings
    ):
        clock = FakeClock()
        other = RevocationSet(clock=clock)
        victim, _ = _sign_in(api_client, citizen_user)
        sid = str(Session.objects.get(user=citizen_user).pk)
        assert not other.is_revoked(sid)

        victim.post("/api/v1/auth/logout")  # the stamp write is lost, the old stamp stays
        clock.advance(1.01)
        assert not other.is_revoked(sid)
        clock.advance(settings.ACCOUNTS_REVOCATION_RELOAD_SECONDS)

        assert other.is_revoked(sid)

    def test_an_unreachable_cache_means_the_database(
        self, redis_cache, api_client, citizen_user, monkeypatch
    ):
        clock = FakeClock()
        other = RevocationSet(clock=clock)
        victim, _ = _sign_in(api_client, citizen_user)
        sid = str(Session.objects.get(user=citizen_user).pk)
        assert not other.is_revoked(sid)

        monkeypatch.setattr("accounts.revocation.cache", DownCache())
        victim.post("/api/v1/auth/logout")
        clock.advance(1.01)

        assert other.is_revoked(sid)

    def test_publishing_with_the_cache_down_still_refuses_here(
        self, redis_cache, api_client, citizen_user, committed, monkeypatch
    ):
        victim, _ = _sign_in(api_client, citizen_user)
        assert victim.get(ME).status_code == 200

        monkeypatch.setattr("accounts.revocation.cache", DownCache())
        with committed():
            r = victim.post("/api/v1/auth/logout")

        assert r.status_code == 204
        assert victim.get(ME).status_code == 401


# --- access tokens verified once per process ------------------------------------------------


def test_a_token_is_verified_once_per_process_and_its_session_checked_every_time(
    api_client, citizen_user, monkeypatch, committed
):
    from rest_framework_simplejwt.backends import TokenBackend

    decoded = []
    decode = TokenBackend.decode

    def counting(self, token, verify=True):
        decoded.append(token)
        return decode(self, token, verify)

    monkeypatch.setattr(TokenBackend, "decode", counting)
    _, tokens = _sign_in(api_client, citizen_user)
    phone = bearer(tokens["access"])

    assert [phone.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    assert len(decoded) == 1  # the signature and claims checked once

    # a token that differs by one character is not the token that was verified
    forged = tokens["access"][:-4] + "AAAA"
    assert bearer(forged).get("/api/v1/me").status_code == 401
    # and the session is still checked on every request: logging out ends the cached token
    with committed():
        ended = phone.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]})
    assert ended.status_code == 204
    r = phone.get("/api/v1/me")
    assert r.status_code == 401, r.json()


def test_a_remembered_token_past_its_expiry_is_refused(api_client, citizen_user, monkeypatch):
    import time

    from rest_framework_simplejwt.tokens import AccessToken

    _, tokens = _sign_in(api_client, citizen_user)
    phone = bearer(tokens["access"])
    assert phone.get("/api/v1/me").status_code == 200  # now remembered
    exp = AccessToken(tokens["access"])["exp"]
    later = exp + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the clock moved on
    monkeypatch.setattr(  # simplejwt's clock too
        "rest_framework_simplejwt.tokens.aware_utcnow",
        lambda: datetime.fromtimestamp(later, tz=UTC),
    )

    r = phone.get("/api/v1/me")

    assert r.status_code == 401, r.json()
    assert r.json()["code"] == "token_not_valid"
