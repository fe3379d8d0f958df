"""The outbox: nothing lost, retries with backoff and a cap, never a duplicate, preferences,
the security category and its SMS fallback."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from api.roles import Role
from notifications.models import (
    NO_INSUREE,
    Delivery,
    DeliveryStatus,
    Device,
    Notification,
    Preference,
)
from notifications.push import Outcome
from notifications.selectors import notification_list
from notifications.services import (
    Kind,
    Notice,
    deliveries_resend_due,
    notification_send,
    notifications_send,
)
from notifications.services.outbox import retry_delay
from notifications.tasks import deliveries_resend_due_task, notifications_push_task
from tests.accounts.factories import UserFactory
from tests.notifications.conftest import make_due
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}
AT = {"at": "2026-11-29T08:00:00+07:00"}


def test_the_push_goes_out_after_commit_in_the_readers_language(committed, pushed):
    device = DeviceFactory()
    Preference.objects.create(user=device.user, language="en")

    with committed():
        note = notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    assert note is not None
    [message] = pushed.sent
    assert message.token == device.token
    assert message.title == "A benefit was paid"
    assert message.body == "A benefit payment of 2,500,000 VND was made on 05/11/2026."
    assert message.data["notification_id"] == str(note.pk)
    assert message.data["kind"] == "benefit_paid"
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id.startswith("memory/")
    assert delivery.attempts == 1


def test_vietnamese_is_the_default_language(committed, pushed):
    device = DeviceFactory()

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    [message] = pushed.sent
    assert message.title == "Một khoản trợ cấp đã được chi trả"
    assert "2.500.000" in message.body


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks, pushed
):
    device = DeviceFactory()

    def failing_caller() -> None:
        with transaction.atomic():
            notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
            raise RuntimeError("the caller failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_caller()

    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert pushed.sent == []


def test_nothing_is_lost_when_the_process_dies_between_commit_and_enqueue(
    django_capture_on_commit_callbacks, pushed, settings
):
    # Given a notification committed, but the after-commit enqueue never happens (the
    # process died: the callbacks are captured and dropped)
    device = DeviceFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    assert len(callbacks) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert pushed.sent == []

    # When the periodic task runs before the re-send delay, it leaves the fresh row alone
    assert deliveries_resend_due_task.delay().get() == 0

    # Then once the delay has passed, it sends it, exactly once
    make_due()
    assert deliveries_resend_due_task.delay().get() == 1
    assert [m.token for m in pushed.sent] == [device.token]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    make_due()
    assert deliveries_resend_due() == 0
    assert len(pushed.sent) == 1


def test_a_database_error_while_claiming_retries_the_task_and_sends_once(
    django_capture_on_commit_callbacks, pushed
):
    # Given a committed notification whose first claim meets a database error (a lock
    # timeout, a dropped connection): the database refuses the claim's UPDATE once
    device = DeviceFactory()
    refused = []

    def refuse_first_claim(execute, sql, params, many, context):
        if sql.startswith('UPDATE "notifications_delivery"') and not refused:
            refused.append(sql)
            raise OperationalError("database table is locked: notifications_delivery")
        return execute(sql, params, many, context)

    with django_capture_on_commit_callbacks(execute=False):
        notification = notification_send(
            user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT
        )

    # When the after-commit task runs (applied in process, so its retries run at once)
    with connection.execute_wrapper(refuse_first_claim):
        result = notifications_push_task.apply(args=[[str(notification.id)]], throw=False)

    # Then the task retried on its own (no wait for the periodic re-send) and sent once
    assert len(refused) == 1
    assert result.successful()
    assert [m.token for m in pushed.sent] == [device.token]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_a_delivery_whose_worker_died_mid_send_is_reclaimed_after_its_lease(pushed):
    device = DeviceFactory()
    notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    Delivery.objects.update(
        status=DeliveryStatus.SENDING, attempts=1, next_attempt_at=timezone.now() + timedelta(1)
    )
    assert deliveries_resend_due() == 0  # still within the lease

    make_due()
    assert deliveries_resend_due() == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_transient_failures_back_off_exponentially_and_stop_at_the_cap(pushed, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 5
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 100
    device = DeviceFactory(token="flaky")
    pushed.outcomes["flaky"] = Outcome.RETRY
    notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    delays = []
    for attempt in range(1, 6):
        make_due()
        before = timezone.now()
        assert deliveries_resend_due() == 1
        delivery = Delivery.objects.get()
        assert delivery.attempts == attempt
        if attempt < 5:
            assert delivery.status == DeliveryStatus.PENDING
            delays.append(round((delivery.next_attempt_at - before).total_seconds()))

    assert delays == [30, 60, 100, 100]  # doubling, capped at RETRY_MAX
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "RETRY"
    make_due()
    assert deliveries_resend_due() == 0  # failed for good: never tried again
    assert Device.objects.get().is_active  # a transient error keeps the device


def test_retry_delay_doubles_from_the_base():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]


def test_a_dead_token_deactivates_the_device_at_once(committed, pushed):
    device = DeviceFactory(token="dead")
    pushed.outcomes["dead"] = Outcome.INVALID_TOKEN

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    device.refresh_from_db()
    assert not device.is_active
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    assert Delivery.objects.count() == 1, "an inactive device gets no new deliveries"


def test_a_category_turned_off_is_not_pushed_but_stays_in_the_inbox(committed, pushed):
    device = DeviceFactory()
    Preference.objects.create(user=device.user, push_off=["benefits"])

    with committed():
        notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    assert Notification.objects.filter(user=device.user).count() == 1
    assert not Delivery.objects.exists()
    assert pushed.sent == []


def test_security_notices_ignore_opt_outs(committed, pushed):
    device = DeviceFactory()
    Preference.objects.create(user=device.user, push_off=["security", "benefits"])

    with committed():
        notification_send(
            user_id=device.user_id,
            kind=Kind.SECURITY_PASSWORD_CHANGED,
            data={"at": timezone.now().isoformat()},
        )

    assert [m.token for m in pushed.sent] == [device.token]


def test_security_without_a_device_falls_back_to_sms_in_the_users_language(
    committed, pushed, sms_outbox
):
    user = UserFactory()
    Preference.objects.create(user=user, language="en")
    DeviceFactory(user=user, is_active=False)

    with committed():
        notification_send(
            user_id=user.pk,
            kind=Kind.SECURITY_NEW_LOGIN,
            data={"device": "Pixel 8", "at": "2026-11-29T10:00:00+07:00"},
        )

    assert pushed.sent == []
    [(phone, text)] = sms_outbox
    assert phone == user.insuree.phone
    assert text.startswith("VSS: New sign-in to your account.")
    assert "Pixel 8 at 10:00 29/11/2026" in text


def test_no_sms_when_a_device_can_be_pushed(committed, pushed, sms_outbox):
    device = DeviceFactory()
    with committed():
        notification_send(
            user_id=device.user_id, kind=Kind.SECURITY_ACCOUNT_UNLOCKED, data={"at": ""}
        )
    assert len(pushed.sent) == 1
    assert sms_outbox == []


def test_no_sms_fallback_for_other_categories(committed, sms_outbox):
    user = UserFactory()
    with committed():
        notification_send(user_id=user.pk, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    assert sms_outbox == []


def test_a_dedupe_key_sends_once(committed, pushed):
    device = DeviceFactory()
    with committed():
        first = notification_send(
            user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT, dedupe_key="k1"
        )
        again = notification_send(
            user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT, dedupe_key="k1"
        )
    assert first is not None
    assert again is None
    assert len(pushed.sent) == 1


def test_rows_are_keyed_by_the_recipients_insuree_and_staff_by_no_insuree(committed):
    citizen, support = UserFactory(), UserFactory(role=Role.SUPPORT)
    DeviceFactory(user=citizen), DeviceFactory(user=support)
    with committed():
        notifications_send(
            kind=Kind.SECURITY_PASSWORD_CHANGED,
            notices=[Notice(user_id=citizen.pk, data=AT), Notice(user_id=support.pk, data=AT)],
        )
    keys = {
        note.user_id: (note.insuree_id, {d.insuree_id for d in note.deliveries.all()})
        for note in Notification.objects.prefetch_related("deliveries")
    }
    assert keys == {
        citizen.pk: (citizen.insuree_id, {citizen.insuree_id}),
        support.pk: (NO_INSUREE, {NO_INSUREE}),
    }
    # each reader's inbox finds its own
    assert [n.user_id for n in notification_list(user=citizen)] == [citizen.pk]
    assert [n.user_id for n in notification_list(user=support)] == [support.pk]


def test_an_unknown_kind_is_refused():
    user = UserFactory()
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notification_send(user_id=user.pk, kind="free_text")


def test_many_recipients_cost_the_same_queries_as_few(django_assert_max_num_queries):
    few, many = DeviceFactory.create_batch(3), DeviceFactory.create_batch(40)

    def send(devices: list[Device]) -> None:
        notices = [Notice(user_id=d.user_id, data=BENEFIT) for d in devices]
        notifications_send(kind=Kind.BENEFIT_PAID, notices=notices)

    # recipients' insurees, notifications, preferences, devices, deliveries
    with django_assert_max_num_queries(5):
        send(few)
    with django_assert_max_num_queries(5):
        send(many)
    assert Delivery.objects.count() == 43


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_resends_never_send_a_delivery_twice(pushed, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT ... FOR UPDATE SKIP LOCKED)")
    devices = DeviceFactory.create_batch(300)
    with transaction.atomic():
        notifications_send(
            kind=Kind.BENEFIT_PAID,
            notices=[Notice(user_id=d.user_id, data=BENEFIT) for d in devices],
        )
        transaction.get_connection().run_on_commit.clear()  # left to the periodic task
    make_due()
    assert pushed.sent == []
    original = pushed.MemoryBackend.send

    def slow_send(self, messages):
        time.sleep(0.02)  # a network round trip: the other workers run meanwhile
        return original(self, messages)

    monkeypatch.setattr(pushed.MemoryBackend, "send", slow_send)
    monkeypatch.setattr("notifications.services.outbox.BATCH_SIZE", 25)
    barrier = threading.Barrier(4)

    def worker(_: int) -> int:
        try:
            barrier.wait(timeout=30)
            return deliveries_resend_due()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        handled = list(pool.map(worker, range(4)))

    ids = [message.data["notification_id"] for message in pushed.sent]
    assert len(ids) == 300
    assert len(set(ids)) == 300, "a delivery was sent twice"
    assert sum(handled) == 300
    assert sum(1 for n in handled if n) >= 2, f"the workers did not share the work: {handled}"
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
