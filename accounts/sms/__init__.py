"""Sending SMS through a pluggable backend chosen by ``settings.SMS_BACKEND``:

- ``console``: prints the message (development);
- ``memory``: appends to ``accounts.sms.memory.outbox`` (tests read it);
- ``http``: POSTs JSON to ``SMS_GATEWAY_URL`` with ``SMS_GATEWAY_KEY`` as a bearer token.

Callers schedule ``sms_send`` with ``transaction.on_commit``.
"""

from __future__ import annotations

import importlib

from django.conf import settings

BACKENDS = {
    "console": "accounts.sms.console",
    "memory": "accounts.sms.memory",
    "http": "accounts.sms.http",
}


class SmsError(Exception):
    """The gateway refused or could not be reached."""


def sms_send(*, phone: str, text: str) -> None:
    module = importlib.import_module(BACKENDS[settings.SMS_BACKEND])
    module.send(phone=phone, text=text)
