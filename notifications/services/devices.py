"""Push devices: registered by the app for the current session, deactivated when the session
ends (accounts calls ``devices_deactivate_for_sessions``) or FCM reports the token dead."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.models import Device


@transaction.atomic
def device_register(
    *,
    user: Any,
    token: str,
    platform: str,
    app_version: str = "",
    locale: str = "",
    session_id: Any = None,
) -> tuple[Device, bool]:
    """Register or refresh a token (idempotent on the token); a token another user
    registered before moves to this user and session. Returns (device, created)."""
    device = Device.objects.select_for_update().filter(token=token).first()
    created = device is None
    if device is None:
        device = Device(token=token)
    device.user = user
    device.platform = platform
    device.app_version = app_version
    device.locale = locale
    device.session_id = session_id
    device.is_active = True
    device.deactivated_at = None
    device.deactivated_reason = ""
    device.save()
    return device, created


def device_unregister(*, device: Device) -> None:
    """Stop pushing to this token: the device is deactivated, not deleted, so the record of
    what was pushed to it stays (deliveries are partitioned by insuree, and deleting a device
    would sweep every partition); registering the token again reactivates it."""
    Device.objects.filter(pk=device.pk, is_active=True).update(
        is_active=False, deactivated_at=timezone.now(), deactivated_reason="unregistered"
    )


def devices_deactivate_for_sessions(*, session_ids: Iterable[Any], reason: str) -> int:
    """Deactivate the devices registered by these login sessions (logout, revocation)."""
    ids = [str(session_id) for session_id in session_ids]
    if not ids:
        return 0
    return Device.objects.filter(session_id__in=ids, is_active=True).update(
        is_active=False, deactivated_at=timezone.now(), deactivated_reason=reason[:40]
    )


def devices_deactivate_for_user(*, user_id: Any, reason: str) -> int:
    """Deactivate every device of a user (account reset, deactivation)."""
    return Device.objects.filter(user_id=user_id, is_active=True).update(
        is_active=False, deactivated_at=timezone.now(), deactivated_reason=reason[:40]
    )
