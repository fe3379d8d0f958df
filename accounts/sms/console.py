"""Development backend: the message goes to the log."""

import logging

logger = logging.getLogger("accounts.sms")


def send(*, phone: str, text: str) -> None:
    logger.info("SMS to %s: %s", phone, text)
