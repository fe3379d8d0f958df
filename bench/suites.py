"""The benchmarks. Each prints its floor, its subject, and the ratio against its target."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from bench.harness import ROOT, get, load, post_json, ratio_line, server

DEMO_USER = "0123456789"
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - the published demo password


def manage(*args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def prepare() -> None:
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")


def login(port: int) -> str:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": DEMO_USER, "password": DEMO_PASSWORD, "device_name": "bench"})
    connection.request(
        "POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    payload = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"login failed: {response.status} {payload}")
    return str(payload["access"])


def framework_floor() -> None:
    with server() as port:
        token = login(port)
        result = load(port, get("/bench/floor/framework", token), clients=8, seconds=5)
    print(f"framework floor (authenticated constant)  {result.summary()}")


def password_check_seconds(samples: int = 7) -> float:
    """Median time of one password-hash check with the production hasher (Argon2)."""
    import django

    django.setup()
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password(DEMO_PASSWORD)
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        check_password(DEMO_PASSWORD, encoded)
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def login_throughput() -> None:
    cores = os.cpu_count() or 1
    hash_seconds = password_check_seconds()
    ideal = cores / hash_seconds
    request = post_json(
        "/api/v1/auth/token",
        {"username": DEMO_USER, "password": DEMO_PASSWORD, "device_name": "bench"},
    )
    with server() as port:
        result = load(port, request, clients=2 * cores, seconds=8, warmup=2)
    ratio = result.throughput / ideal
    print(f"one Argon2 check: {hash_seconds * 1000:.1f} ms; {cores} cores: ideal {ideal:.1f}/s")
    print(f"login                                      {result.summary()}")
    verdict = "meets" if ratio >= 0.9 else "BELOW"
    print(f"login vs cores/hash                        {ratio:5.2f}x (target >= 0.90x: {verdict})")


ALL: dict[str, Callable[[], None]] = {
    "framework_floor": framework_floor,
    "login": login_throughput,
}

__all__ = ["ALL", "prepare", "ratio_line"]
