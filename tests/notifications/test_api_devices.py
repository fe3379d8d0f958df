"""POST/DELETE /api/v1/notifications/devices, and devices following their login session."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from notifications.models import Device
from notifications.services import Kind, notification_send
from tests.accounts.conftest import PASSWORD, bearer, login
from tests.accounts.factories import UserFactory
from tests.notifications.factories import DeviceFactory

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}

pytestmark = pytest.mark.django_db

DEVICES = "/api/v1/notifications/devices"


def _signed_in(user) -> tuple[APIClient, dict[str, str]]:
    r = login(APIClient(), user.username, PASSWORD)
    assert r.status_code == 200, r.json()
    return bearer(r.json()["access"]), r.json()


@pytest.fixture
def account():
    user = UserFactory()
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_new_token_is_201_and_the_same_token_again_is_200(citizen_client, citizen):
    body = {"token": "fcm-abc", "platform": "android", "app_version": "3.1.0", "locale": "vi"}

    first = citizen_client.post(DEVICES, body, format="json")
    again = citizen_client.post(DEVICES, {**body, "app_version": "3.2.0"}, format="json")

    assert first.status_code == 201, first.json()
    assert again.status_code == 200, again.json()
    assert first.json()["id"] == again.json()["id"]
    device = Device.objects.get()
    assert (device.user, device.app_version, device.is_active) == (citizen, "3.2.0", True)


def test_a_token_registered_by_another_user_moves_to_the_caller(citizen_client, citizen):
    DeviceFactory(token="shared-phone")

    r = citizen_client.post(DEVICES, {"token": "shared-phone", "platform": "ios"}, format="json")

    assert r.status_code == 200, r.json()
    device = Device.objects.get()
    assert device.user == citizen
    assert device.platform == "ios"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"platform": "android"}, "token"),
        ({"token": "t", "platform": "windows"}, "platform"),
        ({"token": "t" * 600, "platform": "web"}, "token"),
    ],
)
def test_bad_registrations_are_400_problems(citizen_client, body, field):
    r = citizen_client.post(DEVICES, body, format="json")
    assert r.status_code == 400, r.json()
    assert r["Content-Type"].startswith("application/problem+json")
    assert field in {error["field"] for error in r.json()["errors"]}


def test_delete_is_204_and_someone_elses_token_is_404(citizen_client, citizen):
    mine = DeviceFactory(user=citizen, token="mine")
    DeviceFactory(token="theirs")

    assert citizen_client.delete(f"{DEVICES}/theirs").status_code == 404
    assert citizen_client.delete(f"{DEVICES}/nothing").status_code == 404
    r = citizen_client.delete(f"{DEVICES}/{mine.token}")

    assert r.status_code == 204
    assert list(Device.objects.filter(is_active=True).values_list("token", flat=True)) == ["theirs"]
    mine.refresh_from_db()
    assert (mine.is_active, mine.deactivated_reason) == (False, "unregistered")
    assert citizen_client.delete(f"{DEVICES}/{mine.token}").status_code == 404  # already gone


def test_an_unregistered_device_is_pushed_nothing_until_registered_again(
    citizen_client, citizen, committed, pushed
):
    mine = DeviceFactory(user=citizen, token="mine")
    assert citizen_client.delete(f"{DEVICES}/mine").status_code == 204
    with committed():
        notification_send(user_id=citizen.pk, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    assert pushed.sent == []

    r = citizen_client.post(DEVICES, {"token": "mine", "platform": "android"}, format="json")
    assert r.status_code == 200  # the same device, refreshed
    with committed():
        notification_send(user_id=citizen.pk, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    assert [m.token for m in pushed.sent] == [mine.token]


def test_staff_and_anonymous_callers_cannot_register(agency_client, api_client):
    body = {"token": "t", "platform": "web"}
    assert agency_client.post(DEVICES, body, format="json").status_code == 403
    assert api_client.post(DEVICES, body, format="json").status_code == 401


def test_the_device_belongs_to_the_session_and_logout_deactivates_it(account):
    phone, tokens = _signed_in(account)
    tablet, _ = _signed_in(account)
    phone.post(DEVICES, {"token": "phone", "platform": "android"}, format="json")
    tablet.post(DEVICES, {"token": "tablet", "platform": "ios"}, format="json")

    r = phone.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json")

    assert r.status_code in {200, 204}, r.content
    active = dict(Device.objects.values_list("token", "is_active"))
    assert active == {"phone": False, "tablet": True}
    assert Device.objects.get(token="phone").deactivated_reason == "logout"


def test_logout_all_deactivates_every_device(account):
    phone, _ = _signed_in(account)
    tablet, _ = _signed_in(account)
    phone.post(DEVICES, {"token": "phone", "platform": "android"}, format="json")
    tablet.post(DEVICES, {"token": "tablet", "platform": "ios"}, format="json")

    r = phone.post("/api/v1/auth/logout-all", format="json")

    assert r.status_code in {200, 204}, r.content
    assert not Device.objects.filter(is_active=True).exists()


def test_a_revoked_session_deactivates_its_device(account):
    phone, _ = _signed_in(account)
    tablet, _ = _signed_in(account)
    tablet.post(DEVICES, {"token": "tablet", "platform": "ios"}, format="json")
    sessions = phone.get("/api/v1/me/sessions").json()
    rows = sessions["results"] if isinstance(sessions, dict) else sessions
    other = next(row for row in rows if not row.get("current"))

    r = phone.delete(f"/api/v1/me/sessions/{other['id']}")

    assert r.status_code == 204, r.content
    assert not Device.objects.get(token="tablet").is_active


def test_a_support_reset_deactivates_every_device(account, support_client):
    phone, _ = _signed_in(account)
    phone.post(DEVICES, {"token": "phone", "platform": "android"}, format="json")
    DeviceFactory(user=account, token="sessionless")

    r = support_client.post(
        f"/api/v1/support/accounts/{account.pk}/reset", {"reason": "Lost phone"}, format="json"
    )

    assert r.status_code == 200, r.json()
    assert not Device.objects.filter(is_active=True).exists()


def test_re_registering_after_logout_reactivates_for_the_new_session(account):
    phone, tokens = _signed_in(account)
    phone.post(DEVICES, {"token": "phone", "platform": "android"}, format="json")
    phone.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json")
    again, _ = _signed_in(account)

    r = again.post(DEVICES, {"token": "phone", "platform": "android"}, format="json")

    assert r.status_code == 200, r.json()
    device = Device.objects.get()
    assert device.is_active
    assert device.deactivated_reason == ""
