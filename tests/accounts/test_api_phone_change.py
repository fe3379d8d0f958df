"""A phone change takes two staff members and a cooling-off period, and can be cancelled."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent, PhoneChangeRequest
from accounts.tasks import phone_changes_apply
from api.roles import Role
from notifications.models import Notification
from tests.accounts.conftest import otp_from
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "+84912345678", "+84987000111"


def staff_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def requester(db):
    return UserFactory(role=Role.SUPPORT, insuree=None)


@pytest.fixture
def approver(db):
    return UserFactory(role=Role.SUPPORT, insuree=None)


@pytest.fixture
def holder(db):
    return UserFactory(insuree=InsureeFactory(phone=OLD))


def request_change(client, user, **extra):
    body = {
        "new_phone": "0987 000 111",
        "document_reference": "CCCD 001190012345 checked at Đống Đa office",
        "reason": "Lost SIM, identity checked at the counter",
        **extra,
    }
    return client.post(f"/api/v1/support/accounts/{user.pk}/change-phone", body)


def approve(client, change_id):
    return client.post(
        f"/api/v1/support/phone-changes/{change_id}/approve", {"reason": "Second check done"}
    )


def test_the_requester_cannot_approve_their_own_change(requester, holder):
    client = staff_client(requester)
    change_id = request_change(client, holder).json()["id"]

    r = approve(client, change_id)

    assert r.status_code == 403, r.json()
    assert r.json()["code"] == "phone_change_same_person"
    assert PhoneChangeRequest.objects.get().approved_at is None


def test_change_takes_effect_only_after_the_cooling_off(
    requester, approver, holder, sms_outbox, committed, api_client
):
    # Given a change requested by one agent and approved by another
    r = request_change(staff_client(requester), holder)
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "requested"
    assert r.json()["new_phone"] == "+84 98*****11"
    with committed():
        approved = approve(staff_client(approver), r.json()["id"])
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"

    # Then the old number is warned and the citizen's inbox has a security notice
    assert [to for to, _ in sms_outbox] == [OLD]
    assert Notification.objects.filter(user=holder, category="security").count() == 1

    # And before the cooling-off ends, nothing changes: codes still go to the old number
    assert phone_changes_apply() == 0
    holder.insuree.refresh_from_db()
    assert holder.insuree.phone == OLD
    support = staff_client(requester)
    with committed():
        support.post(f"/api/v1/support/accounts/{holder.pk}/reset", {"reason": "test"})
    assert sms_outbox[-1][0] == OLD

    # When the cooling-off is over, the beat task applies it
    PhoneChangeRequest.objects.update(effective_at=timezone.now() - timedelta(seconds=1))
    with committed():
        assert phone_changes_apply() == 1
    holder.insuree.refresh_from_db()
    assert holder.insuree.phone == NEW
    assert PhoneChangeRequest.objects.get().status == "applied"
    assert AuditEvent.objects.filter(action="phone_change_applied").count() == 1
    assert phone_changes_apply() == 0  # once only


def test_cooling_off_is_a_setting(requester, approver, holder, settings):
    settings.PHONE_CHANGE_COOLING_OFF = timedelta(hours=48)
    change_id = request_change(staff_client(requester), holder).json()["id"]

    r = approve(staff_client(approver), change_id)

    change = PhoneChangeRequest.objects.get(pk=change_id)
    assert change.effective_at - change.approved_at == timedelta(hours=48)
    assert r.json()["effective_at"]


def test_management_command_applies_due_changes(requester, approver, holder, settings):
    settings.PHONE_CHANGE_COOLING_OFF = timedelta(0)
    change_id = request_change(staff_client(requester), holder).json()["id"]
    approve(staff_client(approver), change_id)
    out = StringIO()

    call_command("phone_changes_apply", stdout=out)

    assert "Applied 1" in out.getvalue()
    holder.insuree.refresh_from_db()
    assert holder.insuree.phone == NEW


def test_citizen_cancels_during_the_cooling_off(requester, approver, holder, signed_in):
    change_id = request_change(staff_client(requester), holder).json()["id"]
    approve(staff_client(approver), change_id)
    client, _ = signed_in(holder)
    listed = client.get("/api/v1/me/phone-changes")
    assert [c["id"] for c in listed.json()] == [change_id]

    r = client.post(f"/api/v1/me/phone-change/{change_id}/cancel", {})

    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "cancelled"
    PhoneChangeRequest.objects.update(effective_at=timezone.now() - timedelta(seconds=1))
    assert phone_changes_apply() == 0
    holder.insuree.refresh_from_db()
    assert holder.insuree.phone == OLD
    assert AuditEvent.objects.filter(action="phone_change_cancelled", actor=holder).exists()


def test_another_citizen_cannot_cancel_it(requester, holder, signed_in):
    change_id = request_change(staff_client(requester), holder).json()["id"]
    stranger, _ = signed_in(UserFactory())

    r = stranger.post(f"/api/v1/me/phone-change/{change_id}/cancel", {})

    assert r.status_code == 404, r.json()
    assert PhoneChangeRequest.objects.get().cancelled_at is None


def test_support_cancels_and_a_cancelled_change_cannot_be_approved(requester, approver, holder):
    change_id = request_change(staff_client(requester), holder).json()["id"]

    cancelled = staff_client(approver).post(
        f"/api/v1/support/phone-changes/{change_id}/cancel", {"reason": "Caller could not confirm"}
    )
    late = approve(staff_client(approver), change_id)

    assert cancelled.status_code == 200, cancelled.json()
    assert late.status_code == 409, late.json()
    assert late.json()["code"] == "phone_change_not_pending"


def test_one_pending_change_at_a_time(requester, holder):
    client = staff_client(requester)
    assert request_change(client, holder).status_code == 201

    r = request_change(client, holder, new_phone="0987000222")

    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "phone_change_pending"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_phone": "12345"}, "new_phone"),
        ({"document_reference": ""}, "document_reference"),
        ({"reason": ""}, "reason"),
    ],
)
def test_change_phone_validates_input(requester, holder, body, field):
    r = request_change(staff_client(requester), holder, **body)

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == field


def test_the_same_number_is_refused(requester, holder):
    r = request_change(staff_client(requester), holder, new_phone=OLD)

    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "phone_unchanged"


def test_pending_list_for_support(requester, holder, django_assert_max_num_queries):
    change_id = request_change(staff_client(requester), holder).json()["id"]

    with django_assert_max_num_queries(2):
        r = staff_client(requester).get("/api/v1/support/phone-changes")

    assert [c["id"] for c in r.json()["results"]] == [change_id]


def test_the_new_number_receives_codes_after_the_change(
    requester, approver, holder, settings, api_client, sms_outbox, committed
):
    settings.PHONE_CHANGE_COOLING_OFF = timedelta(0)
    change_id = request_change(staff_client(requester), holder).json()["id"]
    approve(staff_client(approver), change_id)
    phone_changes_apply()

    with committed():
        api_client.post(
            "/api/v1/auth/password/reset/start",
            {
                "social_insurance_number": holder.insuree.social_insurance_number,
                "date_of_birth": holder.insuree.date_of_birth.isoformat(),
            },
        )

    assert otp_from(sms_outbox, NEW)
