"""No 500 from any input: a table of bad inputs (wrong types, look-alike digits, NUL
characters, deep nesting, huge numbers, out-of-range dates and cursors, odd content types,
hostile path parameters) sent to every endpoint of the authorisation matrix, as every role.
Any answer is fine except a server error. Roles the matrix refuses get a short list (they are
turned away before any input is read); the others, and anonymous callers, get all of it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.test_authorization_matrix import ROLES, TABLE, Row, url_patterns, world

HOSTILE_QUERY = (
    "?from=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94-01&to=9999-99&scheme=%F0%9F%92%A9&page=-1"
    "&page_size=99999999999999999999999&cursor=%21%21%21&insuree=not-a-uuid"
    "&retirement_date=0001-01-01&future_salary=1e309&format=exe&kind=x&target_user=..%2F"
    "&partial=maybe&async=2&q=%D9%A1%D9%A2%D9%A3&employer=" + "A" * 5000
)
CURSOR_QUERY = "?cursor=ZDoyMDI0LTAxLTAxOjk5OTk5OTk5OTk5OTk5OTk5OTk5&page=99999999999999999999"
WRONG_TYPES = {
    "username": ["x"],
    "password": {"a": 1},
    "old_password": 5,
    "new_password": None,
    "otp": 123456,
    "challenge_id": "zz",
    "date_of_birth": "0001-01-01",
    "national_id": "١٢٣٤٥٦٧٨٩٠١٢",
    "social_insurance_number": 1e308,
    "reason": None,
    "q": [],
    "qr": {"x": 1},
    "refresh": 5,
    "new_phone": "+８４９１２３４５６７８",
    "document_reference": "x" * 100_000,
    "comment": ["x"],
    "device_name": {"a": []},
    "file": "not a file",
}
BODIES: list[tuple[str, bytes, str]] = [
    ("empty-object", b"{}", "application/json"),
    ("array", b"[1, 2, 3]", "application/json"),
    ("string", b'"x"', "application/json"),
    ("null", b"null", "application/json"),
    ("malformed", b'{"a": ', "application/json"),
    ("deep", b"[" * 1000 + b"]" * 1000, "application/json"),
    ("wrong-types", json.dumps(WRONG_TYPES).encode(), "application/json"),
    ("nul", json.dumps(dict.fromkeys(WRONG_TYPES, "0\x00")).encode(), "application/json"),
    ("huge-number", b'{"otp": 1' + b"0" * 5000 + b"}", "application/json"),
    ("text", b"username=x", "text/plain"),
    ("csv", b"a,b\n\x00,\xff\xfe\n", "text/csv"),
    ("form", b"username=%00&password=x", "application/x-www-form-urlencoded"),
]
PATH_VALUES = ["99999999999999999999999", "%EF%BC%91", "..%2F..%2F", "' OR 1=1 --", "x" * 300]


def _route(row: Row, routes: dict[str, str], ids: dict[str, Any], value: str | None) -> str:
    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "", match.group(2)
        if value is None:
            return str(ids.get(row.kwargs[name], "00000000-0000-0000-0000-000000000000"))
        if converter == "int:":
            return "9" * 25
        if converter == "uuid:":
            return "00000000-0000-0000-0000-000000000000"
        return value

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, routes[row.name])


def _send(client: APIClient, method: str, path: str, body: bytes, content_type: str) -> int:
    if method == "get":
        return client.get(path).status_code
    return client.generic(method.upper(), path, body, content_type=content_type).status_code


@pytest.mark.django_db
def test_no_input_makes_any_endpoint_answer_500(settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    ids, clients = world()
    routes = {name: route for route, name, _ in url_patterns()}
    big = json.dumps({"username": "x" * 3_000_000}).encode()
    failures: list[tuple[str, str, str, int]] = []

    def check(row: Row, role: str, label: str, path: str, body: bytes, ctype: str) -> None:
        client = clients[f"console:{role}" if row.console else role]
        status = _send(client, row.method, path, body, ctype)
        if status >= 500:
            failures.append((row.name, role, label, status))

    for row in TABLE:
        base = _route(row, routes, ids, None)
        for role in ROLES:
            check(row, role, "hostile-query", base + HOSTILE_QUERY, b"{}", "application/json")
            if role not in row.allow and role != "anonymous":
                # Refused before any input is read (the matrix checks how): one body suffices.
                check(row, role, "wrong-types", base, BODIES[6][1], "application/json")
                continue
            check(row, role, "cursor", base + CURSOR_QUERY, b"{}", "application/json")
            check(row, role, "nul-query", base + "?q=%00", b"{}", "application/json")
            if row.kwargs:
                for value in PATH_VALUES:
                    path = _route(row, routes, ids, value)
                    check(row, role, f"path:{value[:12]}", path, b"{}", "application/json")
            if row.method == "get":
                continue
            for label, body, content_type in BODIES:
                check(row, role, label, base, body, content_type)
        if row.method != "get":
            check(row, "anonymous", "too-large", base, big, "application/json")
    assert failures == [], "\n".join(map(str, failures))
