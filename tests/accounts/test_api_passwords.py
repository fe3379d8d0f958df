"""Password change and forgotten-password reset."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, Session
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, login, otp_from

pytestmark = pytest.mark.django_db

CHANGE = "/api/v1/auth/password/change"
RESET_START = "/api/v1/auth/password/reset/start"
RESET_VERIFY = "/api/v1/auth/password/reset/verify"


def test_password_change_ends_every_other_session(signed_in, citizen_user, committed):
    client, _ = signed_in(citizen_user, device_name="this one")
    other, _ = signed_in(citizen_user, device_name="old tablet")

    with committed():
        r = client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert r.status_code == 204, r.json()
    assert client.get("/api/v1/me").status_code == 200
    assert other.get("/api/v1/me").status_code == 401
    assert Session.objects.get(device_name="this one").revoked_at is None
    assert Session.objects.get(device_name="old tablet").revoked_reason == "password_changed"
    citizen_user.refresh_from_db()
    assert citizen_user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_changed", target_user=citizen_user).exists()


def test_password_change_needs_the_old_password(signed_in, citizen_user):
    client, _ = signed_in(citizen_user)

    r = client.post(CHANGE, {"old_password": "wrong", "new_password": NEW_PASSWORD})

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "password_incorrect"
    citizen_user.refresh_from_db()
    assert citizen_user.check_password(PASSWORD)


def test_wrong_old_passwords_count_towards_the_lock(signed_in, citizen_user, settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 2
    client, _ = signed_in(citizen_user)
    client.post(CHANGE, {"old_password": "wrong", "new_password": NEW_PASSWORD})

    r = client.post(CHANGE, {"old_password": "wrong", "new_password": NEW_PASSWORD})

    assert r.status_code == 423, r.json()
    assert r.json()["code"] == "account_locked"


def test_password_change_validates_the_new_password(signed_in, citizen_user):
    client, _ = signed_in(citizen_user)

    r = client.post(CHANGE, {"old_password": PASSWORD, "new_password": "password"})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "password"


def test_password_change_needs_a_login(api_client):
    r = api_client.post(CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert r.status_code == 401, r.json()


def test_forgotten_password_reset_ends_every_session_and_unlocks(
    api_client, signed_in, citizen_user, sms_outbox, committed, settings
):
    # Given a signed-in device and a lock from failed attempts
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 1
    device, _ = signed_in(citizen_user)
    login(api_client, citizen_user.username, "wrong")
    insuree = citizen_user.insuree

    # When the citizen resets the password with the code sent to the phone on file
    with committed():
        started = api_client.post(
            RESET_START,
            {
                "national_id": insuree.national_id,
                "date_of_birth": insuree.date_of_birth.isoformat(),
            },
        )
    assert started.status_code == 202, started.json()
    with committed():
        r = api_client.post(
            RESET_VERIFY,
            {
                "challenge_id": started.json()["challenge_id"],
                "otp": otp_from(sms_outbox, insuree.phone),
                "password": NEW_PASSWORD,
            },
        )

    # Then the new password works at once, and every old session is over
    assert r.status_code == 200, r.json()
    assert device.get("/api/v1/me").status_code == 401
    assert login(api_client, citizen_user.username, NEW_PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(action="password_reset", target_user=citizen_user).exists()


def test_reset_start_is_enumeration_safe(api_client, citizen_user, sms_outbox, committed):
    insuree = citizen_user.insuree
    with committed():
        known = api_client.post(
            RESET_START,
            {
                "social_insurance_number": insuree.social_insurance_number,
                "date_of_birth": insuree.date_of_birth.isoformat(),
            },
        )
        unknown = api_client.post(
            RESET_START, {"social_insurance_number": "0999999999", "date_of_birth": "1990-01-01"}
        )

    assert known.status_code == unknown.status_code == 202
    assert set(known.json()) == set(unknown.json())
    assert len(sms_outbox) == 1


def test_reset_for_a_person_without_account_sends_nothing(api_client, sms_outbox, committed):
    from tests.accounts.factories import InsureeFactory

    person = InsureeFactory()
    with committed():
        r = api_client.post(
            RESET_START,
            {
                "social_insurance_number": person.social_insurance_number,
                "date_of_birth": person.date_of_birth.isoformat(),
            },
        )

    assert r.status_code == 202
    assert sms_outbox == []


def test_reset_verify_wants_one_of_challenge_or_username(api_client):
    r = api_client.post(RESET_VERIFY, {"otp": "123456", "password": NEW_PASSWORD})

    assert r.status_code == 400, r.json()
