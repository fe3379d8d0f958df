"""The outbox through a real Celery worker consuming from Redis (not eager)."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from notifications.models import Delivery, DeliveryStatus
from notifications.services import Kind, notification_send
from notifications.tasks import deliveries_resend_due_task
from tests.notifications.conftest import make_due
from tests.notifications.factories import DeviceFactory

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}


def _wait_for(condition, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_after_commit_and_the_beat_task_resends_what_was_never_enqueued(
    celery_redis_worker, pushed
):
    # Given a committed notification: its after-commit task goes through Redis to the worker
    first = DeviceFactory(token="first")
    with transaction.atomic():
        notification_send(user_id=first.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)

    assert _wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 1)
    assert [m.token for m in pushed.sent] == ["first"]

    # And one whose enqueue was lost (written, committed, never published)
    second = DeviceFactory(token="second")
    with transaction.atomic():
        notification_send(user_id=second.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
        transaction.get_connection().run_on_commit.clear()  # the process "dies" here
    assert Delivery.objects.get(device=second).status == DeliveryStatus.PENDING

    # When the periodic task runs on the worker after the re-send delay
    make_due(status=DeliveryStatus.PENDING)
    deliveries_resend_due_task.delay()

    # Then it is sent, and nothing was sent twice
    assert _wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2)
    assert sorted(m.token for m in pushed.sent) == ["first", "second"]
