"""SMS backends, the HTTP one against a fake gateway listening on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.sms import SmsError, sms_send


class FakeGateway(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.received: list[dict] = []
        self.status = 202

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sms"


class GatewayHandler(BaseHTTPRequestHandler):
    server: FakeGateway

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append(
            {"path": self.path, "auth": self.headers["Authorization"], "body": body}
        )
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "msg-1"}')

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def gateway(settings) -> Iterator[FakeGateway]:
    server = FakeGateway()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_KEY = "gateway-test-key"
    yield server
    server.shutdown()
    server.server_close()


def test_http_backend_posts_to_the_gateway_with_the_key(gateway):
    sms_send(phone="+84912345678", text="VSS: your code is 123456.")

    assert gateway.received == [
        {
            "path": "/sms",
            "auth": "Bearer gateway-test-key",
            "body": {"to": "+84912345678", "text": "VSS: your code is 123456."},
        }
    ]


def test_http_backend_raises_when_the_gateway_refuses(gateway):
    gateway.status = 503

    with pytest.raises(SmsError):
        sms_send(phone="+84912345678", text="x")


def test_http_backend_raises_when_the_gateway_is_down(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nobody listens

    with pytest.raises(SmsError):
        sms_send(phone="+84912345678", text="x")


def test_http_backend_refuses_other_schemes(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"

    with pytest.raises(SmsError):
        sms_send(phone="+84912345678", text="x")


def test_console_backend_logs_the_phone_and_the_code_masked(settings, caplog, tmp_path):
    settings.SMS_BACKEND = "console"
    settings.DEBUG = False

    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        sms_send(phone="+84912345678", text="VSS: your code is 482913. Never share it.")

    assert "+84 91*****78" in caplog.text
    assert "+84912345678" not in caplog.text
    assert "482913" not in caplog.text
    assert "your code is ******" in caplog.text


def test_console_backend_keeps_full_messages_in_a_development_file_only(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    settings.VAR_DIR = tmp_path
    settings.DEBUG = True

    sms_send(phone="+84912345678", text="VSS: your code is 482913.")

    assert "482913" in (tmp_path / "sms-outbox.txt").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_activation_code_goes_through_the_http_gateway(gateway, api_client, committed):
    from tests.accounts.factories import InsureeFactory

    person = InsureeFactory(phone="+84987654321")
    with committed():
        r = api_client.post(
            "/api/v1/auth/register/start",
            {
                "social_insurance_number": person.social_insurance_number,
                "date_of_birth": person.date_of_birth.isoformat(),
            },
        )

    assert r.status_code == 202, r.json()
    assert [m["body"]["to"] for m in gateway.received] == ["+84987654321"]
