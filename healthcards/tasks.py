"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from healthcards.services.cards import scan_holder_notify, scans_notify_pending


@shared_task(ignore_result=True)
def scan_notify_holder(notice: dict[str, Any]) -> None:
    """``notice`` comes from ``scan_notice``: plain JSON, so the task needs no reload."""
    scan_holder_notify(notice=notice)


@shared_task(ignore_result=True)
def scans_notify_pending_task() -> int:
    """Beat job (every HEALTHCARD_SCAN_NOTIFY_SECONDS): tell holders about new scans."""
    return scans_notify_pending()
