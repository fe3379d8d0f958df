"""Login: credentials, lockout before hashing, IP throttles, audit."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.lockout import lockout_key, login_failure_register
from accounts.models import AuditEvent, LoginLock, Session
from api.roles import Role
from api.throttles import IPScopedRateThrottle
from tests.accounts.conftest import PASSWORD, bearer, login
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_citizen_signs_in_with_social_insurance_number_or_national_id(api_client, citizen_user):
    for username in [citizen_user.username, citizen_user.insuree.national_id]:
        r = login(api_client, username, device_name="Pixel 8")

        assert r.status_code == 200, r.json()
        assert set(r.json()) == {"access", "refresh"}
    assert Session.objects.filter(user=citizen_user, device_name="Pixel 8").count() == 2
    citizen_user.refresh_from_db()
    assert citizen_user.last_login is not None


def test_staff_signs_in_with_username(api_client):
    staff = UserFactory(role=Role.SUPPORT, insuree=None, username="support.one")

    r = login(api_client, "support.one")

    assert r.status_code == 200, r.json()
    assert bearer(r.json()["access"]).get("/api/v1/me").json()["username"] == staff.username


@pytest.mark.parametrize("username", ["0999999999", "nobody", "KNOWN"])
def test_wrong_or_unknown_credentials_are_401_with_one_code(api_client, citizen_user, username):
    r = login(api_client, citizen_user.username if username == "KNOWN" else username, "wrong")

    assert r.status_code == 401, r.json()
    assert r.json()["code"] == "invalid_credentials"


def test_missing_fields_are_400(api_client):
    r = api_client.post("/api/v1/auth/token", {"username": "0123456789"})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "password"


def test_wrong_password_answers_like_unknown_user(api_client, citizen_user):
    known = login(api_client, citizen_user.username, "wrong-password")
    unknown = login(api_client, "0999999999", "wrong-password")

    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()


def test_inactive_user_cannot_sign_in(api_client, citizen_user):
    citizen_user.is_active = False
    citizen_user.save()

    r = login(api_client, citizen_user.username)

    assert r.status_code == 401, r.json()


def test_repeated_failures_lock_the_account_with_a_clear_code(api_client, citizen_user, settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert login(api_client, citizen_user.username, "wrong").status_code == 401

    r = login(api_client, citizen_user.insuree.national_id, "wrong")  # the same account

    assert r.status_code == 423, r.json()
    assert r.json()["code"] == "account_locked"
    assert r.json()["retry_after"] == settings.ACCOUNTS_LOCK_BASE_SECONDS
    assert r["Retry-After"] == str(settings.ACCOUNTS_LOCK_BASE_SECONDS)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("login_failed") == 3
    assert "account_locked" in actions


def test_locked_account_refuses_even_the_right_password_without_hashing(
    api_client, citizen_user, settings
):
    # Given a locked account whose stored hash would blow up if anyone tried to check it
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 1
    login(api_client, citizen_user.username, "wrong")
    citizen_user.password = "argon2$not-a-real-hash"
    citizen_user.save()

    # When the right password comes
    r = login(api_client, citizen_user.username, PASSWORD)

    # Then the answer is the lock, decided before any hashing
    assert r.status_code == 423, r.json()


def test_lock_durations_grow(settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    key = lockout_key("0123456789")

    durations = []
    for _ in range(4):
        durations.append(max(login_failure_register(key), login_failure_register(key)))
        LoginLock.objects.filter(key=key).update(locked_until=timezone.now())  # lock ran out

    base = settings.ACCOUNTS_LOCK_BASE_SECONDS
    assert durations == [base, 2 * base, 4 * base, 8 * base]


def test_unknown_usernames_lock_too(api_client, settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    login(api_client, "0999999999", "x")

    r = login(api_client, "0999999999", "x")

    assert r.status_code == 423, r.json()


def test_success_clears_the_failure_count(api_client, citizen_user, settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    login(api_client, citizen_user.username, "wrong")
    assert login(api_client, citizen_user.username).status_code == 200

    r = login(api_client, citizen_user.username, "wrong")

    assert r.status_code == 401, r.json()


def test_login_audit_records_success_and_failure_with_ip(api_client, citizen_user):
    login(api_client, citizen_user.username, "wrong", REMOTE_ADDR="203.0.113.7")
    api_client.post(
        "/api/v1/auth/token",
        {"username": citizen_user.username, "password": PASSWORD},
        REMOTE_ADDR="203.0.113.8",
    )

    failed = AuditEvent.objects.get(action="login_failed")
    succeeded = AuditEvent.objects.get(action="login_succeeded")
    assert failed.target_user == citizen_user
    assert succeeded.actor == citizen_user
    assert succeeded.ip == "203.0.113.8"


@pytest.mark.redis
def test_login_is_throttled_per_ip_in_redis(api_client, citizen_user, redis_cache, monkeypatch):
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "login", "3/min")

    codes = [
        login(api_client, f"09999999{i:02d}", "x", REMOTE_ADDR="198.51.100.1").status_code
        for i in range(4)
    ]
    other_ip = api_client.post(
        "/api/v1/auth/token",
        {"username": citizen_user.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.2",
    )

    assert codes == [401, 401, 401, 429]
    assert other_ip.status_code == 200, other_ip.json()


def test_seeded_demo_logins_work_through_the_api(api_client):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    for username in ["0123456789", "001190012345", "support.demo", "agency.demo", "admin"]:
        r = login(api_client, username, "Demo@2026")
        assert r.status_code == 200, (username, r.json())


def test_argon2_is_the_production_hasher():
    from api.settings import base

    assert base.PASSWORD_HASHERS[0] == "accounts.hashers.Argon2idPasswordHasher"


def test_failed_login_audit_never_stores_what_was_typed_in_full(api_client, citizen_user):
    national_id = citizen_user.insuree.national_id
    login(api_client, national_id, "wrong")
    login(api_client, "MyS3cret!Passw0rd", "wrong")  # a password typed into the username field

    rows = AuditEvent.objects.filter(action="login_failed").order_by("id")
    stored = " ".join(str(row.data) for row in rows)
    assert national_id not in stored
    assert "MyS3cret!Passw0rd" not in stored
    assert rows[0].target_user == citizen_user
    assert rows[0].data["typed_username"] == f"{national_id[:3]}******{national_id[-3:]}"
    assert rows[1].target_user is None


def test_a_lock_survives_the_cache_being_emptied(api_client, citizen_user, settings):
    # Given a locked account
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        login(api_client, citizen_user.username, "wrong")

    # When every cache entry is evicted (a restart, memory pressure, a per-worker cache)
    from django.core.cache import cache

    cache.clear()

    # Then the right password is still refused
    r = login(api_client, citizen_user.username, PASSWORD)
    assert r.status_code == 423, r.json()
