"""The outbox through a real Celery worker consuming from Redis (not eager)."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, transaction

from notifications.models import Delivery, DeliveryStatus
from notifications.services import Kind, notification_send
from notifications.tasks import deliveries_resend_due_task
from tests.notifications.conftest import make_due
from tests.notifications.factories import DeviceFactory

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}


def _wait_for(condition, timeout: float = 20) -> bool:
    """Poll while the worker writes. SQLite's shared-cache test database answers "table is
    locked" (no busy timeout applies) when a read meets the worker's write: read again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            pass
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
    assert _wait_for(lambda: Delivery.objects.get(device=second).status == DeliveryStatus.PENDING)

    # When the periodic task runs on the worker after the re-send delay, as beat runs it: again
    # and again (a run that meets SQLite's "table is locked" simply leaves the row to the next)
    make_due(status=DeliveryStatus.PENDING)

    def resent() -> bool:
        deliveries_resend_due_task.delay()
        time.sleep(0.5)
        return Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2

    # Then it is sent, and nothing was sent twice however often the task ran
    assert _wait_for(resent)
    assert sorted(m.token for m in pushed.sent) == ["first", "second"]
