"""Finding 9 (reasons): a support action's reason must say something."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

BAD = {
    "one-letter": "x",
    "dot": ".",
    "digit": "5",
    "zero-width-space": "\u200b",
    "spaces": " " * 20,
    "digits-only": "1234567890123",
    "punctuation-only": "..........!!",
    "padded-with-invisibles": "ok" + "\u200b" * 12 + "\u2060" * 4,
    "nine-letters": "verified.",
    "spaced-out": "a  b   c    d",
}


@pytest.mark.parametrize("reason", BAD.values(), ids=BAD.keys())
def test_empty_or_meaningless_reasons_are_refused(support_client, citizen_user, reason):
    r = support_client.post(
        f"/api/v1/support/accounts/{citizen_user.pk}/unlock", {"reason": reason}, format="json"
    )

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "reason"
    assert not AuditEvent.objects.filter(action="support_account_unlocked").exists()


@pytest.mark.parametrize(
    "reason", ["Caller verified, ticket 118", "Đã xác minh CCCD tại quầy", "Lost phone"]
)
def test_a_real_reason_is_accepted(support_client, citizen_user, reason):
    r = support_client.post(
        f"/api/v1/support/accounts/{citizen_user.pk}/unlock", {"reason": reason}, format="json"
    )

    assert r.status_code in {200, 204}, r.content
    assert AuditEvent.objects.get(action="support_account_unlocked").reason == reason


@pytest.mark.parametrize("reason", BAD.values(), ids=BAD.keys())
def test_the_console_and_the_admin_refuse_the_same_reasons(reason):
    from accounts.admin_actions import ReasonForm as AdminReasonForm
    from console.forms import ReasonForm as ConsoleReasonForm

    assert not ConsoleReasonForm(data={"reason": reason}).is_valid()
    assert not AdminReasonForm(data={"reason": reason}).is_valid()
