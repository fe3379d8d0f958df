"""HTTP gateway backend: ``POST SMS_GATEWAY_URL`` with ``{"to", "text"}`` and a bearer key."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import URLError

from django.conf import settings

from accounts.sms import SmsError

TIMEOUT_SECONDS = 10


def send(*, phone: str, text: str) -> None:
    url = settings.SMS_GATEWAY_URL
    if not url.startswith(("https://", "http://")):
        raise SmsError("SMS_GATEWAY_URL must be an http(s) URL.")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps({"to": phone, "text": text}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            if response.status >= 300:
                raise SmsError(f"SMS gateway answered {response.status}")
    except URLError as error:
        raise SmsError(f"SMS gateway unreachable or refused: {error}") from error
