"""History pages for many citizens, from a freshly restarted PostgreSQL, with buffers per request.

For each dataset of the ``history`` suite (100k rows; and 10M rows unless ``--quick``): sign in
up to ``CITIZENS`` synthetic insurees (accounts and sessions made directly, tokens minted by
the project's own ``session_start``), restart PostgreSQL when it is a private cluster
(``bench.cluster``: its shared buffers start empty; the OS page cache is not dropped), then
drive 8 clients over random citizens' first history pages. Reports throughput, p50/p99, and
the table's and its indexes' buffer accesses per request (``pg_statio_*`` deltas, read from
disk or OS cache vs hit in shared buffers), then the same server on one warm citizen for the
ratio (target: many citizens within 1.5x of the warm case, i.e. >= 0.67x its throughput).

``python -m bench.history_many tokens N`` (with ``DATABASE_URL``) prints N citizens' tokens.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import psycopg

from bench import cluster, history_data, report
from bench.harness import ROOT, get, load, server

CITIZENS = 1000
STATIO = """
SELECT coalesce(sum(heap_blks_read), 0) + coalesce(sum(idx_blks_read), 0),
       coalesce(sum(heap_blks_hit), 0) + coalesce(sum(idx_blks_hit), 0)
FROM pg_statio_user_tables
WHERE relname LIKE 'contributions_contributionrecord%%' OR relname = 'contributions_employer'
"""


def mint_tokens(count: int) -> list[str]:
    """Accounts, sessions and access tokens for ``count`` synthetic insurees (in-process)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from accounts.models import Insuree, User
    from accounts.services.sessions import session_start
    from api.roles import Role

    insurees = list(
        Insuree.objects.filter(social_insurance_number__startswith="9")
        .order_by("?")
        .values_list("pk", "social_insurance_number")[:count]
    )
    existing = set(
        User.objects.filter(insuree_id__in=[pk for pk, _ in insurees]).values_list(
            "insuree_id", flat=True
        )
    )
    User.objects.bulk_create(
        [
            User(username=sin, role=Role.CITIZEN, insuree_id=pk, password="!")  # noqa: S106
            for pk, sin in insurees
            if pk not in existing
        ]
    )
    users = User.objects.filter(insuree_id__in=[pk for pk, _ in insurees])
    return [session_start(user=user, device_name="bench")[1]["access"] for user in users]


def _tokens(url: str, count: int) -> list[str]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    out = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.history_many", "tokens", str(count)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def _statio(url: str) -> tuple[int, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(STATIO).fetchone()
    return int(row[0]), int(row[1])


def _private(url: str) -> bool:
    return urlsplit(url).port == cluster.PORT


def _random_citizen(tokens: list[str], path: str) -> Any:
    chooser = random.Random(13)

    def make(_sequence: int) -> tuple[str, str, None, dict[str, str]]:
        token = tokens[chooser.randrange(len(tokens))]
        return "GET", path, None, {"Authorization": f"Bearer {token}"}

    return make


def measure(name: str, url: str, seconds: float) -> dict[str, Any]:
    tokens = _tokens(url, CITIZENS)
    restarted = _private(url)
    if restarted:
        cluster.primary_restart(urlsplit(url).port or cluster.PORT)
    path = "/api/v1/contributions/"
    with server(env={"DATABASE_URL": url}) as port:
        # warm the workers (imports, first-request setup) without touching the records
        load(port, get("/bench/floor/framework", tokens[0]), clients=8, seconds=1, warmup=0)
        before = _statio(url)
        cold = load(port, _random_citizen(tokens, path), clients=8, seconds=seconds, warmup=0)
    time.sleep(1.0)  # the server's connections closed: their statistics are flushed
    after = _statio(url)
    with server(env={"DATABASE_URL": url}) as port:
        warm_token = [tokens[0]]
        warm = load(port, _random_citizen(warm_token, path), clients=8, seconds=seconds)
    sent = cold.requests or 1
    read = (after[0] - before[0]) / sent
    hit = (after[1] - before[1]) / sent
    return {
        "name": name,
        "citizens": len(tokens),
        "restarted": restarted,
        "cold": cold,
        "warm": warm,
        "read": read,
        "hit": hit,
    }


def history_many() -> None:
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("history_many needs PostgreSQL (DATABASE_URL=postgres://...); skipped")
        return
    if report.quick() and not report.named("history_many"):
        print("skipped under --quick (name it to run it: python -m bench --quick history_many)")
        return
    from bench.suites import DEMO_USER, HISTORY_SIZES, manage

    sizes = HISTORY_SIZES[:1] if report.quick() else HISTORY_SIZES
    seconds = 3.0 if report.quick() else 8.0
    for name, suffix, insurees in sizes:
        url = history_data.sibling_url(base_url, suffix)
        if suffix:
            history_data.ensure_database(url)
            manage("migrate", "--noinput", "-v", "0", database_url=url)
            manage("seed_demo", database_url=url)
        history_data.load(url, name=name, insurees=insurees, subject_username=DEMO_USER)
        result = measure(name, url, seconds)
        cold, warm = result["cold"], result["warm"]
        state = "after a restart" if result["restarted"] else "shared server, not restarted"
        print(f"\n{name} rows, {result['citizens']} citizens at random ({state})")
        print(f"  many citizens, cold start   {cold.summary()}")
        print(f"  one warm citizen            {warm.summary()}")
        print(
            f"  buffers per request: {result['read']:.1f} read + {result['hit']:.1f} hit "
            f"(table, indexes, employer)"
        )
        ratio = cold.throughput / warm.throughput if warm.throughput else 0.0
        verdict = report.ratio(f"{name}: many citizens (cold) vs one warm citizen", ratio, 0.67)
        print(f"  many citizens vs one warm citizen: {ratio:.2f}x (target >= 0.67x: {verdict})")
        report.loaded(f"{name}: many citizens, cold", cold)
        report.loaded(f"{name}: one warm citizen", warm)
        report.figure(f"{name}: buffers read per request", round(result["read"], 2))
        report.figure(f"{name}: buffers hit per request", round(result["hit"], 2))
        report.figure(f"{name}: restarted before the run", str(result["restarted"]))


if __name__ == "__main__":
    if sys.argv[1:2] == ["tokens"]:
        print(json.dumps(mint_tokens(int(sys.argv[2]))))
