"""Development backend: the message goes to the log with the phone masked and the digits of
the text (the one-time code) hidden. With DEBUG on, the full message is also appended to
``VAR_DIR/sms-outbox.txt`` (a file, never a log line), so a developer can read the code.
Production refuses this backend (api.settings.production)."""

import logging
import re
from pathlib import Path

from django.conf import settings

from accounts.identifiers import mask_phone

logger = logging.getLogger("accounts.sms")
_DIGIT_RUN = re.compile(r"[0-9]{4,}", re.ASCII)


def send(*, phone: str, text: str) -> None:
    hidden = _DIGIT_RUN.sub(lambda match: "*" * len(match.group(0)), text)
    logger.info("SMS to %s: %s", mask_phone(phone), hidden)
    if settings.DEBUG:
        outbox = Path(settings.VAR_DIR) / "sms-outbox.txt"
        outbox.parent.mkdir(parents=True, exist_ok=True)
        with outbox.open("a", encoding="utf-8") as file:
            file.write(f"{phone}\t{text}\n")
