"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from notifications.services import (
    campaign_fanout,
    campaigns_start_due,
    deliveries_resend_due,
    notifications_prune,
    notifications_push,
)


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=5,
)
def notifications_push_task(notification_ids: list[str]) -> int:
    """After commit: the first attempt of these notifications' deliveries. A database error
    (a lost connection, a lock timeout) rolls the claim back and the task retries within
    seconds rather than waiting for the periodic re-send; a claim is leased, so a retry never
    sends a delivery twice."""
    return notifications_push(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def deliveries_resend_due_task() -> int:
    """Beat: deliveries still pending (never enqueued, backing off, or claimed by a worker
    that died)."""
    return deliveries_resend_due()


@shared_task(ignore_result=True)
def campaign_fanout_task(campaign_id: str) -> int:
    return campaign_fanout(campaign_id=campaign_id)


@shared_task(ignore_result=True)
def campaigns_start_due_task() -> int:
    """Beat: scheduled campaigns whose time has come, and running ones to resume."""
    return campaigns_start_due()


@shared_task(ignore_result=True)
def notifications_prune_task() -> dict[str, int]:
    """Daily: old inbox rows, finished deliveries and long-deactivated devices."""
    return notifications_prune()
