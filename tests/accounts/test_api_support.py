"""Support staff: find, unlock, reset, revoke sessions; every action with a reason, audited."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEvent, Session
from api.roles import Role
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, login, otp_from
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = {"reason": "Caller verified at the counter, ticket 2026-118"}


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.SUPPORT, insuree=None)


@pytest.fixture
def agent_client(agent) -> APIClient:
    client = APIClient()
    client.force_authenticate(agent)
    return client


def action(client, user, name, body=REASON):
    return client.post(f"/api/v1/support/accounts/{user.pk}/{name}", body)


def test_search_finds_by_exact_identifier_or_phone(
    agent_client, citizen_user, django_assert_max_num_queries
):
    insuree = citizen_user.insuree
    UserFactory()  # somebody else
    local_phone = "0" + insuree.phone[3:]

    for q in [insuree.social_insurance_number, insuree.national_id, local_phone]:
        with django_assert_max_num_queries(3):
            r = agent_client.get("/api/v1/support/accounts", {"q": q})
        assert r.status_code == 200, r.json()
        assert [row["id"] for row in r.json()["results"]] == [str(citizen_user.pk)], q
    row = r.json()["results"][0]
    assert row["phone"].startswith("+84 ")
    assert "*" in row["phone"]
    assert row["locked"] is False
    assert set(row) >= {"id", "full_name", "phone", "locked", "last_login"}


@pytest.mark.parametrize("q", ["", "1000", "0123", "Nguyễn"])
def test_search_never_lists_partial_matches(agent_client, citizen_user, q):
    r = agent_client.get("/api/v1/support/accounts", {"q": q})

    assert r.status_code == 200, r.json()
    assert r.json()["results"] == []


def test_search_shows_the_lock(agent_client, citizen_user, api_client, settings):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 1
    login(api_client, citizen_user.insuree.national_id, "wrong")

    r = agent_client.get("/api/v1/support/accounts", {"q": citizen_user.username})

    assert r.json()["results"][0]["locked"] is True
    assert r.json()["results"][0]["locked_for"] > 0


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLINIC, Role.AGENCY])
def test_non_support_roles_are_forbidden(role, citizen_user):
    client = APIClient()
    client.force_authenticate(
        UserFactory(role=role, insuree=InsureeFactory() if role == Role.CITIZEN else None)
    )

    responses = [
        client.get("/api/v1/support/accounts", {"q": citizen_user.username}),
        client.get("/api/v1/support/audit"),
        action(client, citizen_user, "unlock"),
        action(client, citizen_user, "reset"),
        action(client, citizen_user, "revoke-sessions"),
        action(client, citizen_user, "change-phone", {**REASON, "new_phone": "0987000111",
                                                       "document_reference": "CCCD"}),
    ]  # fmt: skip

    assert [r.status_code for r in responses] == [403] * 6


def test_anonymous_is_401(api_client):
    assert api_client.get("/api/v1/support/accounts").status_code == 401


@pytest.mark.parametrize("name", ["unlock", "reset", "revoke-sessions"])
def test_every_action_needs_a_reason(agent_client, citizen_user, name):
    r = action(agent_client, citizen_user, name, {})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "reason"


@pytest.mark.parametrize("target", ["staff", "unknown", "garbage"])
def test_actions_on_non_citizen_or_unknown_accounts_are_404(agent_client, target):
    account_id = {
        "staff": UserFactory(role=Role.ADMIN, insuree=None).pk,
        "unknown": "00000000-0000-0000-0000-000000000000",
        "garbage": "abc",
    }[target]

    r = agent_client.post(f"/api/v1/support/accounts/{account_id}/unlock", REASON)

    assert r.status_code == 404, r.json()


def test_unlock_lets_the_citizen_in_again(
    agent_client, agent, citizen_user, api_client, settings, committed
):
    settings.ACCOUNTS_LOGIN_MAX_FAILURES = 1
    login(api_client, citizen_user.username, "wrong")
    assert login(api_client, citizen_user.username).status_code == 423

    with committed():
        r = action(agent_client, citizen_user, "unlock")

    assert r.status_code == 200, r.json()
    assert login(api_client, citizen_user.username).status_code == 200
    event = AuditEvent.objects.get(action="support_account_unlocked")
    assert (event.actor, event.target_user, event.reason) == (agent, citizen_user, REASON["reason"])


def test_reset_ends_sessions_disables_the_password_and_sends_an_otp(
    agent_client, citizen_user, signed_in, api_client, sms_outbox, committed
):
    # Given a citizen signed in on a device
    device, _ = signed_in(citizen_user)

    # When support resets the account
    with committed():
        r = action(agent_client, citizen_user, "reset")

    # Then the device is out, the old password is useless, and a code went to the phone
    assert r.status_code == 200, r.json()
    assert "*" in r.json()["phone_hint"]
    assert device.get("/api/v1/me").status_code == 401
    assert login(api_client, citizen_user.username, PASSWORD).status_code == 401
    code = otp_from(sms_outbox, citizen_user.insuree.phone)
    # And the citizen sets a new password with that code and their identifier
    with committed():
        verify = api_client.post(
            "/api/v1/auth/password/reset/verify",
            {"username": citizen_user.username, "otp": code, "password": NEW_PASSWORD},
        )
    assert verify.status_code == 200, verify.json()
    assert login(api_client, citizen_user.username, NEW_PASSWORD).status_code == 200
    assert AuditEvent.objects.filter(action="support_account_reset").count() == 1


def test_staff_never_see_a_password_or_code(agent_client, citizen_user, sms_outbox, committed):
    with committed():
        r = action(agent_client, citizen_user, "reset")

    code = otp_from(sms_outbox, citizen_user.insuree.phone)
    assert code not in r.content.decode()
    assert "password" not in r.json()


def test_revoke_sessions(agent_client, citizen_user, signed_in, committed):
    first, _ = signed_in(citizen_user)
    second, _ = signed_in(citizen_user)

    with committed():
        r = action(agent_client, citizen_user, "revoke-sessions")

    assert r.status_code == 200, r.json()
    assert r.json()["sessions_ended"] == 2
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    assert not Session.objects.filter(revoked_at__isnull=True).exists()


def test_audit_lists_events_newest_first_filtered_by_account(
    agent_client, citizen_user, api_client, django_assert_max_num_queries
):
    other = UserFactory()
    login(api_client, citizen_user.username, "wrong")
    login(api_client, other.username, "wrong")
    action(agent_client, citizen_user, "revoke-sessions")

    with django_assert_max_num_queries(2):
        r = agent_client.get("/api/v1/support/audit", {"target_user": str(citizen_user.pk)})

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["action"] for row in rows] == ["support_sessions_revoked", "login_failed"]
    assert rows[0]["reason"] == REASON["reason"]
    assert rows[0]["target_user"] == str(citizen_user.pk)
    assert "next" in r.json()


def test_audit_is_paginated_by_cursor(agent_client, citizen_user, api_client):
    for _ in range(3):
        login(api_client, citizen_user.username, "wrong")

    first = agent_client.get("/api/v1/support/audit", {"page_size": 2}).json()
    second = agent_client.get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) >= 1
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_audit_cannot_be_edited_through_the_api(agent_client, citizen_user, api_client, method):
    login(api_client, citizen_user.username, "wrong")

    r = getattr(agent_client, method)("/api/v1/support/audit", {})

    assert r.status_code == 405, r.json()
    assert AuditEvent.objects.count() == 1
