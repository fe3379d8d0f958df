"""The outbox: inbox rows and their deliveries are written in the caller's transaction; the
deliveries are sent after commit, and whatever is still pending later is re-sent by the
periodic task, so a crash between commit and enqueue loses nothing.

Sending is claim-then-send: a short transaction locks due rows (``SKIP LOCKED``), marks them
``sending`` with a lease and commits; the push happens outside any transaction; the outcome
is recorded afterwards. A row with a provider message id is never sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications.kinds import Kind, kind_render, kind_spec
from notifications.models import (
    NO_INSUREE,
    Campaign,
    Category,
    Delivery,
    DeliveryStatus,
    Device,
    Notification,
    Preference,
)
from notifications.push import BATCH_SIZE, Outcome, PushMessage, PushResult, push_backend

logger = logging.getLogger("notifications")

DEFAULT_LANGUAGE = "vi"
INSERT_BATCH = 2000


@dataclass(frozen=True)
class Notice:
    """One recipient of a kind: who and the data. The recipient's insuree (the rows' partition
    key) is looked up by the outbox, whoever the notice is about."""

    user_id: Any
    data: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str = ""


def notification_send(
    *,
    user_id: Any,
    kind: str,
    data: dict[str, Any] | None = None,
    dedupe_key: str = "",
    sms_fallback: bool = True,
) -> Notification | None:
    """Tell one user something: an inbox row in the caller's transaction, a delivery per
    active device (if the category is pushed to them) sent after commit; for a security kind
    and no active device, an SMS. With ``dedupe_key``, a second call with the same key for the
    same user does nothing and returns None."""
    notice = Notice(user_id=user_id, data=data or {}, dedupe_key=dedupe_key)
    written = notifications_send(kind=kind, notices=[notice], sms_fallback=sms_fallback)
    return written[0] if written else None


def notifications_send(
    *,
    kind: str,
    notices: Sequence[Notice],
    campaign: Campaign | None = None,
    sms_fallback: bool = True,
) -> list[Notification]:
    """The same kind to many users (different data each) with a fixed number of queries."""
    spec = kind_spec(kind)
    if not notices:
        return []
    now = timezone.now()
    insurees = _recipients_insurees({notice.user_id for notice in notices})
    rows = [
        Notification(
            user_id=notice.user_id,
            insuree_id=insurees.get(str(notice.user_id), NO_INSUREE),
            kind=spec.kind.value,
            category=spec.category,
            data=notice.data,
            campaign=campaign,
            dedupe_key=notice.dedupe_key,
            created_at=now,
        )
        for notice in notices
    ]
    rows = _insert(rows, deduped=any(notice.dedupe_key for notice in notices))
    _deliveries_write(rows, category=spec.category, now=now, sms_fallback=sms_fallback)
    return rows


def _insert(rows: list[Notification], *, deduped: bool) -> list[Notification]:
    if not deduped:
        Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH)
        return rows
    keyed = {(str(row.user_id), row.dedupe_key) for row in rows if row.dedupe_key}
    existing = Notification.objects.filter(
        insuree_id__in={row.insuree_id for row in rows},
        user_id__in={row.user_id for row in rows},
        dedupe_key__in={row.dedupe_key for row in rows if row.dedupe_key},
    ).values_list("user_id", "dedupe_key")
    taken = {(str(user), key) for user, key in existing} & keyed
    fresh = [row for row in rows if (str(row.user_id), row.dedupe_key) not in taken]
    Notification.objects.bulk_create(fresh, batch_size=INSERT_BATCH, ignore_conflicts=True)
    # A concurrent writer may have won a key between the check and the insert: keep the rows
    # that really went in.
    inserted = set(
        Notification.objects.filter(
            insuree_id__in={row.insuree_id for row in fresh}, pk__in=[row.pk for row in fresh]
        ).values_list("pk", flat=True)
    )
    return [row for row in fresh if row.pk in inserted]


def _recipients_insurees(user_ids: Iterable[Any]) -> dict[str, int]:
    """Each recipient's own insuree (users without one, staff, are left out: NO_INSUREE)."""
    found = (
        get_user_model()
        .objects.filter(pk__in=list(user_ids), insuree_id__isnull=False)
        .values_list("pk", "insuree_id")
    )
    return {str(user_id): insuree_id for user_id, insuree_id in found}


