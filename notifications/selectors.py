"""Reads: the inbox, unread count, preferences, devices and campaigns, with access gates
that answer 404 alike for missing and for someone else's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from notifications.models import Campaign, Category, Device, Notification, Preference, inbox_key


def notification_list(*, user: Any, unread: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(insuree_id=inbox_key(user), user=user).select_related(
        "campaign"
    )
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(
        insuree_id=inbox_key(user), user=user, read_at__isnull=True
    ).count()


def access_notification_by_id(*, user: Any, notification_id: Any) -> Notification:
    try:
        return Notification.objects.get(
            insuree_id=inbox_key(user), pk=UUID(str(notification_id)), user=user
        )
    except (ValueError, Notification.DoesNotExist):
        raise Http404 from None


def access_device_by_token(*, user: Any, token: str) -> Device:
    device = Device.objects.filter(token=token, user=user, is_active=True).first()
    if device is None:
        raise Http404
    return device


def access_campaign_by_id(*, campaign_id: Any) -> Campaign:
    try:
        return Campaign.objects.get(pk=UUID(str(campaign_id)))
    except (ValueError, Campaign.DoesNotExist):
        raise Http404 from None


def preference_get(*, user: Any) -> Preference:
    """The stored preference, or the defaults (all pushed, Vietnamese) unsaved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def preference_push_map(preference: Preference) -> dict[str, bool]:
    off = set(preference.push_off or [])
    return {category.value: category.value not in off for category in Category}


def reader_language(*, user: Any) -> str:
    """The inbox's language: the user's chosen one, else the request's (vi by default)."""
    chosen = Preference.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or (get_language() or "vi")[:2]
