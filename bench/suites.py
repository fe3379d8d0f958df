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

from bench import history_data, history_many, replica, report
from bench.harness import (
    ROOT,
    LoadResult,
    get,
    load,
    post_json,
    ratio_line,
    server,
    server_workers,
)

DEMO_USER = "0123456789"
DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - the published demo password


def seconds(full: float, quick: float) -> float:
    """How long a measurement runs: ``quick`` under ``--quick``."""
    return quick if report.quick() else full


def manage(*args: str, database_url: str | None = None) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if database_url:
        env["DATABASE_URL"] = database_url
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def database_create() -> None:
    """The benchmark's PostgreSQL database, created when it does not exist yet (SQLite makes
    its file itself)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def prepare() -> None:
    database_create()
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
        result = load(
            port, get("/bench/floor/framework", token), clients=8, seconds=seconds(5, 1.5)
        )
    print(f"framework floor (authenticated constant)  {result.summary()}")
    report.loaded("framework floor", result)


def _hash_checks(encoded: str, until: float) -> int:
    """One process of the hash floor: bare ``check_password`` calls until ``until``."""
    import django

    django.setup()
    from django.contrib.auth.hashers import check_password

    checks = 0
    while time.time() < until:
        check_password(DEMO_PASSWORD, encoded)
        checks += 1
    return checks


def hash_floor_rate(processes: int, duration: float) -> tuple[float, str]:
    """The hash floor: checks per second of bare ``check_password`` (the production hasher)
    in ``processes`` processes at once, as many as server workers. Returns it and the hash."""
    import multiprocessing

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    encoded = make_password(DEMO_PASSWORD)
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as gunicorn workers
    with context.Pool(processes) as pool:
        pool.apply(_hash_checks, (encoded, 0))  # start-up and django.setup() outside the clock
        began = time.time() + 0.2
        counts = pool.starmap(_hash_checks, [(encoded, began + duration)] * processes)
    return sum(counts) / duration, encoded


def hash_floor() -> None:
    if report.quick() and not report.named("hash_floor"):
        print("under --quick the login suite measures the hash floor itself; skipped here")
        return
    workers = server_workers()
    rate, encoded = hash_floor_rate(workers, seconds(5, 1.5))
    print(f"hash floor: {rate:.1f} checks/s in {workers} processes ({encoded.split('$')[3]})")
    report.figure("hash floor", round(rate, 1), "checks/s")
    report.figure("hash parameters", encoded.split("$")[3])
    report.figure("processes (server workers)", workers)


def login_throughput() -> None:
    """Sign-ins per second against the hash floor measured in the same run."""
    workers = server_workers()
    floor, encoded = hash_floor_rate(workers, seconds(5, 1.5))
    request = post_json(
        "/api/v1/auth/token",
        {"username": DEMO_USER, "password": DEMO_PASSWORD, "device_name": "bench"},
    )
    with server() as port:
        login(port)  # a hash made with other parameters is upgraded at the first sign-in
        result = load(port, request, clients=2 * workers, seconds=seconds(8, 2), warmup=1)
    print(f"hash floor ({workers} processes, {encoded.split('$')[3]}): {floor:.1f} checks/s")
    print(f"login                                      {result.summary()}")
    verdict = report.ratio("login vs hash floor", result.throughput / floor, 0.9)
    print(
        f"login vs hash floor                        {result.throughput / floor:5.2f}x "
        f"(target >= 0.90x: {verdict})"
    )
    report.figure("hash floor", round(floor, 1), "checks/s")
    report.loaded("login", result)


def clinic_verify() -> None:
    with server() as port:
        citizen, clinic = login(port), login(port, "clinic.demo")
        _card_id, payload = card_qr(port, citizen)
        floor = load(
            port, get("/bench/floor/framework", clinic), clients=8, seconds=seconds(5, 1.5)
        )
        verify = post_json("/api/v1/clinic/verify", {"qr": payload}, token=clinic)
        subject = load(port, verify, clients=8, seconds=seconds(5, 1.5))
    print(f"framework floor                            {floor.summary()}")
    print(f"clinic verify                              {subject.summary()}")
    print(ratio_line("clinic verify vs framework floor", subject, floor, 0.5))
    p99 = subject.percentile(99) / floor.percentile(99)
    print(
        f"clinic verify p99 at 8 clients: {subject.percentile(99):.1f} ms = {p99:.2f}x the "
        f"floor's {floor.percentile(99):.1f} ms (target <= 2x)"
    )
    report.loaded("framework floor", floor)
    report.loaded("clinic verify", subject)
    report.ratio("clinic verify vs framework floor", subject.throughput / floor.throughput, 0.5)
    report.ratio("clinic verify p99 vs floor p99", p99, 2.0, at_most=True)


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
    report.figure("offline verification of one QR", round(per_check_ms, 4), "ms")


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
        floor = load(
            port, get("/bench/floor/framework", citizen), clients=8, seconds=seconds(5, 1.5)
        )
        png = get(f"/api/v1/healthcards/{card_id}/qr?format=png", citizen)
        cached = load(port, png, seconds=seconds(5, 1.5))
    verdict = "meets" if statistics.median(firsts) < 10 else "ABOVE"
    print(
        f"first PNG render: median {statistics.median(firsts):.1f} ms (target < 10 ms: {verdict})"
    )
    print(f"framework floor                            {floor.summary()}")
    print(f"cached QR PNG                              {cached.summary()}")
    print(ratio_line("cached QR PNG vs framework floor", cached, floor, 0.7))
    report.figure("first PNG render (median)", round(statistics.median(firsts), 2), "ms")
    report.loaded("framework floor", floor)
    report.loaded("cached QR PNG", cached)
    report.ratio("cached QR PNG vs framework floor", cached.throughput / floor.throughput, 0.7)


HISTORY_SIZES = (("100k", "_100k", 99), ("10M", "", 9_999))  # name, db suffix, insurees


def _combined(results: list[LoadResult]) -> LoadResult:
    return LoadResult(
        sum(r.requests for r in results),
        sum(r.errors for r in results),
        sum(r.seconds for r in results),
        [latency for r in results for latency in r.latencies_ms],
    )


def history_queries(token: str, path: str) -> tuple[int, Any]:
    """SQL queries of one history request, counted in-process (DATABASE_URL's database)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    client.get(path)  # warm: first-request setup is not the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path}: {response.status_code}")
    return len(queries), response.json()


def history() -> None:
    """Contribution history (first page, 50 rows) against the data and framework floors,
    with about 100k and 10M rows in the table (100k only under ``--quick``)."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("history needs PostgreSQL (DATABASE_URL=postgres://...); skipped")
        return
    rounds, duration = (1, 2.0) if report.quick() else (2, 4.0)
    sizes = HISTORY_SIZES[:1] if report.quick() else HISTORY_SIZES
    datasets = []
    for name, suffix, insurees in sizes:
        url = history_data.sibling_url(base_url, suffix)
        if suffix:
            history_data.ensure_database(url)
            manage("migrate", "--noinput", "-v", "0", database_url=url)
            manage("seed_demo", database_url=url)
        data = history_data.load(url, name=name, insurees=insurees, subject_username=DEMO_USER)
        how = "loaded now" if data.loaded_now else "already loaded; it took"
        print(
            f"{name}: {data.records:,} rows, {data.insurees:,} synthetic insurees "
            f"({how} {data.load_seconds:.0f} s)"
        )
        report.figure(f"{name}: rows", data.records)
        datasets.append((name, data))

    measured: dict[str, dict[str, LoadResult]] = {}
    for name, data in datasets:
        history_path = "/api/v1/contributions/"
        floor_path = f"/bench/floor/data/{data.subject_insuree_id}"
        with server(env={"DATABASE_URL": data.url}) as port:
            token = login(port)
            runs: dict[str, list[LoadResult]] = {"data": [], "framework": [], "history": []}
            subjects = {
                "data": get(floor_path),
                "framework": get("/bench/floor/framework", token),
                "history": get(history_path, token),
            }
            for _ in range(rounds):  # alternate, so drift hits all three alike
                for key, request in subjects.items():
                    runs[key].append(load(port, request, clients=8, seconds=duration))
            single = load(port, get(history_path, token), clients=1, seconds=duration)
        results = {key: _combined(value) for key, value in runs.items()}
        results["history_1"] = single
        measured[name] = results
        print(f"\n{name} rows (8 clients, {rounds} x {duration:.0f} s each, alternating)")
        print(f"  data floor (raw query + orjson)          {results['data'].summary()}")
        print(f"  framework floor (authenticated constant) {results['framework'].summary()}")
        print(f"  history page (50 rows)                   {results['history'].summary()}")
        print(f"  history page, 1 client                   {single.summary()}")
        for label, key, floor in (
            ("framework floor vs data floor", "framework", "data"),
            ("history vs framework floor", "history", "framework"),
        ):
            ratio = results[key].throughput / results[floor].throughput
            print(f"  {label:<40} {ratio:5.2f}x")
            report.ratio(f"{name}: {label}", ratio)
        print("  " + ratio_line("history vs data floor", results["history"], results["data"], 0.8))
        report.ratio(
            f"{name}: history vs data floor",
            results["history"].throughput / results["data"].throughput,
            0.8,
        )
        for key, label in (
            ("data", "data floor"),
            ("framework", "framework floor"),
            ("history", "history"),
            ("history_1", "history 1 client"),
        ):
            report.loaded(f"{name}: {label}", results[key])

    if "10M" in measured:
        _history_growth(measured["100k"], measured["10M"])
    _history_query_counts()


def _history_growth(small: dict[str, LoadResult], large: dict[str, LoadResult]) -> None:
    print()
    for label, key, p in (
        ("p50, 1 client", "history_1", 50),
        ("p99, 1 client", "history_1", 99),
        ("p50, 8 clients", "history", 50),
    ):
        growth = large[key].percentile(p) / small[key].percentile(p)
        verdict = report.ratio(f"history latency 10M vs 100k ({label})", growth, 1.2, at_most=True)
        print(
            f"history latency 10M vs 100k ({label}): {large[key].percentile(p):.2f} ms vs "
            f"{small[key].percentile(p):.2f} ms = {growth:.2f}x (target <= 1.20x: {verdict})"
        )


def _history_query_counts() -> None:
    with server() as port:
        token = login(port)
    first, body = history_queries(token, "/api/v1/contributions/")
    following = -1  # no next page in a dataset this small
    if body["next"]:
        following, _body = history_queries(token, body["next"].split("127.0.0.1", 1)[1])
    filtered, _body = history_queries(token, "/api/v1/contributions/?scheme=health&from=2010-01")
    print(
        f"SQL queries per history request: {first} (first page), {following} (next page), "
        f"{filtered} (filtered)"
    )
    report.figure("SQL queries per history request (first page)", first)
    report.figure("SQL queries per history request (next page)", following)
    report.figure("SQL queries per history request (filtered)", filtered)


from bench.fanout import fanout  # noqa: E402 - kept apart from the suites above

ALL: dict[str, Callable[[], None]] = {
    "framework_floor": framework_floor,
    "hash_floor": hash_floor,
    "login": login_throughput,
    "clinic_verify": clinic_verify,
    "offline_verify": offline_verify,
    "qr_image": qr_image,
    "history": history,
    "history_many": history_many.history_many,
    "replica": replica.replica,
    "fanout": fanout,
}
# Run only when named: they build PostgreSQL clusters of their own (bench/cluster.py).
EXPLICIT_ONLY = {"replica"}


def register(name: str, suite: Callable[[], None]) -> None:
    """Add a benchmark (another module's) to the runner."""
    ALL[name] = suite


__all__ = ["ALL", "prepare", "ratio_line", "register"]
