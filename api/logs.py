"""Logs as JSON lines, each with the request id, and with personal data masked.

``JsonLinesFormatter`` writes one JSON object per line: time, level, logger, message, the
request id of the request being served (``X-Request-ID``) and, for errors, the traceback.
Before anything is written, ``redact`` masks what must never reach a log line whatever the
code logging it meant to do: runs of six or more digits (national IDs, social insurance
numbers, phone numbers, one-time codes) keep at most their first and last two digits, JSON
Web Tokens become ``[token]``, and ``password``/``otp``/``token`` values in query strings or
``key=value`` text become ``[redacted]``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", re.ASCII)
_DIGITS = re.compile(r"(?<![A-Za-z0-9_-])\+?[0-9]{6,}(?![A-Za-z0-9_-])", re.ASCII)
_SECRET_PARAM = re.compile(
    r"(?i)\b(password|passwd|otp|code|token|refresh|access|secret|q)=([^&\s\"']+)"
)


def _mask_digits(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = text.lstrip("+")
    if len(digits) < 10:
        return "*" * len(text)
    return f"{text[: len(text) - len(digits) + 2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


def redact(text: str) -> str:
    """Mask tokens, secrets in ``key=value`` pairs and long digit runs (see the module)."""
    text = _JWT.sub("[token]", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=[redacted]", text)
    return _DIGITS.sub(_mask_digits, text)


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status"] = status_code
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Human-readable lines for local debugging, masked like the JSON ones."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
