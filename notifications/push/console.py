"""Development backend: each message goes to the log (a digest of the token, not the token)."""

from __future__ import annotations

import hashlib
import logging
import uuid

from notifications.push import Outcome, PushMessage, PushResult

logger = logging.getLogger("notifications.push")


class ConsoleBackend:
    def send(self, messages: list[PushMessage]) -> list[PushResult]:
        for message in messages:  # a digest of the token, never the token itself
            digest = hashlib.sha256(message.token.encode()).hexdigest()[:10]
            logger.info("push to device %s: %s", digest, message.title)
        return [PushResult(Outcome.SENT, message_id=f"console/{uuid.uuid4()}") for _ in messages]


def backend() -> ConsoleBackend:
    return ConsoleBackend()
