"""Celery tasks: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from healthcards.services.cards import scan_holder_notify


@shared_task(ignore_result=True)
def scan_notify_holder(scan_id: str) -> None:
    scan_holder_notify(scan_id=scan_id)
