"""Writes about people and accounts. Each service is one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import AuditEvent, Insuree, User


@transaction.atomic
def audit_event_record(
    *,
    action: str,
    actor: User | None = None,
    target_user: User | None = None,
    target_insuree: Insuree | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    ip: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the action it records."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        target_user=target_user,
        target_insuree=target_insuree,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        ip=ip,
        data=data or {},
    )


def audit_events_record_bulk(
    *,
    action: str,
    actor: User | None = None,
    object_type: str = "",
    events: list[tuple[int | None, str, dict[str, Any]]],
    batch_size: int = 5000,
) -> int:
    """Append one audit event per ``(target insuree id, object id, data)`` in bulk inserts,
    for actions that change many rows at once (an import). Call it inside the transaction."""
    role = actor.role if actor is not None else ""
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                action=action,
                actor=actor,
                actor_role=role,
                target_insuree_id=insuree_id,
                object_type=object_type,
                object_id=object_id,
                data=data,
            )
            for insuree_id, object_id, data in events
        ),
        batch_size=batch_size,
    )
    return len(events)
