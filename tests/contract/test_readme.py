"""The README's walkthrough ("Using the API") runs top to bottom against a live server.

Every ``sh`` block of that section is taken from README.md as it is and run in one bash, in
order, with ``curl`` made strict (``--fail-with-body``): an example that drifts from the API
(a renamed path, a wrong body, a missing step) fails here. ``text`` blocks are illustrations
and are not run.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.contract.conftest import ROOT

pytestmark = pytest.mark.live

SECTION = "## Using the API"
STRICT_CURL = 'curl() { command curl --fail-with-body --show-error "$@"; }\n'


def walkthrough() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start : end if end != -1 else None]
    return re.findall(r"^```sh\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


def test_the_walkthrough_has_the_citizen_clinic_support_and_agency_steps():
    script = "\n".join(walkthrough())

    for step in (
        "login 0123456789",
        "login support.demo",
        "login agency.demo",
        "login clinic.demo",
        "/clinic/verify",
        "/agency/imports",
        "/support/accounts/$ACCOUNT/unlock",
        "docs/examples/declarations.csv",
    ):
        assert step in script, step
    assert script.rstrip().splitlines()[-2].startswith("curl -s -X POST $API/auth/logout")


def test_the_readme_walkthrough_runs_against_a_live_server(live_api, tmp_path):
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    port = live_api.origin.rsplit(":", 1)[1]
    script = "set -euo pipefail\n" + STRICT_CURL + "\n".join(walkthrough())

    result = subprocess.run(  # noqa: S603 - bash running the README's own blocks
        ["bash", "-c", script],  # noqa: S607
        cwd=tmp_path,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "PORT": port, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, f"{result.stderr[-4000:]}\n---\n{result.stdout[-4000:]}"
    out = result.stdout
    assert '"result":"valid"' in out, out[-3000:]
    assert "304\n" in out  # the If-None-Match example
    assert '"rows_written"' in out  # the sample declarations were imported
    assert '"relation":"spouse"' in out  # the household
    assert (tmp_path / "statement.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "statement.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "card.png").read_bytes().startswith(b"\x89PNG")


def test_the_language_examples_of_docs_i18n_run(live_api, tmp_path):
    text = (ROOT / "docs" / "i18n.md").read_text()
    example = re.findall(r"^```bash\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)[0]
    port = live_api.origin.rsplit(":", 1)[1]

    result = subprocess.run(  # noqa: S603 - bash running the page's own example
        ["bash", "-c", "set -euo pipefail\n" + example],  # noqa: S607
        cwd=tmp_path,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "PORT": port},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    vietnamese, english = (
        json.loads(line) for line in result.stdout.replace("}{", "}\n{").splitlines()
    )
    assert vietnamese["code"] == english["code"] == "invalid_credentials"
    assert vietnamese["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert english["detail"] == "The username or password is incorrect."
