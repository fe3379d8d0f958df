"""``python -m bench [--quick] [name ...]``: run benchmarks, print a table, write results.

Run on PostgreSQL (``DATABASE_URL``) for numbers that mean something; SQLite works for a
smoke run. Each benchmark prepares its data, starts gunicorn on 127.0.0.1 (with
``gunicorn.conf.py``), measures its floor and its subject in the same run, and records
figures and ratios (``bench.report``). At the end: a table on stdout and
``bench/results/latest.json`` (every figure and ratio, core count, git commit).

A new benchmark is a function in a module of ``bench/`` added to ``suites.ALL`` (or passed to
``suites.register``); it may record with ``bench.report.figure/ratio/loaded`` and should
shorten itself when ``bench.report.quick()`` is true. A suite that only prints is fine too:
its output lands in the JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

from bench import report, suites

# Sizes of suites that read their own knobs from the environment, shrunk under --quick.
QUICK_ENV = {"BENCH_FANOUT_DEVICES": "1000", "BENCH_FANOUT_CITIZENS": "500"}


class _Tee(io.TextIOBase):
    """Write to the terminal and keep the lines for the report."""

    def __init__(self, stream: io.TextIOBase, lines: list[str]) -> None:
        self.stream, self.lines, self._partial = stream, lines, ""

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.stream.flush()
        *complete, self._partial = (self._partial + text).split("\n")
        self.lines.extend(complete)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help=f"suites to run (default: all): {suites.ALL}")
    parser.add_argument(
        "--quick", action="store_true", help="short runs and the small datasets (< 3 minutes)"
    )
    parser.add_argument("--out", type=Path, default=None, help="results file (default: latest)")
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate and seed_demo")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if not os.environ.get("DATABASE_URL"):
        print("warning: DATABASE_URL is not set; SQLite numbers are only a smoke test")
    names = args.names or [name for name in suites.ALL if name not in suites.EXPLICIT_ONLY]
    unknown = [name for name in names if name not in suites.ALL]
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(suites.ALL)}")
        return 2
    if args.quick:
        for name, value in QUICK_ENV.items():
            os.environ.setdefault(name, value)
    run = report.current = report.Report(quick=args.quick, named=tuple(args.names))
    if not args.no_prepare:
        suites.prepare()
    failed = []
    for name in names:
        run.suite = name
        lines = run.output.setdefault(name, [])
        began = time.monotonic()
        with contextlib.redirect_stdout(_Tee(sys.stdout, lines)):  # type: ignore[type-var]
            print(f"\n## {name}")
            try:
                suites.ALL[name]()
            except Exception as error:  # one broken suite must not lose the others' results
                print(f"{name} failed: {type(error).__name__}: {error}")
                failed.append(name)
        run.seconds[name] = time.monotonic() - began
    print("\n" + run.table())
    path = run.write(argv, args.out)
    print(f"\nresults: {path}  ({time.time() - run.started_at:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
