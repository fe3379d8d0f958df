"""The inbox's read state and the user's preferences."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from api.exceptions import ApplicationError
from notifications.error_codes import NotificationErrorCode
from notifications.models import Category, Notification, Preference, inbox_key


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(
        insuree_id=notification.insuree_id, pk=notification.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(
        insuree_id=inbox_key(user), user=user, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def preference_update(
    *, user: Any, language: str | None = None, push: dict[str, bool] | None = None
) -> Preference:
    """Change the language and which categories are pushed. Security notices cannot be
    turned off (400 ``security_push_required``)."""
    if push and push.get(Category.SECURITY) is False:
        raise ApplicationError(
            code=NotificationErrorCode.SECURITY_PUSH_REQUIRED,
            detail=_(
                "Security notices (new sign-ins, password and phone changes) cannot be turned off."
            ),
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    if language:
        preference.language = language
    if push:
        off = set(preference.push_off or [])
        off |= {category for category, on in push.items() if not on}
        off -= {category for category, on in push.items() if on}
        preference.push_off = sorted(off)
    preference.save()
    return preference
