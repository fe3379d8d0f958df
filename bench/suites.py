"""The benchmarks. Each prints its floor, its subject, and the ratio against its target."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

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


def call(
    port: int, method: str, path: str, body: dict[str, object] | None = None, token: str = ""
) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    response = connection.getresponse()
    payload = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {payload}")
    return payload


def login(port: int, username: str = DEMO_USER) -> str:
    body = {"username": username, "password": DEMO_PASSWORD, "device_name": "bench"}
    return str(call(port, "POST", "/api/v1/auth/token", body)["access"])


def card_qr(port: int, token: str) -> tuple[str, str]:
    """The demo citizen's own card id and a fresh QR payload for it."""
    cards = call(port, "GET", "/api/v1/healthcards/", token=token)["results"]
    card_id = next(card["id"] for card in cards if card["relation"] == "self")
    return card_id, call(port, "GET", f"/api/v1/healthcards/{card_id}/qr", token=token)["payload"]


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


def clinic_verify() -> None:
    with server() as port:
        citizen, clinic = login(port), login(port, "clinic.demo")
        _card_id, payload = card_qr(port, citizen)
        floor = load(port, get("/bench/floor/framework", clinic), clients=8, seconds=5)
        verify = post_json("/api/v1/clinic/verify", {"qr": payload}, token=clinic)
        subject = load(port, verify, clients=8, seconds=5)
    print(f"framework floor                            {floor.summary()}")
    print(f"clinic verify                              {subject.summary()}")
    print(ratio_line("clinic verify vs framework floor", subject, floor, 0.35))
    print(f"clinic verify p99 at 8 clients: {subject.percentile(99):.1f} ms (target < 25 ms)")


def offline_verify(rounds: int = 2000) -> None:
    """What a clinic app does offline: PyJWT with the public key from the JWKS."""
    import django

    django.setup()
    import jwt
    from django.conf import settings

    with server() as port:
        _card_id, payload = card_qr(port, login(port))
        jwks = call(port, "GET", "/.well-known/jwks.json")
    kid = jwt.get_unverified_header(payload)["kid"]
    jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    key = jwt.PyJWK(jwk).key
    options = {"audience": settings.HEALTHCARD_QR_AUDIENCE, "algorithms": ["EdDSA"]}
    began = time.perf_counter()
    for _ in range(rounds):
        jwt.decode(payload, key, **options)
    per_check_ms = (time.perf_counter() - began) * 1000 / rounds
    verdict = "meets" if per_check_ms < 0.2 else "ABOVE"
    print(f"offline verification of one QR: {per_check_ms:.3f} ms (target < 0.2 ms: {verdict})")


def qr_image() -> None:
    import django

    django.setup()
    from healthcards.services.qr import qr_png_draw

    with server() as port:
        citizen = login(port)
        card_id, payload = card_qr(port, citizen)
        firsts = []
        for index in range(20):
            began = time.perf_counter()
            qr_png_draw(payload[:-1] + "ABCDEFGHIJKLMNOPQRST"[index])  # a new token each time
            firsts.append((time.perf_counter() - began) * 1000)
        floor = load(port, get("/bench/floor/framework", citizen), clients=8, seconds=5)
        cached = load(port, get(f"/api/v1/healthcards/{card_id}/qr?format=png", citizen), seconds=5)
    verdict = "meets" if statistics.median(firsts) < 10 else "ABOVE"
    print(
        f"first PNG render: median {statistics.median(firsts):.1f} ms (target < 10 ms: {verdict})"
    )
    print(f"framework floor                            {floor.summary()}")
    print(f"cached QR PNG                              {cached.summary()}")
    print(ratio_line("cached QR PNG vs framework floor", cached, floor, 0.7))


ALL: dict[str, Callable[[], None]] = {
    "framework_floor": framework_floor,
    "login": login_throughput,
    "clinic_verify": clinic_verify,
    "offline_verify": offline_verify,
    "qr_image": qr_image,
}

__all__ = ["ALL", "prepare", "ratio_line"]
