"""A gunicorn server on 127.0.0.1 and a bounded closed-loop load generator.

Every benchmark measures its floor and its subject with the same server and client settings
in the same run and reports ratios, so numbers compare across machines.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> str:
        return (
            f"{self.throughput:8.1f} req/s  p50 {self.percentile(50):6.2f} ms  "
            f"p99 {self.percentile(99):6.2f} ms  errors {self.errors}"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_workers() -> int:
    """How many workers the production configuration starts here (gunicorn.conf.py)."""
    return int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)


@contextmanager
def server(
    workers: int | None = None, threads: int | None = None, env: dict[str, str] | None = None
) -> Iterator[int]:
    """Run gunicorn with the production configuration (gunicorn.conf.py) and bench.settings
    (and ``env`` over the environment, e.g. another ``DATABASE_URL``); yield its port; stop
    it afterwards. ``workers`` and ``threads`` override the configuration."""
    port = _free_port()
    env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    overrides = ["--workers", str(workers)] if workers else []
    overrides += ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{port}",
            *overrides,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((HOST, port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the benchmark server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


RequestFactory = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]


def load(
    port: int,
    make_request: RequestFactory,
    *,
    clients: int = 8,
    seconds: float = 5.0,
    warmup: float = 1.0,
    max_requests: int = 1_000_000,
) -> LoadResult:
    """``clients`` keep-alive connections, each sending its next request when the previous
    answer arrives, for ``seconds`` after ``warmup``. Bounded in time and count."""
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        sequence = index
        local: list[float] = []
        requests = errors = 0
        while True:
            now = time.monotonic()
            if now >= stop_at or requests >= max_requests // clients:
                break
            method, path, body, headers = make_request(sequence)
            sequence += clients
            sent_at = time.monotonic()
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            if sent_at >= measure_from:
                requests += 1
                errors += 0 if ok else 1
                local.append(elapsed)
        connection.close()
        with lock:
            latencies.extend(local)
            counts["requests"] += requests
            counts["errors"] += errors

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(counts["requests"], counts["errors"], seconds, latencies)


def get(path: str, token: str | None = None) -> RequestFactory:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return lambda _sequence: ("GET", path, None, headers)


def post_json(path: str, payload: dict[str, object], token: str | None = None) -> RequestFactory:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return lambda _sequence: ("POST", path, body, headers)


def ratio_line(name: str, subject: LoadResult, floor: LoadResult, target: float) -> str:
    ratio = subject.throughput / floor.throughput if floor.throughput else 0.0
    verdict = "meets" if ratio >= target else "BELOW"
    return f"{name:<40} {ratio:5.2f}x floor (target >= {target:.2f}x: {verdict})"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
