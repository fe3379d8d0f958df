"""Finding 10: the main flows, with every log line captured as production writes it (JSON
lines, api.logs), searched for each secret and identifier the flows used."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from accounts.sms import memory
from api.logs import JsonLinesFormatter
from api.roles import Role
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, bearer, login, otp_from
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGED_PASSWORD = "Another-long-passphrase-2026"


@pytest.fixture
def captured_logs(settings) -> Iterator[io.StringIO]:
    """Every logger, at INFO, through the production formatter, into a buffer."""
    settings.SMS_BACKEND = "console"
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonLinesFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_main_flows_leave_no_identifier_code_token_or_password_in_the_logs(
    captured_logs, committed, settings
):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    memory.outbox.clear()
    settings.SMS_BACKEND = "memory"  # to read the code; the console backend is checked below
    person = InsureeFactory(
        phone="+84912000111", national_id="001190054321", social_insurance_number="0123400001"
    )
    anonymous = APIClient()
    secrets: list[str] = [person.phone, "0912000111", person.national_id]
    secrets += [person.social_insurance_number, PASSWORD, NEW_PASSWORD, CHANGED_PASSWORD]

    # Activation: start, an OTP, verify
    with committed():
        started = anonymous.post(
            "/api/v1/auth/register/start",
            {"national_id": person.national_id, "date_of_birth": "1990-01-15"},
            HTTP_X_REQUEST_ID="flow-activation-1",
        )
    assert started.status_code == 202, started.json()
    assert started["X-Request-ID"] == "flow-activation-1"
    code = otp_from(memory.outbox, person.phone)
    secrets.append(code)
    activated = anonymous.post(
        "/api/v1/auth/register/verify",
        {"challenge_id": started.json()["challenge_id"], "otp": code, "password": NEW_PASSWORD},
    )
    assert activated.status_code == 201, activated.json()
    secrets += [activated.json()["access"], activated.json()["refresh"]]

    # Sign-ins: a wrong one (the password typed into the username field), a right one
    assert login(anonymous, NEW_PASSWORD, person.national_id).status_code == 401
    signed = login(anonymous, person.national_id, NEW_PASSWORD)
    assert signed.status_code == 200, signed.json()
    secrets += [signed.json()["access"], signed.json()["refresh"]]
    client = bearer(signed.json()["access"])
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/contributions/", {"from": "2024-01"}).status_code == 200
    refreshed = anonymous.post("/api/v1/auth/token/refresh", {"refresh": signed.json()["refresh"]})
    assert refreshed.status_code == 200, refreshed.json()
    secrets += [refreshed.json()["access"], refreshed.json()["refresh"]]
    changed = bearer(refreshed.json()["access"]).post(
        "/api/v1/auth/password/change",
        {"old_password": NEW_PASSWORD, "new_password": CHANGED_PASSWORD},
    )
    assert changed.status_code == 204

    # Support finds the account by national ID, in the URL and in a body; the console SMS
    settings.SMS_BACKEND = "console"
    staff = UserFactory(role=Role.SUPPORT, insuree=None)
    support = APIClient()
    support.force_authenticate(staff)
    assert support.get("/api/v1/support/accounts", {"q": person.national_id}).status_code == 200
    assert support.get("/api/v1/support/accounts", {"q": "0912000111"}).status_code == 200
    found = support.post("/api/v1/support/accounts/search", {"q": person.national_id})
    assert found.status_code == 200, found.json()
    assert found.json()["results"], found.json()
    with committed():
        anonymous.post(
            "/api/v1/auth/password/reset/start",
            {"national_id": person.national_id, "date_of_birth": "1990-01-15"},
        )

    # Then the logs say what happened, and none of the secrets
    text = captured_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(line["logger"] == "api.access" for line in lines), text[:2000]
    assert any(line.get("request_id") == "flow-activation-1" for line in lines)
    assert any(line["logger"] == "accounts.sms" for line in lines), text[:2000]
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == [], [line for line in text.splitlines() if any(s in line for s in leaked)]
    # And the console SMS line (a code this test never saw) shows no code and no phone
    sms_lines = [line["message"] for line in lines if line["logger"] == "accounts.sms"]
    assert all("+84 91*****11" in message for message in sms_lines), sms_lines
    assert not [m for m in sms_lines if re.search(r"[0-9]{6}", m.replace("+84 91", ""))]
