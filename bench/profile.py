"""Where a request's time goes: ``python -m bench.profile verify [requests]``.

Runs one endpoint in process (Django's test client, the benchmark settings, the database of
``DATABASE_URL`` with the demo data) and prints its mean time, the framework floor's, the time
its SQL statements waited for, and a pyinstrument call tree. docs/performance.md quotes these
trees for the targets not met. Endpoints: ``floor``, ``verify``, ``png``, ``history``,
``login``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

DEMO_USER, CLINIC_USER = "0123456789", "clinic.demo"
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - the published demo password
ENDPOINTS = ("floor", "verify", "png", "history", "login")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def requests_for(client: Any) -> dict[str, Callable[[], Any]]:
    """One callable per endpoint, each making one request and checking it answered 200."""

    def login(username: str) -> str:
        body = {"username": username, "password": DEMO_PASSWORD, "device_name": "bench"}
        answer = client.post("/api/v1/auth/token", body, content_type="application/json")
        return str(answer.json()["access"])

    citizen, clinic = login(DEMO_USER), login(CLINIC_USER)
    as_citizen = {"HTTP_AUTHORIZATION": f"Bearer {citizen}"}
    cards = client.get("/api/v1/healthcards/", **as_citizen).json()["results"]
    card_id = next(card["id"] for card in cards if card["relation"] == "self")
    qr = client.get(f"/api/v1/healthcards/{card_id}/qr", **as_citizen).json()["payload"]

    def ok(answer: Any) -> Any:
        if answer.status_code != 200:
            raise RuntimeError(f"{answer.status_code}: {answer.content[:200]!r}")
        return answer

    as_clinic = {"HTTP_AUTHORIZATION": f"Bearer {clinic}"}
    login_body = {"username": DEMO_USER, "password": DEMO_PASSWORD, "device_name": "bench"}
    return {
        "floor": lambda: ok(client.get("/bench/floor/framework", **as_clinic)),
        "verify": lambda: ok(
            client.post(
                "/api/v1/clinic/verify", {"qr": qr}, content_type="application/json", **as_clinic
            )
        ),
        "png": lambda: ok(client.get(f"/api/v1/healthcards/{card_id}/qr.png", **as_citizen)),
        "history": lambda: ok(client.get("/api/v1/contributions/", **as_citizen)),
        "login": lambda: ok(
            client.post("/api/v1/auth/token", login_body, content_type="application/json")
        ),
    }


def mean_ms(request: Callable[[], Any], rounds: int) -> float:
    for _ in range(min(rounds, 20)):  # warm: caches, compiled statements, connections
        request()
    began = time.perf_counter()
    for _ in range(rounds):
        request()
    return (time.perf_counter() - began) / rounds * 1000


def sql_wait_ms(request: Callable[[], Any], rounds: int) -> float:
    """Mean time per request spent inside SQL statements (the database and the round trip)."""
    from django.db import connection

    spent = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - began

    with connection.execute_wrapper(timed):
        for _ in range(rounds):
            request()
    return spent[0] / rounds * 1000


def profile_text(request: Callable[[], Any], rounds: int) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(rounds):
        request()
    profiler.stop()
    return str(profiler.output_text(unicode=False, color=False))


def main(argv: list[str]) -> int:
    name = argv[0] if argv else "verify"
    rounds = int(argv[1]) if len(argv) > 1 else 300
    if name not in ENDPOINTS:
        print(f"unknown endpoint {name!r}; one of {', '.join(ENDPOINTS)}")
        return 2
    _setup()
    from django.test import Client

    requests = requests_for(Client(SERVER_NAME="127.0.0.1"))
    floor = mean_ms(requests["floor"], rounds)
    subject = mean_ms(requests[name], rounds)
    waited = sql_wait_ms(requests[name], rounds)
    print(f"{name}: {subject:.2f} ms a request in process ({floor / subject:.2f}x the framework")
    print(f"floor's {floor:.2f} ms); {waited:.2f} ms of it inside SQL statements")
    print(profile_text(requests[name], rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
