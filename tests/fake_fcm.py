"""A fake FCM HTTP v1 server on 127.0.0.1 (ephemeral port) for the real firebase-admin.

``POST /v1/projects/<project>/messages:send`` answers ``{"name": "projects/<p>/messages/<n>"}``
or, when the message's token starts with one of ``ERRORS``' prefixes, FCM's error body for that
code (HTTP status, ``google.rpc`` status and the ``FcmError`` detail, as FCM documents them).
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FCM_ERROR = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
TOKEN_VIOLATION = {
    "@type": "type.googleapis.com/google.rpc.BadRequest",
    "fieldViolations": [{"field": "message.token", "description": "Invalid registration token"}],
}
# token prefix -> (HTTP status, rpc status, FCM error code, message, extra details)
ERRORS: dict[str, tuple[int, str, str, str, list[dict[str, Any]]]] = {
    "unregistered-": (404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.", []),
    "invalid-": (
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token",
        [TOKEN_VIOLATION],
    ),
    "badpayload-": (
        400,
        "INVALID_ARGUMENT",
        "INVALID_ARGUMENT",
        "Invalid value at 'message.data[0].value'",
        [],
    ),
    "mismatch-": (403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch", []),
    "unavailable-": (
        503,
        "UNAVAILABLE",
        "UNAVAILABLE",
        "The service is currently unavailable.",
        [],
    ),
    "internal-": (500, "INTERNAL", "INTERNAL", "Internal error encountered.", []),
    "quota-": (
        429,
        "RESOURCE_EXHAUSTED",
        "QUOTA_EXCEEDED",
        "Quota exceeded for quota metric 'Send requests'",
        [],
    ),
}


class FakeFcm:
    """``with FakeFcm() as fcm: ... fcm.url``; ``fcm.requests`` holds the JSON bodies."""

    def __init__(self, *, record: bool = True) -> None:
        self.requests: list[dict[str, Any]] = []
        self.paths: set[str] = set()
        self.authorization: set[str] = set()
        self.count = 0
        self.record = record
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                status, body = fake.answer(self.path, payload, self.headers.get("Authorization"))
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 512
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(
        self, path: str, payload: dict[str, Any], authorization: str | None
    ) -> tuple[int, dict[str, Any]]:
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != "v1" or parts[3] != "messages:send":
            return 404, {"error": {"code": 404, "message": "no such path", "status": "NOT_FOUND"}}
        token = str(payload.get("message", {}).get("token", ""))
        with self._lock:
            self.count += 1
            self.paths.add(path)
            if authorization:
                self.authorization.add(authorization)
            if self.record:
                self.requests.append(payload)
        for prefix, (status, rpc, code, message, extra) in ERRORS.items():
            if token.startswith(prefix):
                details = [{"@type": FCM_ERROR, "errorCode": code}, *extra]
                error = {"code": status, "message": message, "status": rpc, "details": details}
                return status, {"error": error}
        return 200, {"name": f"projects/{parts[2]}/messages/{next(self._ids)}"}

    def tokens(self) -> list[str]:
        return [request["message"]["token"] for request in self.requests]

    def __enter__(self) -> FakeFcm:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
