"""Celery tasks: thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from accounts.services.prune import accounts_prune as _accounts_prune
from accounts.services.support import phone_changes_apply_due


@shared_task(name="accounts.tasks.accounts_prune")
def accounts_prune() -> dict[str, int]:
    return _accounts_prune()


@shared_task(name="accounts.tasks.phone_changes_apply")
def phone_changes_apply() -> int:
    return phone_changes_apply_due()
