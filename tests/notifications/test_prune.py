"""The daily prune deletes what only grows (finished deliveries, old inbox rows, long-gone
devices) and nothing a citizen or the outbox still needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Device, Notification
from notifications.services import Kind, notification_send, notifications_prune
from notifications.tasks import notifications_prune_task
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

BENEFIT = {"benefit_id": 7, "amount": 2_500_000, "paid_on": "2026-11-05"}


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _notice(device: Device, *, age_days: int, status: str) -> Notification:
    note = notification_send(user_id=device.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT)
    Notification.objects.filter(pk=note.pk).update(created_at=_days_ago(age_days))
    Delivery.objects.filter(notification=note).update(created_at=_days_ago(age_days), status=status)
    return note


def test_the_prune_keeps_what_is_still_needed_and_deletes_the_rest():
    phone = DeviceFactory()
    recent = _notice(phone, age_days=2, status=DeliveryStatus.SENT)
    month_old_sent = _notice(phone, age_days=40, status=DeliveryStatus.SENT)
    month_old_failed = _notice(phone, age_days=40, status=DeliveryStatus.FAILED)
    month_old_pending = _notice(phone, age_days=40, status=DeliveryStatus.PENDING)
    year_old = _notice(phone, age_days=400, status=DeliveryStatus.PENDING)
    signed_out = DeviceFactory(user=phone.user)
    Device.objects.filter(pk=signed_out.pk).update(is_active=False, deactivated_at=_days_ago(9))
    long_gone = DeviceFactory(user=phone.user)
    Device.objects.filter(pk=long_gone.pk).update(is_active=False, deactivated_at=_days_ago(100))

    counts = notifications_prune_task.delay().get()

    # finished deliveries past 30 days go; a pending one stays with its inbox row
    remaining = set(Delivery.objects.values_list("notification_id", flat=True))
    assert remaining == {recent.pk, month_old_pending.pk}
    # inbox rows stay a year, whatever became of their pushes
    inbox = set(Notification.objects.values_list("pk", flat=True))
    assert inbox == {recent.pk, month_old_sent.pk, month_old_failed.pk, month_old_pending.pk}
    assert year_old.pk not in inbox
    # devices deactivated over 90 days ago go; the active and recently signed-out ones stay
    assert set(Device.objects.values_list("pk", flat=True)) == {phone.pk, signed_out.pk}
    assert counts == {"deliveries": 2, "notifications": 1, "devices": 1}


def test_the_prune_deletes_in_batches_with_bounded_queries(django_assert_max_num_queries):
    phones = DeviceFactory.create_batch(7)
    for phone in phones:
        _notice(phone, age_days=400, status=DeliveryStatus.SENT)

    # 7 rows of each kind in batches of 3: 3 batches of deliveries (savepoint, ids, delete,
    # release), 3 of inbox rows (savepoint, ids, rows, their deliveries, them, release), and
    # one empty look (savepoint, ids, release) per kind: a fixed number a batch, not a row
    with django_assert_max_num_queries(3 * 4 + 3 * 6 + 3 * 3):
        counts = notifications_prune(batch=3)

    assert counts["notifications"] == 7
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_a_recent_notice_keeps_its_once_per_key_mark():
    phone = DeviceFactory()
    key = "healthcard_expiring:card:2026-12-31"
    notification_send(user_id=phone.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT, dedupe_key=key)
    notifications_prune()
    again = notification_send(
        user_id=phone.user_id, kind=Kind.BENEFIT_PAID, data=BENEFIT, dedupe_key=key
    )
    assert again is None


def test_the_prune_is_scheduled_nightly_with_documented_retention():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-prune"]
    assert entry["task"] == "notifications.tasks.notifications_prune_task"
    assert entry["schedule"] == crontab(hour=3, minute=30)
    assert (
        settings.NOTIFICATIONS_DELIVERY_RETENTION_DAYS,
        settings.NOTIFICATIONS_INBOX_RETENTION_DAYS,
        settings.NOTIFICATIONS_DEVICE_RETENTION_DAYS,
    ) == (30, 365, 90)
