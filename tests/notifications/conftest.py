"""Fixtures: the memory push backend emptied per test, the fake FCM server, SMS outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.sms import memory as sms_memory
from notifications.models import Delivery
from notifications.push import memory
from tests.fake_fcm import FakeFcm


@pytest.fixture(autouse=True)
def pushed() -> Iterator[Any]:
    """The memory backend's record: ``pushed.sent`` (messages), ``pushed.outcomes``."""
    memory.reset()
    yield memory
    memory.reset()


@pytest.fixture
def sms_outbox() -> Iterator[list[tuple[str, str]]]:
    sms_memory.outbox.clear()
    yield sms_memory.outbox
    sms_memory.outbox.clear()


@pytest.fixture
def fake_fcm(settings) -> Iterator[FakeFcm]:
    """The real firebase-admin pointed at a fake FCM server on 127.0.0.1, with credentials
    that fetch no OAuth token."""
    with FakeFcm() as fcm:
        settings.PUSH_BACKEND = "fcm"
        settings.FCM_ENDPOINT = fcm.url
        settings.FCM_PROJECT_ID = "vss-test"
        settings.FCM_CREDENTIALS_FILE = ""
        settings.FCM_HTTP_RETRIES = 0  # transient answers come back at once (no sleeps)
        yield fcm


@pytest.fixture
def committed(django_capture_on_commit_callbacks) -> Callable[[], Any]:
    """``with committed(): ...`` runs what was scheduled with on_commit, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def make_due(**filters: Any) -> int:
    """Time passes: every pending delivery becomes due for the periodic task."""
    past = timezone.now() - timedelta(seconds=1)
    return Delivery.objects.filter(**filters).update(next_attempt_at=past)
