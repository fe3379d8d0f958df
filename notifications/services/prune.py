"""Daily housekeeping: inbox rows and deliveries grow with every notice to every citizen.

- Deliveries that finished (sent or failed) more than NOTIFICATIONS_DELIVERY_RETENTION_DAYS
  ago: their outcome has served its purpose (retries, the campaign's counts).
- Inbox rows older than NOTIFICATIONS_INBOX_RETENTION_DAYS, with whatever deliveries they
  still have. Their one-per-key marks go with them; no trigger re-sends that old a notice
  (expiry notices name the card's end date, arrears the month, imports the declaration).
- Devices deactivated more than NOTIFICATIONS_DEVICE_RETENTION_DAYS ago (tokens of phones
  signed out or uninstalled).

Each kind is deleted in batches of ``BATCH`` rows, one short transaction each, so no delete
holds locks for long on the partitioned tables.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus, Device, Notification

BATCH = 5000


def notifications_prune(*, batch: int = BATCH) -> dict[str, int]:
    now = timezone.now()
    days = timedelta(days=1)
    finished = Delivery.objects.filter(
        status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED],
        created_at__lt=now - settings.NOTIFICATIONS_DELIVERY_RETENTION_DAYS * days,
    )
    deliveries = _delete_in_batches(finished, batch=batch)
    old = Notification.objects.filter(
        created_at__lt=now - settings.NOTIFICATIONS_INBOX_RETENTION_DAYS * days
    )
    notifications = _delete_in_batches(old, batch=batch)
    gone = Device.objects.filter(
        is_active=False,
        deactivated_at__lt=now - settings.NOTIFICATIONS_DEVICE_RETENTION_DAYS * days,
    )
    devices = _delete_in_batches(gone, batch=batch)
    return {"deliveries": deliveries, "notifications": notifications, "devices": devices}


def _delete_in_batches(rows: QuerySet[Any], *, batch: int) -> int:
    """Delete ``rows`` ``batch`` at a time; Django deletes what points at them (deliveries) in
    the same transaction, one statement a batch."""
    deleted = 0
    model: type[Model] = rows.model
    while True:
        with transaction.atomic():
            ids = list(rows.order_by().values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            _total, by_model = model._default_manager.filter(pk__in=ids).delete()
            deleted += by_model.get(model._meta.label, 0)
