"""The benchmark code works (on tiny data, in well under a second each): the runner writes its
results file, the load generator counts, the hash floor hashes, the history loader loads.
No benchmark runs here; ``make bench`` does that."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from bench import harness, report, suites
from bench.__main__ import main


def test_the_report_keeps_figures_ratios_and_verdicts():
    run = report.Report(quick=True, suite="demo")
    run.figure("throughput", 123.456, "req/s")

    assert run.ratio("fast enough", 0.9, 0.8) == "meets"
    assert run.ratio("slow", 0.5, 0.8) == "BELOW"
    assert run.ratio("p99 growth", 1.5, 1.2, at_most=True) == "ABOVE"
    assert run.ratio("informative", 0.7) == ""
    table = run.table()
    assert "throughput" in table
    assert "123.46" in table
    assert "BELOW" in table


def test_the_runner_prints_a_table_and_writes_every_figure(tmp_path, monkeypatch, capsys):
    def tiny() -> None:
        print("measuring")
        report.figure("answer", 42, "things")
        report.ratio("answer vs floor", 1.05, 0.8)

    def only_prints() -> None:
        print("a suite that records nothing")

    monkeypatch.setitem(suites.ALL, "tiny", tiny)
    monkeypatch.setitem(suites.ALL, "printer", only_prints)
    out = tmp_path / "results.json"

    code = main(["--quick", "--no-prepare", "--out", str(out), "tiny", "printer"])

    assert code == 0
    data = json.loads(out.read_text())
    assert data["quick"] is True
    assert data["cores"] >= 1
    assert len(data["git_commit"].split("-")[0]) == 40
    tiny_result = data["suites"]["tiny"]
    assert tiny_result["figures"]["answer"] == {"value": 42, "unit": "things"}
    assert tiny_result["ratios"]["answer vs floor"]["verdict"] == "meets"
    assert "measuring" in tiny_result["output"]
    assert "a suite that records nothing" in data["suites"]["printer"]["output"]
    assert "answer vs floor" in capsys.readouterr().out


def test_a_failing_suite_is_reported_and_the_others_kept(tmp_path, monkeypatch):
    def broken() -> None:
        raise RuntimeError("no server")

    monkeypatch.setitem(suites.ALL, "broken", broken)
    monkeypatch.setitem(suites.ALL, "tiny", lambda: report.figure("x", 1))
    out = tmp_path / "results.json"

    assert main(["--no-prepare", "--out", str(out), "broken", "tiny"]) == 1
    data = json.loads(out.read_text())
    assert data["suites"]["tiny"]["figures"]["x"]["value"] == 1
    assert any("no server" in line for line in data["suites"]["broken"]["output"])


def test_unknown_suites_are_refused(tmp_path):
    assert main(["--no-prepare", "--out", str(tmp_path / "r.json"), "nope"]) == 2


class _Constant(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"ok": true}' if self.path == "/ok" else b"{}"
        self.send_response(200 if self.path == "/ok" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_load_generator_counts_requests_and_errors():
    httpd = ThreadingHTTPServer((harness.HOST, 0), _Constant)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        good = harness.load(port, harness.get("/ok"), clients=2, seconds=0.3, warmup=0.05)
        bad = harness.load(port, harness.get("/missing"), clients=1, seconds=0.2, warmup=0)
    finally:
        httpd.shutdown()

    assert good.requests > 0
    assert good.errors == 0
    assert good.percentile(99) >= good.percentile(50) > 0
    assert bad.requests > 0
    assert bad.errors == bad.requests


def test_the_hash_floor_hashes_in_processes():
    rate, encoded = suites.hash_floor_rate(1, 0.3)

    assert rate > 0
    assert encoded.count("$") >= 2


@pytest.mark.django_db(transaction=True)
def test_the_history_loader_loads_a_tiny_dataset():
    if connection.vendor != "postgresql":
        pytest.skip("the history dataset is PostgreSQL-only (set-based SQL)")
    from bench import history_data
    from contributions.history import contribution_page
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
        f"/{settings_dict['NAME']}"
    )

    data = history_data.load(url, name="tiny", insurees=2, subject_username=user.username, log=str)
    again = history_data.load(url, name="tiny", insurees=2, subject_username=user.username)

    assert data.loaded_now
    assert not again.loaded_now
    assert data.records == 3 * history_data.ROWS_PER_INSUREE
    page = contribution_page(insuree_id=data.subject_insuree_id, limit=50)
    assert len(page) == 50
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_dataset")


@pytest.mark.django_db
def test_the_profiler_runs_every_endpoint_and_prints_a_call_tree(settings):
    from django.core.management import call_command
    from django.test import Client

    from bench import profile

    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    call_command("seed_demo", verbosity=0)
    requests = profile.requests_for(Client(SERVER_NAME="127.0.0.1"))

    assert set(requests) == set(profile.ENDPOINTS)
    for name in ("floor", "verify", "png", "history"):
        assert profile.mean_ms(requests[name], 2) > 0
    assert profile.sql_wait_ms(requests["verify"], 2) > 0  # the card lookup and the scan
    tree = profile.profile_text(requests["verify"], 2)
    assert "card_verify" in tree
    assert profile.main(["nothing"]) == 2
