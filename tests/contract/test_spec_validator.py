"""openapi-spec-validator, the command-line tool, on the schema a live server serves."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.live


def test_the_served_schema_passes_openapi_spec_validator(live_api, tmp_path):
    validator = Path(sys.executable).with_name("openapi-spec-validator")
    schema = tmp_path / "schema.json"
    with urllib.request.urlopen(f"{live_api.origin}/api/schema/?format=json") as response:  # noqa: S310
        schema.write_bytes(response.read())

    result = subprocess.run(  # noqa: S603 - a fixed command line
        [str(validator), str(schema)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("OK"), result.stdout
