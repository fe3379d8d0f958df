"""Development backend: each message goes to the log (the token shortened)."""

from __future__ import annotations

import logging
import uuid

from notifications.push import Outcome, PushMessage, PushResult

logger = logging.getLogger("notifications.push")


class ConsoleBackend:
    def send(self, messages: list[PushMessage]) -> list[PushResult]:
        for message in messages:
            logger.info("push to %s…: %s", message.token[:8], message.title)
        return [PushResult(Outcome.SENT, message_id=f"console/{uuid.uuid4()}") for _ in messages]


def backend() -> ConsoleBackend:
    return ConsoleBackend()
