"""Push fan-out: the ``fcm`` backend and the outbox against bare firebase-admin, and the peak
memory of a campaign. ``python -m bench fanout``.

All pushes go over HTTP to the fake FCM v1 server of the tests (``tests/fake_fcm.py``) on
127.0.0.1, through the real firebase-admin library; the floor is the bare library
(``messaging.send_each`` with 500 ready ``Message`` objects a call) against the same server in
the same run, so the ratio tells what our code adds, not how fast the fake server is.

1. **backend**: ``BENCH_FANOUT_DEVICES`` (100,000) messages through ``FcmBackend.send`` in calls
   of 500, against the floor. Target: at least 0.8x.
2. **campaign**: a campaign to ``BENCH_FANOUT_CITIZENS`` (100,000) citizens with an account
   (synthetic ones created when fewer exist, each given a device; when a bigger run left more,
   the audience stops at that many): the whole
   path (segment pages, inbox rows and deliveries written per batch, claims, pushes, outcomes
   recorded, tasks eager in this process), as pushes per second against the floor (no target
   of its own: the database work is on top); then its peak traced Python memory (tracemalloc,
   a second run) next to that of a campaign to a tenth as many, to show memory is bounded.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

BATCH = 500


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def _point_settings_at(url: str) -> None:
    from django.conf import settings

    from api.celery import app

    settings.PUSH_BACKEND = "fcm"
    settings.FCM_ENDPOINT = url
    settings.FCM_PROJECT_ID = "vss-bench"
    settings.FCM_CREDENTIALS_FILE = ""
    settings.FCM_HTTP_RETRIES = 0
    app.conf.task_always_eager = True  # the pushes run in this process, measured


def _bare_app(url: str) -> Any:
    import firebase_admin
    from google.auth.credentials import AnonymousCredentials

    from notifications.push.fcm_endpoint import messaging_point_at

    name = "bench-bare"
    if name in firebase_admin._apps:
        firebase_admin.delete_app(firebase_admin.get_app(name))
    app = firebase_admin.initialize_app(
        AnonymousCredentials(), {"projectId": "vss-bench"}, name=name
    )
    messaging_point_at(app, url, retries=0)
    return app


def _bare_rate(app: Any, count: int) -> float:
    """The floor: bare ``messaging.send_each`` over ``count`` tokens, 500 a call."""
    from firebase_admin import messaging

    began = time.perf_counter()
    for start in range(0, count, BATCH):
        messages = [
            messaging.Message(
                token=f"bench-{n}",
                notification=messaging.Notification(title="Thông báo", body="Nội dung"),
                data={"notification_id": str(n), "kind": "campaign"},
            )
            for n in range(start, min(start + BATCH, count))
        ]
        messaging.send_each(messages, app=app)
    return count / (time.perf_counter() - began)


def _backend_rate(count: int) -> float:
    from notifications.push import PushMessage
    from notifications.push.fcm import FcmBackend

    backend = FcmBackend()
    began = time.perf_counter()
    for start in range(0, count, BATCH):
        messages = [
            PushMessage(
                token=f"bench-{n}",
                title="Thông báo",
                body="Nội dung",
                data={"notification_id": str(n), "kind": "campaign"},
            )
            for n in range(start, min(start + BATCH, count))
        ]
        backend.send(messages)
    return count / (time.perf_counter() - began)


def _line(name: str, subject: float, floor: float, target: float) -> str:
    ratio = subject / floor if floor else 0.0
    verdict = "meets" if ratio >= target else "BELOW"
    return (
        f"{name:<44} {subject:8.0f}/s vs {floor:8.0f}/s bare: {ratio:5.2f}x "
        f"(target >= {target:.2f}x: {verdict})"
    )


def _citizens_ensure(count: int) -> int:
    """At least ``count`` active citizen accounts, each with one active device."""
    import random

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.demo import synthetic_citizens_create
    from accounts.models import User
    from api.demo import DemoContext
    from api.roles import Role
    from notifications.models import Device

    citizens = User.objects.filter(role=Role.CITIZEN, is_active=True)
    missing = count - citizens.count()
    if missing > 0:
        ctx = DemoContext(
            today=timezone.localdate(),
            rng=random.Random(8),
            log=lambda message: None,
            password_hash=make_password("bench-not-a-login"),
        )
        with transaction.atomic():
            synthetic_citizens_create(ctx, missing)
    bare = citizens.exclude(push_devices__is_active=True).values_list("pk", flat=True)
    ids = list(bare)
    for start in range(0, len(ids), 5000):
        Device.objects.bulk_create(
            Device(user_id=user_id, token=f"bench-device-{user_id}", platform="android")
            for user_id in ids[start : start + 5000]
        )
    return citizens.count()


def _campaign_run(segment: dict[str, Any], *, traced: bool) -> tuple[int, int, float, int]:
    """Create and fan out one campaign; (targeted, pushes sent, seconds, peak bytes)."""
    from notifications.models import Campaign, Delivery, DeliveryStatus
    from notifications.services import campaign_fanout

    campaign = Campaign.objects.create(
        title={"vi": "Thông báo thử", "en": "Test notice"},
        body={"vi": "Nội dung", "en": "Body"},
        segment=segment,
    )
    if traced:
        tracemalloc.start()
    began = time.perf_counter()
    targeted = campaign_fanout(campaign_id=campaign.pk)
    seconds = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    sent = Delivery.objects.filter(
        notification__campaign=campaign, status=DeliveryStatus.SENT
    ).count()
    return targeted, sent, seconds, peak


def fanout() -> None:
    _setup()
    from tests.fake_fcm import FakeFcm

    devices = int(os.environ.get("BENCH_FANOUT_DEVICES", "100000"))
    citizens = int(os.environ.get("BENCH_FANOUT_CITIZENS", "100000"))
    with FakeFcm(record=False) as fake:
        _point_settings_at(fake.url)
        bare = _bare_app(fake.url)
        _bare_rate(bare, BATCH * 2)  # warm both paths: connections, imports
        _backend_rate(BATCH * 2)
        floors, subjects = [], []
        for _ in range(2):  # interleaved, best of two: the machine is shared and noisy
            floors.append(_bare_rate(bare, devices))
            subjects.append(_backend_rate(devices))
        print(_line(f"fcm backend, {devices:,} devices", max(subjects), max(floors), 0.8))

        _citizens_ensure(citizens)
        with _audience_limited(citizens):  # this many, however many a bigger run left
            targeted, sent, seconds, _ = _campaign_run({"kind": "all"}, traced=False)
        rate = sent / seconds if seconds else 0.0
        print(_line(f"campaign end to end, {targeted:,} citizens", rate, max(floors), 0.8))
        with _audience_limited(max(citizens // 10, 1)):
            small = _campaign_run({"kind": "all"}, traced=True)
        with _audience_limited(citizens):
            targeted, sent, _seconds, peak = _campaign_run({"kind": "all"}, traced=True)
        print(
            f"campaign peak traced memory: {peak / 2**20:.1f} MiB for {targeted:,} citizens "
            f"({sent:,} pushes); {small[3] / 2**20:.1f} MiB for {small[0]:,} "
            "(bounded when about equal)"
        )


@contextmanager
def _audience_limited(limit: int) -> Iterator[None]:
    """Campaigns reach about ``limit`` citizens: the fan-out stops after the batches that
    cover them (the same code path, fewer pages)."""
    from notifications.services import campaigns as campaigns_module

    original = campaigns_module._audience
    pages = {"left": limit}

    class Limited:
        @staticmethod
        def audience_page(segment: dict[str, Any], *, after: str, limit: int) -> list[Any]:
            take = min(limit, pages["left"])
            page = original().audience_page(segment, after=after, limit=take) if take else []
            pages["left"] -= len(page)
            return page

        @staticmethod
        def audience_errors(segment: dict[str, Any]) -> list[str]:
            return []

    campaigns_module._audience = lambda: Limited  # type: ignore[assignment,return-value]
    try:
        yield
    finally:
        campaigns_module._audience = original