def _deliveries_write(
    rows: list[Notification], *, category: str, now: datetime, sms_fallback: bool
) -> None:
    user_ids = {row.user_id for row in rows}
    preferences = _preferences(user_ids)
    security = category == Category.SECURITY
    pushed = {
        user_id
        for user_id in user_ids
        if security or category not in preferences.get(str(user_id), ("", []))[1]
    }
    devices: dict[str, list[Any]] = {}
    for device_id, user_id in Device.objects.filter(user_id__in=pushed, is_active=True).values_list(
        "id", "user_id"
    ):
        devices.setdefault(str(user_id), []).append(device_id)
    due = now + timedelta(seconds=settings.NOTIFICATIONS_RESEND_AFTER_SECONDS)
    deliveries = [
        Delivery(
            notification=row,
            device_id=device_id,
            insuree_id=row.insuree_id,
            next_attempt_at=due,
            created_at=now,
        )
        for row in rows
        for device_id in devices.get(str(row.user_id), [])
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries, batch_size=INSERT_BATCH)
        ids = sorted({str(delivery.notification_id) for delivery in deliveries})
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    if security and sms_fallback:
        for row in rows:
            if str(row.user_id) not in devices:
                _sms_fallback(row, preferences.get(str(row.user_id), (DEFAULT_LANGUAGE, []))[0])


def _preferences(user_ids: Iterable[Any]) -> dict[str, tuple[str, list[str]]]:
    return {
        str(user_id): (language, push_off or [])
        for user_id, language, push_off in Preference.objects.filter(
            user_id__in=list(user_ids)
        ).values_list("user_id", "language", "push_off")
    }


def _enqueue(notification_ids: list[str]) -> None:
    from notifications.tasks import notifications_push_task  # tasks import this module

    for start in range(0, len(notification_ids), BATCH_SIZE):
        notifications_push_task.delay(notification_ids[start : start + BATCH_SIZE])


def _sms_fallback(row: Notification, language: str) -> None:
    """A security notice for a user with no active device goes by SMS to the phone on file,
    through the sender the accounts app provides (``NOTIFICATIONS_SMS_SENDER``)."""
    title, body = kind_render(kind=row.kind, data=row.data, language=language)
    sender = import_string(settings.NOTIFICATIONS_SMS_SENDER)
    if not sender(user_id=row.user_id, text=f"VSS: {title}. {body}"):
        logger.warning("security notice %s: no device and no phone on file", row.pk)


# --- sending ---------------------------------------------------------------------------------


def notifications_push(*, notification_ids: list[Any]) -> int:
    """Send the first attempt of these notifications' deliveries (the after-commit task)."""
    due = Delivery.objects.filter(
        notification_id__in=notification_ids, status=DeliveryStatus.PENDING, attempts=0
    )
    return _claim_and_send(due, limit=len(notification_ids) * 20 + BATCH_SIZE)


def deliveries_resend_due(*, limit: int = 5000) -> int:
    """The periodic task: send deliveries still pending after the re-send delay, those whose
    backoff is over, and those whose claim's lease ran out (a worker died while sending)."""
    sent = 0
    while sent < limit:
        due = Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        done = _claim_and_send(due, limit=min(BATCH_SIZE, limit - sent))
        if not done:
            break
        sent += done
    return sent


def _claim_and_send(due: QuerySet[Delivery], *, limit: int) -> int:
    handled = 0
    while handled < limit:
        claimed = _claim(due, limit=min(BATCH_SIZE, limit - handled))
        if not claimed:
            break
        _send(claimed)
        handled += len(claimed)
    return handled


