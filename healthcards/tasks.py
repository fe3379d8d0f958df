"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from healthcards.services.cards import cards_expiring_notify, scans_notify_pending


@shared_task(ignore_result=True)
def scans_notify_pending_task() -> int:
    """Beat job (every HEALTHCARD_SCAN_NOTIFY_SECONDS): tell holders about new scans."""
    return scans_notify_pending()


@shared_task(ignore_result=True)
def cards_expiring_notify_task() -> int:
    """Beat job (daily): tell holders whose card expires in HEALTHCARD_EXPIRY_NOTICE_DAYS."""
    return cards_expiring_notify()
