"""Private PostgreSQL clusters for benchmarks that must restart the server or stream to a replica.

The shared server on 5432 must not be restarted under other people's feet, so the cold-start
history run and the replica measurement use clusters of their own under ``BENCH_PG_ROOT``
(default ``/tmp/vss-bench-pg``), started with the same binaries. Run as root, the commands run
as the ``postgres`` user (initdb refuses root).

``python -m bench.cluster up`` starts the primary (port ``BENCH_PG_PORT``, default 54313) and
prints its ``DATABASE_URL``; ``python -m bench.cluster down`` stops every cluster it made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_PG_ROOT", "/tmp/vss-bench-pg"))  # noqa: S108 - scratch space
PORT = int(os.environ.get("BENCH_PG_PORT", "54313"))


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for directory in versions:
        if (directory / name).exists():
            return str(directory / name)
    raise RuntimeError(f"{name} not found: install PostgreSQL")


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    command = list(args)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True)  # noqa: S603


def _own(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)  # PostgreSQL refuses data directories others can read
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def url(port: int = PORT, name: str = "vss_bench") -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{name}"


def _ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = _run(_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port), check=False)
        if probe.returncode == 0:
            return
        time.sleep(0.3)
    raise RuntimeError(f"PostgreSQL on {port} did not become ready")


def _options(port: int) -> str:
    # Same shared_buffers as the shared server (128 MB), sockets in our own directory.
    return f"-p {port} -c listen_addresses=127.0.0.1 -k {ROOT} -c shared_buffers=128MB"


def primary_up(port: int = PORT) -> str:
    """Create (once) and start the primary; return its URL (database ``vss_bench``)."""
    data = ROOT / "primary"
    _own(ROOT)
    if not (data / "PG_VERSION").exists():
        _own(data)
        _run(_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with (data / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\n")
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
    status = _run(_bin("pg_ctl"), "-D", str(data), "status", check=False)
    if status.returncode != 0:
        _primary_ctl(data, port, "start")
    _ready(port)
    _run(
        _bin("psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        "postgres",
        "-c",
        "CREATE DATABASE vss_bench",
        check=False,
    )
    return url(port)


def primary_restart(port: int = PORT) -> None:
    """Restart the primary: its shared buffers start empty (the OS page cache does not)."""
    _primary_ctl(ROOT / "primary", port, "-m", "fast", "restart")
    _ready(port)


def _primary_ctl(data: Path, port: int, *action: str) -> None:
    """``pg_ctl`` on the primary, logging to primary.log, waiting for the outcome."""
    log = str(ROOT / "primary.log")
    _run(_bin("pg_ctl"), "-D", str(data), "-l", log, "-o", _options(port), "-w", *action)


def replica_up(primary_port: int = PORT, port: int = PORT + 1) -> str:
    """A streaming replica of the primary (pg_basebackup -R), started on ``port``."""
    data = ROOT / "replica"
    if not (data / "PG_VERSION").exists():
        _own(data)
        _run(
            _bin("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary_port),
            "-U",
            "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
    status = _run(_bin("pg_ctl"), "-D", str(data), "status", check=False)
    if status.returncode != 0:
        _run(
            _bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(ROOT / "replica.log"),
            "-o",
            _options(port),
            "-w",
            "start",
        )
    _ready(port)
    return url(port)


def down() -> None:
    for name in ("replica", "primary"):
        data = ROOT / name
        if (data / "PG_VERSION").exists():
            _run(_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop", check=False)


def destroy() -> None:
    down()
    shutil.rmtree(ROOT, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "up"
    if command == "up":
        print(primary_up())
    elif command == "replica":
        print(replica_up())
    elif command == "restart":
        primary_restart()
    elif command == "down":
        down()
    elif command == "destroy":
        destroy()
    else:
        print("usage: python -m bench.cluster [up|replica|restart|down|destroy]")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
