"""The ``fcm`` backend: the real firebase-admin library over HTTP to a fake FCM v1 server on
127.0.0.1, with credentials that fetch no OAuth token. firebase-admin is not mocked."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import firebase_admin
import pytest
from firebase_admin import messaging
from packaging.version import Version

from notifications.models import Delivery, DeliveryStatus, Device
from notifications.push import BATCH_SIZE, Outcome, PushMessage
from notifications.push.fcm import FcmBackend, fcm_app
from notifications.push.fcm_endpoint import (
    EXPECTED_FCM_URL,
    messaging_point_at,
    messaging_service,
)
from notifications.services import Kind, Notice, notification_send, notifications_send
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import make_due
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}


def _pin() -> tuple[Version, Version]:
    text = Path("pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'"firebase-admin>=([\d.]+),<([\d.]+)"', text)
    assert match, "firebase-admin must be pinned to a range in pyproject.toml"
    return Version(match.group(1)), Version(match.group(2))


def test_the_endpoint_override_still_fits_firebase_admin(fake_fcm):
    """Fails when a firebase-admin upgrade moves what notifications/push/fcm_endpoint.py
    rewrites: then re-read ``_MessagingService`` and adapt the override and the pin."""
    low, high = _pin()
    installed = Version(importlib.metadata.version("firebase-admin"))
    assert low <= installed < high
    # The library still builds its URL from this constant, on the instance it sends with...
    assert messaging._MessagingService.FCM_URL == EXPECTED_FCM_URL
    service = messaging_service(fcm_app())
    # ...and our override took hold on that instance, with an adapter for the new address.
    assert service._fcm_url == f"{fake_fcm.url}/v1/projects/vss-test/messages:send"
    assert fake_fcm.url in service._client.session.adapters
    # The proof: a real send reaches the fake server, with no OAuth token fetched or sent.
    [result] = FcmBackend().send([PushMessage(token="tok-1", title="t", body="b")])
    assert result.outcome == Outcome.SENT
    assert fake_fcm.paths == {"/v1/projects/vss-test/messages:send"}
    assert fake_fcm.authorization == set()


def test_the_override_refuses_a_service_without_the_attributes_it_rewrites(fake_fcm):
    app = fcm_app()
    service = messaging_service(app)
    saved = service._fcm_url
    del service._fcm_url
    try:
        with pytest.raises(RuntimeError, match="_MessagingService changed"):
            messaging_point_at(app, fake_fcm.url)
    finally:
        service._fcm_url = saved


def test_a_push_through_firebase_admin_records_fcms_message_id(fake_fcm, committed):
    device = DeviceFactory(token="good-token")

    with committed():
        note = notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    [request] = fake_fcm.requests
    message = request["message"]
    assert message["token"] == "good-token"
    assert message["notification"]["title"] == "Một khoản trợ cấp đã được chi trả"
    assert message["data"]["notification_id"] == str(note.pk)
    assert message["data"]["amount"] == "2500000"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert re.fullmatch(r"projects/vss-test/messages/\d+", delivery.provider_message_id)


def test_more_than_500_tokens_go_in_batches_of_500(fake_fcm, committed, settings):
    users = UserFactory.create_batch(1201)
    Device.objects.bulk_create(
        Device(user=user, token=f"tok-{n:05d}", platform="android") for n, user in enumerate(users)
    )
    calls: list[int] = []
    original = messaging.send_each

    def counting_send_each(messages, *args, **kwargs):
        calls.append(len(messages))
        return original(messages, *args, **kwargs)

    messaging.send_each = counting_send_each
    try:
        with committed():
            notifications_send(
                kind=Kind.BENEFIT_PAID, notices=[Notice(user_id=u.pk, data=BENEFIT) for u in users]
            )
    finally:
        messaging.send_each = original

    assert calls == [500, 500, 201]
    assert fake_fcm.count == 1201
    assert sorted(fake_fcm.tokens()) == [f"tok-{n:05d}" for n in range(1201)]
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT)
    assert sent.count() == 1201
    assert len(set(sent.values_list("provider_message_id", flat=True))) == 1201


def test_the_backend_refuses_more_than_500_messages_a_call(fake_fcm):
    messages = [PushMessage(token=f"t{n}", title="t", body="b") for n in range(BATCH_SIZE + 1)]
    with pytest.raises(ValueError, match="at most 500"):
        FcmBackend().send(messages)
    assert fake_fcm.count == 0


@pytest.mark.parametrize(
    ("prefix", "outcome", "code"),
    [
        ("unregistered-", Outcome.INVALID_TOKEN, "UNREGISTERED"),
        ("invalid-", Outcome.INVALID_TOKEN, "INVALID_ARGUMENT"),
        ("mismatch-", Outcome.INVALID_TOKEN, "SENDER_ID_MISMATCH"),
        ("unavailable-", Outcome.RETRY, "UNAVAILABLE"),
        ("internal-", Outcome.RETRY, "INTERNAL"),
        ("quota-", Outcome.RETRY, "QUOTA_EXCEEDED"),
        ("badpayload-", Outcome.FAILED, "INVALID_ARGUMENT"),
    ],
)
def test_each_fcm_error_is_mapped(fake_fcm, prefix, outcome, code):
    [result] = FcmBackend().send([PushMessage(token=f"{prefix}1", title="t", body="b")])
    assert (result.outcome, result.error) == (outcome, code)


@pytest.mark.parametrize("prefix", ["unregistered-", "invalid-", "mismatch-"])
def test_dead_tokens_are_deactivated_at_once(fake_fcm, committed, prefix):
    device = DeviceFactory(token=f"{prefix}abc")
    keeper = DeviceFactory(user=device.user, token="alive")

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    device.refresh_from_db()
    keeper.refresh_from_db()
    assert not device.is_active
    assert keeper.is_active
    assert Delivery.objects.get(device=device).status == DeliveryStatus.FAILED
    assert Delivery.objects.get(device=keeper).status == DeliveryStatus.SENT
    make_due()
    from notifications.services import deliveries_resend_due

    assert deliveries_resend_due() == 0


@pytest.mark.parametrize("prefix", ["unavailable-", "internal-", "quota-"])
def test_transient_fcm_errors_are_retried_later(fake_fcm, committed, prefix):
    device = DeviceFactory(token=f"{prefix}abc")

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    device.refresh_from_db()
    assert device.is_active
    # FCM recovers: the token now works, and the periodic task delivers it
    Device.objects.filter(pk=device.pk).update(token="recovered")
    make_due()
    from notifications.services import deliveries_resend_due

    assert deliveries_resend_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2


def test_an_unreachable_fcm_is_a_transient_failure(settings, committed):
    settings.PUSH_BACKEND = "fcm"
    settings.FCM_ENDPOINT = "http://127.0.0.1:1"  # nothing listens there
    settings.FCM_PROJECT_ID = "vss-test"
    settings.FCM_CREDENTIALS_FILE = ""
    settings.FCM_HTTP_RETRIES = 0
    device = DeviceFactory()

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error


def test_fcm_without_credentials_or_endpoint_is_a_clear_error(settings):
    settings.FCM_ENDPOINT = ""
    settings.FCM_CREDENTIALS_FILE = ""
    with pytest.raises(RuntimeError, match="FCM_CREDENTIALS_FILE"):
        fcm_app()
    assert "vss-push" not in firebase_admin._apps
