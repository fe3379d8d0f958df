"""Support actions in the admin (intermediate form with a reason), and the 2FA switch."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, PhoneChangeRequest, Session
from api.roles import Role
from tests.accounts.conftest import PASSWORD, login, otp_from
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def admin_user(db):
    return UserFactory(
        role=Role.ADMIN, insuree=None, username="root", is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_browser(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def run_action(client, action, ids, **form):
    body = {"action": action, "_selected_action": [str(i) for i in ids]}
    first = client.post(CHANGELIST, body)
    if not form:
        return first
    return client.post(CHANGELIST, {**body, "apply": "1", **form}, follow=True)


def test_action_first_asks_for_a_reason(admin_browser, citizen_user):
    r = run_action(admin_browser, "unlock_accounts", [citizen_user.pk])

    assert r.status_code == 200
    assert b'name="reason"' in r.content
    assert not AuditEvent.objects.exists()


def test_an_empty_reason_is_refused(admin_browser, citizen_user):
    body = {"action": "revoke_sessions", "_selected_action": [str(citizen_user.pk)]}

    r = admin_browser.post(CHANGELIST, {**body, "apply": "1", "reason": ""})

    assert b"This field is required" in r.content
    assert not AuditEvent.objects.exists()


def test_unlock_from_the_admin(admin_browser, admin_user, citizen_user, api_client, settings,
                               django_capture_on_commit_callbacks):  # fmt: skip
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 1
    login(api_client, citizen_user.username, "wrong")

    with django_capture_on_commit_callbacks(execute=True):
        r = run_action(
            admin_browser, "unlock_accounts", [citizen_user.pk], reason="Checked ID at the counter"
        )

    assert r.status_code == 200
    assert b"1 done" in r.content
    assert login(api_client, citizen_user.username, PASSWORD).status_code == 200
    event = AuditEvent.objects.get(action="support_account_unlocked")
    assert (event.actor, event.reason) == (admin_user, "Checked ID at the counter")


def test_reset_and_revoke_from_the_admin(admin_browser, citizen_user, signed_in, sms_outbox,
                                         django_capture_on_commit_callbacks):  # fmt: skip
    signed_in(citizen_user)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(
            admin_browser, "reset_accounts", [citizen_user.pk], reason="Lost phone, ID checked"
        )

    assert otp_from(sms_outbox, citizen_user.insuree.phone)
    assert not Session.objects.filter(revoked_at__isnull=True).exists()
    citizen_user.refresh_from_db()
    assert not citizen_user.has_usable_password()


def test_staff_accounts_are_refused_by_citizen_actions(admin_browser, admin_user):
    r = run_action(
        admin_browser, "revoke_sessions", [admin_user.pk], reason="Testing staff refusal"
    )

    assert b"Not a citizen" in r.content
    assert not AuditEvent.objects.exists()


def test_phone_change_from_the_admin_then_approved_by_someone_else(
    admin_browser, citizen_user, sms_outbox
):
    run_action(
        admin_browser,
        "request_phone_change",
        [citizen_user.pk],
        reason="Lost SIM, ID checked",
        new_phone="0987000111",
        document_reference="CCCD checked",
    )
    change = PhoneChangeRequest.objects.get()
    body = {"action": "approve_phone_changes", "_selected_action": [str(change.pk)]}

    same = admin_browser.post(
        "/admin/accounts/phonechangerequest/",
        {**body, "apply": "1", "reason": "Second check done"},
        follow=True,
    )
    assert b"someone other than its requester" in same.content
    other = Client()
    other.force_login(UserFactory(role=Role.ADMIN, insuree=None, is_staff=True, is_superuser=True))
    other.post(
        "/admin/accounts/phonechangerequest/", {**body, "apply": "1", "reason": "Second check done"}
    )

    change.refresh_from_db()
    assert change.status == "approved"
    assert change.new_phone == "+84987000111"


def test_audit_admin_is_read_only(admin_browser, citizen_user, api_client):
    login(api_client, citizen_user.username, "wrong")
    event = AuditEvent.objects.get()

    page = admin_browser.get(f"/admin/accounts/auditevent/{event.pk}/change/")
    delete = admin_browser.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200
    assert b'name="reason"' not in page.content
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- TOTP for the admin site -----------------------------------------------------------------


def password_login(client: Client, username: str, **extra) -> object:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, **extra},
    )


def test_without_2fa_setting_a_password_is_enough(admin_user, settings):
    settings.ADMIN_REQUIRE_2FA = False
    client = Client()

    r = password_login(client, admin_user.username)

    assert r.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_2fa_setting_a_password_alone_is_not_enough(admin_user, settings):
    settings.ADMIN_REQUIRE_2FA = True
    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client = Client()

    r = password_login(client, admin_user.username)

    assert r.status_code == 200  # the form again, asking for the token
    assert client.get("/admin/").status_code == 302


def test_with_2fa_setting_the_totp_code_lets_staff_in(admin_user, settings):
    settings.ADMIN_REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client = Client()

    r = password_login(
        client,
        admin_user.username,
        otp_device=device.persistent_id,
        otp_token=f"{totp(device.bin_key):06d}",
    )

    assert r.status_code == 302, r.content
    assert client.get("/admin/").status_code == 200


def test_with_2fa_setting_a_staff_member_without_device_stays_out(admin_user, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client = Client()
    client.force_login(admin_user)

    assert client.get("/admin/").status_code == 302


def test_production_requires_2fa_by_default():
    from pathlib import Path

    production = Path(__file__).resolve().parents[2] / "api" / "settings" / "production.py"
    assert 'ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", True)' in production.read_text()


def test_staff_with_a_totp_device_must_send_the_code_to_the_api(api_client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)

    without = login(api_client, admin_user.username)
    right = login(api_client, admin_user.username, otp=f"{totp(device.bin_key):06d}")
    replayed = login(api_client, admin_user.username, otp=f"{totp(device.bin_key):06d}")

    assert without.status_code == 401
    assert without.json()["code"] == "invalid_credentials"
    assert right.status_code == 200, right.json()
    assert replayed.status_code == 401  # a TOTP code works once


def test_staff_enrol_totp_through_the_api_then_login_needs_it(api_client, admin_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin_user)
    started = client.post("/api/v1/auth/totp/enrol")
    assert started.status_code == 201, started.json()
    assert started.json()["config_url"].startswith("otpauth://totp/")
    device = TOTPDevice.objects.get(user=admin_user)
    assert login(api_client, admin_user.username).status_code == 200  # not confirmed yet

    wrong = client.post("/api/v1/auth/totp/confirm", {"otp": "000000"})
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post("/api/v1/auth/totp/confirm", {"otp": f"{totp(device.bin_key):06d}"})

    assert wrong.status_code == 400, wrong.json()
    assert right.status_code == 204, right.json()
    assert login(api_client, admin_user.username).status_code == 401
    assert client.post("/api/v1/auth/totp/enrol").json()["code"] == "totp_already_enrolled"
    assert AuditEvent.objects.filter(action="totp_enrolled").exists()


def test_citizens_do_not_enrol_totp(citizen_client):
    assert citizen_client.post("/api/v1/auth/totp/enrol").status_code == 403
