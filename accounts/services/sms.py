"""SMS to a user's phone on file, for notices that must reach them without the app (the
notifications app's security fallback: ``settings.NOTIFICATIONS_SMS_SENDER`` names this)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.sms import sms_queue


def sms_to_user_queue(*, user_id: Any, text: str) -> bool:
    """Queue ``text`` to the user's phone on file after commit; False when there is none."""
    phone = (
        User.objects.filter(pk=user_id, insuree__isnull=False)
        .values_list("insuree__phone", flat=True)
        .first()
    )
    if not phone:
        return False
    sms_queue(phone=phone, text=text)
    return True
