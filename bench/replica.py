"""A real streaming replica on a second local cluster: lag, and citizen reads served from it.

``python -m bench replica`` (not part of the default run: it builds clusters of its own).
It starts the private primary (``bench.cluster``, port 54313), migrates and seeds it, makes a
streaming replica with ``pg_basebackup -R`` (port 54314), then:

- measures replication lag: a row written on the primary, polled on the replica, 50 times;
- serves the demo citizen's history with ``DATABASE_REPLICA_URL`` set (reads from the replica)
  and without (the primary), alternating, and prints both and their ratio;
- checks read-your-writes end to end: right after a write (ending another session), the
  citizen's next read is answered from the primary (the replica's statistics do not move).
"""

from __future__ import annotations

import http.client
import statistics
import time
from typing import Any

import psycopg

from bench import cluster, report
from bench.harness import get, load, server

LAG_SAMPLES = 50


def _lag_ms(primary: str, replica: str) -> list[float]:
    samples = []
    with (
        psycopg.connect(primary, autocommit=True) as p,
        psycopg.connect(replica, autocommit=True) as r,
    ):
        p.execute("CREATE TABLE IF NOT EXISTS bench_lag (n integer PRIMARY KEY, at timestamptz)")
        p.execute("TRUNCATE bench_lag")
        time.sleep(0.5)
        for n in range(LAG_SAMPLES):
            began = time.perf_counter()
            p.execute("INSERT INTO bench_lag VALUES (%s, now())", [n])
            while r.execute("SELECT 1 FROM bench_lag WHERE n = %s", [n]).fetchone() is None:
                if time.perf_counter() - began > 10:
                    raise RuntimeError("the replica did not catch up within 10 s")
                time.sleep(0.0005)
            samples.append((time.perf_counter() - began) * 1000)
    return samples


def _replica_reads(replica: str) -> int:
    with psycopg.connect(replica, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables "
            "WHERE relname LIKE 'contributions_contributionrecord%%'"
        ).fetchone()
    return int(row[0])


def _delete(port: int, path: str, token: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("DELETE", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    return response.status


def replica() -> None:
    from bench.suites import DEMO_USER, call, login, manage

    primary_url = cluster.primary_up()
    manage("migrate", "--noinput", "-v", "0", database_url=primary_url)
    manage("seed_demo", database_url=primary_url)
    replica_url = cluster.replica_up()
    lags = _lag_ms(primary_url, replica_url)
    lag_p50, lag_max = statistics.median(lags), max(lags)
    print(f"replication lag: median {lag_p50:.2f} ms, max {lag_max:.2f} ms ({LAG_SAMPLES} writes)")
    report.figure("replication lag (median)", round(lag_p50, 2), "ms")
    report.figure("replication lag (max)", round(lag_max, 2), "ms")

    seconds = 2.0 if report.quick() else 5.0
    results: dict[str, Any] = {"primary": [], "replica": []}
    envs = {
        "primary": {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": ""},
        "replica": {"DATABASE_URL": primary_url, "DATABASE_REPLICA_URL": replica_url},
    }
    for _round in range(1 if report.quick() else 2):
        for name, env in envs.items():
            with server(env=env) as port:
                token = login(port, DEMO_USER)
                results[name].append(
                    load(port, get("/api/v1/contributions/", token), seconds=seconds)
                )
    for name, runs in results.items():
        best = max(runs, key=lambda r: r.throughput)
        print(f"history from the {name:<8} {best.summary()}")
        report.loaded(f"history from the {name}", best)
    ratio = max(r.throughput for r in results["replica"]) / max(
        r.throughput for r in results["primary"]
    )
    report.ratio("history from the replica vs from the primary", ratio)
    print(f"history from the replica vs from the primary: {ratio:.2f}x (same machine)")

    time.sleep(1.0)  # the earlier servers' statistics are flushed
    before = _replica_reads(replica_url)
    with server(env=envs["replica"]) as port:
        login(port, DEMO_USER)
        other = login(port, DEMO_USER)
        sessions = call(port, "GET", "/api/v1/me/sessions", token=other)["results"]
        victim = next(s["id"] for s in sessions if not s["current"])
        status = _delete(port, f"/api/v1/me/sessions/{victim}", other)  # a write
        call(port, "GET", "/api/v1/contributions/", token=other)  # read right after it
    time.sleep(1.0)
    after_write = _replica_reads(replica_url)
    ok = status == 204 and after_write == before
    print(f"read-your-writes: the read after a write went to the {'primary' if ok else 'REPLICA'}")
    report.figure("read after a write served by the primary", str(ok))
