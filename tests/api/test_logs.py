"""Log lines: JSON with the request id, personal data masked whatever logged it."""

from __future__ import annotations

import json
import logging

import pytest

from api.logs import JsonLinesFormatter, PlainFormatter, redact, request_id_var


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("GET /api/v1/support/accounts?q=001190012345 200", "001190012345"),
        ("SMS to +84912345678", "+84912345678"),
        ("called 0912345678 back", "0912345678"),
        ("your code is 482913", "482913"),
        ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcDEF123_-x", "eyJhbGci"),
        ("/x?password=hunter22&next=/", "hunter22"),
    ],
)
def test_redact_hides_identifiers_codes_tokens_and_passwords(text, hidden):
    assert hidden not in redact(text)


def test_redact_keeps_what_is_useful():
    line = "GET /api/v1/healthcards/3f2a1c9e-1234-5678-9abc-def012345678/qr 200 12.5ms"

    assert redact(line) == line  # ids in UUIDs and durations stay readable


def test_json_lines_carry_the_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("001190012345",), None)
    token = request_id_var.set("req-12345678")
    try:
        line = json.loads(JsonLinesFormatter().format(record))
    finally:
        request_id_var.reset(token)

    assert line["request_id"] == "req-12345678"
    assert "001190012345" not in line["message"]


@pytest.mark.parametrize("name", ["django.server", "django", "django.request", "api.access"])
def test_every_handler_on_the_way_masks(name):
    # Django's own loggers keep their own handlers unless configured: ours must be on them.
    logger = logging.getLogger(name)
    while logger is not None and not [
        h for h in logger.handlers if not type(h).__module__.startswith("_pytest")
    ]:
        logger = logger.parent if logger.propagate else None
    assert logger is not None
    ours = [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
    formatters = {type(handler.formatter) for handler in ours}
    assert formatters <= {JsonLinesFormatter, PlainFormatter}, formatters
