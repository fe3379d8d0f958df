"""Test backend: messages are appended to ``sent``. Tokens in ``outcomes`` answer with the
given outcome instead of being sent (``outcomes["tok"] = Outcome.RETRY``)."""

from __future__ import annotations

import itertools
import threading

from notifications.push import BATCH_SIZE, Outcome, PushMessage, PushResult

sent: list[PushMessage] = []
outcomes: dict[str, Outcome] = {}
_ids = itertools.count(1)
_lock = threading.Lock()


def reset() -> None:
    sent.clear()
    outcomes.clear()


class MemoryBackend:
    def send(self, messages: list[PushMessage]) -> list[PushResult]:
        if len(messages) > BATCH_SIZE:
            raise ValueError(f"at most {BATCH_SIZE} messages per call")
        results = []
        with _lock:
            for message in messages:
                outcome = outcomes.get(message.token, Outcome.SENT)
                if outcome != Outcome.SENT:
                    results.append(PushResult(outcome, error=outcome.value.upper()))
                    continue
                sent.append(message)
                results.append(PushResult(Outcome.SENT, message_id=f"memory/{next(_ids)}"))
        return results


def backend() -> MemoryBackend:
    return MemoryBackend()
