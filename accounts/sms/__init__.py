"""Sending SMS through a pluggable backend chosen by ``settings.SMS_BACKEND``:

- ``console``: prints the message (development);
- ``memory``: appends to ``accounts.sms.memory.outbox`` (tests read it);
- ``http``: POSTs JSON to ``SMS_GATEWAY_URL`` with ``SMS_GATEWAY_KEY`` as a bearer token.

Services call ``sms_queue``: after commit, a Celery task sends the message, so the
request's timing does not depend on the gateway (an OTP start for a real person must not
take longer than for an unknown one) and a failing gateway is retried.
"""

from __future__ import annotations

import importlib

from celery import shared_task
from django.conf import settings
from django.db import transaction

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


@shared_task(
    name="accounts.sms.send",
    autoretry_for=(SmsError,),
    retry_backoff=True,
    max_retries=5,
)
def sms_send_task(phone: str, text: str) -> None:
    sms_send(phone=phone, text=text)


def sms_queue(*, phone: str, text: str) -> None:
    """Send an SMS once the current transaction commits (nothing if it rolls back). If the
    broker cannot take the task, the failure is logged and the request still answers: the
    citizen can ask for a new code once the resend cooldown has passed."""
    transaction.on_commit(lambda: sms_send_task.delay(phone, text), robust=True)
