"""Push backends, chosen by ``settings.PUSH_BACKEND``:

- ``fcm``: Firebase Cloud Messaging through firebase-admin (``notifications.push.fcm``);
- ``console``: logs each message (development default);
- ``memory``: records each message in ``notifications.push.memory.sent`` (tests).

A backend takes at most ``BATCH_SIZE`` messages per call and answers one ``PushResult`` per
message, in order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.conf import settings

BATCH_SIZE = 500  # FCM's limit per send_each call

BACKENDS = {
    "fcm": "notifications.push.fcm",
    "console": "notifications.push.console",
    "memory": "notifications.push.memory",
}


class Outcome(StrEnum):
    SENT = "sent"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - deactivate the device, never retry
    RETRY = "retry"  # transient: try again later with backoff
    FAILED = "failed"  # permanent for this message, the device stays


@dataclass(frozen=True)
class PushMessage:
    token: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    message_id: str = ""
    error: str = ""


class PushBackend(Protocol):
    def send(self, messages: list[PushMessage]) -> list[PushResult]: ...


def push_backend() -> PushBackend:
    module = importlib.import_module(BACKENDS[settings.PUSH_BACKEND])
    backend: PushBackend = module.backend()
    return backend
