"""Demo data: the first demo citizen gets a console-backend push device and a few inbox items
of different kinds, some unread, so a new user sees the inbox working at once.

This app imports no other app: the demo citizen is found through ``ctx.logins`` (filled by
the accounts demo) and the user model, after every app's ``seed_demo`` ran."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from api.demo import DemoContext
from notifications.kinds import Kind
from notifications.models import Campaign, CampaignStatus, Device, Notification, Platform
from notifications.services import Notice, notification_send, notifications_send

DEMO_TOKEN = "demo-console-device-{user}"  # noqa: S105 - a push token, not a secret
WELCOME_ID = uuid.UUID("5e1c0a3e-0000-4000-8000-000000000001")
WELCOME = {
    "title": {"vi": "Chào mừng bạn đến với VSS", "en": "Welcome to VSS"},
    "body": {
        "vi": "Tra cứu quá trình đóng, thẻ BHYT và nhận thông báo ngay trên ứng dụng.",
        "en": "See your contributions and health card, and get notices right in the app.",
    },
}


def _items(ctx: DemoContext, user: Any) -> list[tuple[str, dict[str, Any], bool]]:
    today = ctx.today
    return [
        (Kind.CONTRIBUTIONS_POSTED, {"path": "/contributions/"}, True),
        (
            Kind.BENEFIT_PAID,
            {"amount": 1_250_000, "paid_on": (today - timedelta(days=12)).isoformat()},
            True,
        ),
        (
            Kind.SECURITY_NEW_LOGIN,
            {"device": "VSS (Android)", "at": (timezone.now() - timedelta(hours=5)).isoformat()},
            False,
        ),
    ]


def seed_demo_after(ctx: DemoContext) -> None:
    citizens = [username for username, what in ctx.logins if what.startswith("citizen")]
    user = get_user_model().objects.filter(username__in=citizens[:1]).first()
    if user is None:
        return
    Device.objects.get_or_create(
        token=DEMO_TOKEN.format(user=user.pk),
        defaults={"user": user, "platform": Platform.ANDROID, "app_version": "demo"},
    )
    for serial, (kind, data, read) in enumerate(_items(ctx, user)):
        note = notification_send(
            user_id=user.pk,
            kind=kind,
            data=data,
            dedupe_key=f"demo:{serial}",
        )
        if note is not None and read:
            Notification.objects.filter(pk=note.pk).update(read_at=note.created_at)
    welcome, _ = Campaign.objects.get_or_create(
        pk=WELCOME_ID,
        defaults={**WELCOME, "segment": {"kind": "all"}, "status": CampaignStatus.DONE},
    )
    notice = Notice(user_id=user.pk, dedupe_key="demo:welcome",
                    data={"campaign_id": str(welcome.pk)})  # fmt: skip
    notifications_send(kind=Kind.CAMPAIGN, notices=[notice], campaign=welcome)
    ctx.log("  notifications: a console push device and 4 inbox items for the demo citizen")
