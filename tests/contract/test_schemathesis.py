"""schemathesis against the live schema, as each role, over every operation the schema has.

Operations added later are exercised without any change here: the run covers the whole schema,
except the operations that would end the very sessions it tests with (``DESTRUCTIVE``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.live

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
# Operations that would end the sessions the run signs in with, or change the demo passwords.
DESTRUCTIVE = (
    r"^/api/v1/auth/(logout|logout-all|password/change)$"
    r"|^/api/v1/me/sessions/\{session_id\}$"
    r"|^/api/v1/support/accounts/\{account_id\}/(reset|revoke-sessions)$"
)
# Valid inputs keep the run to a few minutes; SCHEMATHESIS_MODE=all adds invalid ones (each must
# be a documented 4xx, never a 500), at about twice the time.
MODE = os.environ.get("SCHEMATHESIS_MODE", "positive")
MAX_EXAMPLES = 8


@pytest.mark.parametrize("role", ["citizen", "clinic", "support", "agency"])
def test_every_operation_conforms_to_the_schema(live_api, role, tmp_path):
    token = live_api.login(role)["access"]
    schemathesis = Path(sys.executable).with_name("schemathesis")

    result = subprocess.run(  # noqa: S603 - a fixed command line
        [
            str(schemathesis),
            "run",
            f"{live_api.origin}/api/schema/?format=json",
            "--url",
            live_api.origin,
            "--checks",
            CHECKS,
            "--mode",
            MODE,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "2026",
            # One worker: CPython 3.11 can fail compiling hypothesis' generated code in threads.
            "--workers",
            "1",
            "--exclude-path-regex",
            DESTRUCTIVE,
            "--header",
            f"Authorization: Bearer {token}",
            "--request-timeout",
            "60",
            "--no-shrink",
            "--warnings",
            "off",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
        capture_output=True,
        text=True,
        timeout=600,
    )

    output = tmp_path / "schemathesis.txt"
    output.write_text(result.stdout + result.stderr)
    assert result.returncode == 0, f"{_digest(result.stdout)}\n(full output: {output})"
    assert "Tested:" in result.stdout


def _digest(stdout: str) -> str:
    """The failure headers and summary of a run, without Python tracebacks."""
    keep = [
        line
        for line in stdout.splitlines()
        if not line.startswith(("  File ", "    ", "Traceback"))
    ]
    return "\n".join(keep)[-15000:]
