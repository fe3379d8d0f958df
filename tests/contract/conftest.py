"""A live server for the contract tests: a fresh SQLite database with the demo data, served by
gunicorn on an ephemeral port with the development settings (DEBUG on, as ``make run``).

One server per test session, shared by the README walkthrough, the generated client and
schemathesis. It always runs on its own SQLite file, whatever ``DATABASE_URL`` says, so it never
touches the database of the test run or of anyone else. Throttle rates are raised so that the
tools' many requests test the contract rather than the rate limits (tests/api covers 429).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Demo@2026"
DEMO_USERS = {
    "citizen": "0123456789",
    "clinic": "clinic.demo",
    "support": "support.demo",
    "agency": "agency.demo",
}
THROTTLES = ("USER", "ANON", "LOGIN", "OTP", "PASSWORD_RESET", "CLINIC_VERIFY", "SUPPORT")


@dataclass
class LiveApi:
    origin: str
    env: dict[str, str]
    log: Path
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"{self.origin}/api/v1"

    def request(
        self, method: str, path: str, body: dict | None = None, token: str | None = None
    ) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.api}/{path}", data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw else {}
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def login(self, role: str) -> dict[str, str]:
        """A fresh token pair for the demo user of ``role`` (each call is a new session)."""
        status, body = self.request(
            "POST",
            "auth/token",
            {"username": DEMO_USERS[role], "password": PASSWORD, "device_name": "contract"},
        )
        assert status == 200, (role, status, body)
        return body


def _environment(tmp: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="api.settings.base",
        DEBUG="true",
        SQLITE_PATH=str(tmp / "db.sqlite3"),
        VAR_DIR=str(tmp / "var"),
        SMS_BACKEND="console",
        PUSH_BACKEND="console",
        HEALTHCARD_SIGNING_KEY_AUTOCREATE="true",
        PYTHONUNBUFFERED="1",
    )
    env.update({f"THROTTLE_{name}": "1000000/min" for name in THROTTLES})
    return env


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    handle = log.open("wb")
    process = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            str(gunicorn),
            "api.wsgi:application",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


def _wait_ready(origin: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{origin}/healthz", timeout=5):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{origin} did not answer /healthz")


@pytest.fixture(scope="session")
def live_api(tmp_path_factory) -> Iterator[LiveApi]:
    tmp = tmp_path_factory.mktemp("live-api")
    env = _environment(tmp)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 - a fixed command line
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    log = tmp / "server.log"
    process, origin = _start(env, log)
    try:
        _wait_ready(origin)
        yield LiveApi(origin=origin, env=env, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
