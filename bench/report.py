"""What a benchmark run measured: figures, ratios against targets, and where it ran.

Suites record into the run's report through the module functions (``figure``, ``ratio``,
``loaded``), so a suite stays a plain function; ``python -m bench`` prints the table and
writes ``bench/results/latest.json``. A suite that only prints still works: its output is
kept in the JSON too.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Report:
    quick: bool = False
    suite: str = ""
    figures: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    ratios: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    output: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)
    named: tuple[str, ...] = ()  # the suites asked for by name (empty: the default set)

    def figure(self, name: str, value: float | int | str | None, unit: str = "") -> None:
        self.figures.setdefault(self.suite, {})[name] = {"value": value, "unit": unit}

    def ratio(
        self, name: str, value: float, target: float | None = None, *, at_most: bool = False
    ) -> str:
        """Record ``value`` (a ratio); ``target`` is a floor, or a ceiling when ``at_most``.
        Returns the verdict: "meets", "BELOW"/"ABOVE", or "" without a target."""
        verdict = ""
        if target is not None:
            ok = value <= target if at_most else value >= target
            verdict = "meets" if ok else ("ABOVE" if at_most else "BELOW")
        self.ratios.setdefault(self.suite, {})[name] = {
            "value": round(value, 4),
            "target": target,
            "kind": "at_most" if at_most else "at_least",
            "verdict": verdict,
        }
        return verdict

    def table(self) -> str:
        lines = [f"{'suite':<16} {'measure':<52} {'value':>12}  target"]
        lines.append("-" * len(lines[0]) + "-" * 18)
        for suite in sorted(set(self.figures) | set(self.ratios)):
            for name, item in self.figures.get(suite, {}).items():
                value = item["value"]
                shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
                lines.append(f"{suite:<16} {name:<52} {shown:>12} {item['unit']}")
            for name, item in self.ratios.get(suite, {}).items():
                target = item["target"]
                bound = "" if target is None else ("<= " if item["kind"] == "at_most" else ">= ")
                goal = "" if target is None else f"{bound}{target:.2f}x {item['verdict']}"
                lines.append(f"{suite:<16} {name:<52} {item['value']:>11.2f}x  {goal}")
        return "\n".join(lines)

    def as_json(self, args: list[str]) -> dict[str, Any]:
        return {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started_at)),
            "seconds": round(time.time() - self.started_at, 1),
            "args": args,
            "quick": self.quick,
            "git_commit": git_commit(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "database": database_kind(),
            "suites": {
                suite: {
                    "figures": self.figures.get(suite, {}),
                    "ratios": self.ratios.get(suite, {}),
                    "seconds": round(self.seconds.get(suite, 0.0), 1),
                    "output": self.output.get(suite, []),
                }
                for suite in self.output
            },
        }

    def write(self, args: list[str], path: Path | None = None) -> Path:
        path = path or RESULTS / "latest.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(args), indent=2, ensure_ascii=False) + "\n")
        return path


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{'-dirty' if dirty else ''}"


def database_kind() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url.split(":", 1)[0] if url else "sqlite"


current = Report()


def figure(name: str, value: float | int | str | None, unit: str = "") -> None:
    current.figure(name, value, unit)


def ratio(name: str, value: float, target: float | None = None, *, at_most: bool = False) -> str:
    return current.ratio(name, value, target, at_most=at_most)


def loaded(name: str, result: Any) -> None:
    """A load test's figures: throughput, p50, p99, errors."""
    figure(f"{name}: throughput", round(result.throughput, 1), "req/s")
    figure(f"{name}: p50", round(result.percentile(50), 2), "ms")
    figure(f"{name}: p99", round(result.percentile(99), 2), "ms")
    figure(f"{name}: errors", result.errors, "")


def quick() -> bool:
    return current.quick


def named(suite: str) -> bool:
    """Whether this suite was asked for by name (not just part of the default set)."""
    return suite in current.named
