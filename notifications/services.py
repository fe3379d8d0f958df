"""The one door other apps use to tell a user something (no signals: call it explicitly)."""

from __future__ import annotations

from typing import Any

from notifications.models import Notification


def notification_send(
    *, user_id: Any, kind: str, title: str, body: str = "", data: dict[str, Any] | None = None
) -> Notification:
    """Put a message in the user's inbox. Callers schedule it with ``transaction.on_commit``
    when it follows a write, so nobody is told about a change that rolled back."""
    return Notification.objects.create(
        user_id=user_id, kind=kind, title=title, body=body, data=data or {}
    )


def notification_send_bulk(
    *,
    user_ids: list[Any],
    kind: str,
    title: str,
    body: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """The same message to many users in one bulk insert (imports, campaigns)."""
    rows = [
        Notification(user_id=user_id, kind=kind, title=title, body=body, data=data or {})
        for user_id in user_ids
    ]
    Notification.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def notification_send_each(*, messages: list[dict[str, Any]]) -> int:
    """Different messages in one bulk insert; each dict holds ``user_id``, ``kind``, ``title``
    and optionally ``body`` and ``data`` (batch jobs that tell many people different things)."""
    rows = [
        Notification(
            user_id=message["user_id"],
            kind=message["kind"],
            title=message["title"],
            body=message.get("body", ""),
            data=message.get("data") or {},
        )
        for message in messages
    ]
    Notification.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