@transaction.atomic
def _claim(due: QuerySet[Delivery], *, limit: int) -> list[Delivery]:
    rows = list(
        due.select_for_update(skip_locked=True, of=("self",))
        .select_related("notification__campaign", "device")
        .order_by("id")[:limit]
    )
    if not rows:
        return []
    lease = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_CLAIM_LEASE_SECONDS)
    Delivery.objects.filter(  # the insurees prune the partitions to those of these rows
        insuree_id__in={row.insuree_id for row in rows}, pk__in=[row.pk for row in rows]
    ).update(status=DeliveryStatus.SENDING, next_attempt_at=lease, attempts=F("attempts") + 1)
    for row in rows:
        row.attempts += 1
    return rows


def _send(rows: list[Delivery]) -> None:
    live = [row for row in rows if row.device.is_active]
    dead = [row for row in rows if not row.device.is_active]
    languages = _preferences({row.notification.user_id for row in live})
    messages = [_message(row, languages) for row in live]
    try:
        results = push_backend().send(messages) if messages else []
    except Exception as error:
        logger.warning("push backend failed for %d messages: %s", len(messages), type(error))
        results = [PushResult(Outcome.RETRY, error=type(error).__name__[:64])] * len(messages)
    for row in dead:
        _record(row, PushResult(Outcome.FAILED, error="device_inactive"))
    for row, result in zip(live, results, strict=True):
        _record(row, result)
    _save(rows)


def _message(row: Delivery, languages: dict[str, tuple[str, list[str]]]) -> PushMessage:
    notification = row.notification
    language = languages.get(str(notification.user_id), (DEFAULT_LANGUAGE, []))[0]
    title, body = notification_text(notification, language)
    data = {key: str(value) for key, value in notification.data.items()}
    data.update(
        notification_id=str(notification.pk), kind=notification.kind, category=notification.category
    )
    return PushMessage(token=row.device.token, title=title, body=body, data=data)


def notification_text(notification: Notification, language: str) -> tuple[str, str]:
    """The (title, body) of an inbox row in ``language``."""
    if notification.campaign_id is not None and notification.campaign is not None:
        texts = {"title": notification.campaign.title, "body": notification.campaign.body}
        return kind_render(kind=Kind.CAMPAIGN, data={}, language=language, texts=texts)
    try:
        return kind_render(kind=notification.kind, data=notification.data, language=language)
    except (ValueError, KeyError, TypeError):
        return notification.title, notification.body  # a row from before kinds existed


def _record(row: Delivery, result: PushResult) -> None:
    now = timezone.now()
    row.last_error = result.error[:64]
    if result.outcome == Outcome.SENT:
        row.status, row.provider_message_id, row.sent_at = (
            DeliveryStatus.SENT,
            result.message_id[:200],
            now,
        )
    elif result.outcome == Outcome.RETRY and row.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
        row.status = DeliveryStatus.PENDING
        row.next_attempt_at = now + retry_delay(row.attempts)
    else:
        row.status = DeliveryStatus.FAILED
    if result.outcome == Outcome.INVALID_TOKEN:
        Device.objects.filter(pk=row.device_id, is_active=True).update(
            is_active=False, deactivated_at=now, deactivated_reason=result.error[:40] or "invalid"
        )


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: BASE, 2*BASE, 4*BASE... capped at MAX."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _save(rows: list[Delivery]) -> None:
    """Each row's outcome in one ``executemany`` (Django's ``bulk_update`` builds a CASE per
    field and row, and cost more than the pushes themselves)."""
    table = connection.ops.quote_name(Delivery._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {table} SET status = %s, provider_message_id = %s, sent_at = %s, "  # noqa: S608
        "last_error = %s, next_attempt_at = %s WHERE insuree_id = %s AND id = %s"
    )  # the insuree: one partition, not a probe of each
    params = [
        (
            row.status,
            row.provider_message_id,
            adapt(row.sent_at),
            row.last_error,
            adapt(row.next_attempt_at),
            row.insuree_id,
            row.pk,
        )
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
