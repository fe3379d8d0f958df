"""``python -m bench [name ...]``: run the benchmarks and print ratios against floors.

Run on PostgreSQL (``DATABASE_URL``) for numbers that mean something; SQLite works for a
smoke run. Each benchmark prepares its data, starts gunicorn on 127.0.0.1, measures its floor
and its subject in the same run, and prints ratios.
"""

from __future__ import annotations

import os
import sys

from bench import suites


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if not os.environ.get("DATABASE_URL"):
        print("warning: DATABASE_URL is not set; SQLite numbers are only a smoke test")
    names = argv or list(suites.ALL)
    unknown = [name for name in names if name not in suites.ALL]
    if unknown:
        print(f"unknown benchmarks: {', '.join(unknown)}; known: {', '.join(suites.ALL)}")
        return 2
    suites.prepare()
    for name in names:
        print(f"\n## {name}")
        suites.ALL[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
