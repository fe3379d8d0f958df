"""A client generated from the served schema with openapi-python-client, as a mobile or clinic
team would generate theirs, drives the citizen, clinic and support journeys against a live
server. It is generated into a temporary folder for the run and never committed.

Every success must come back as a typed model (or bytes for images) and every error as the
typed ``Problem``: a schema that lies about an answer makes the generated code fail here.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest

pytestmark = pytest.mark.live

PACKAGE = "vss_client"


@pytest.fixture(scope="module")
def generated(live_api, tmp_path_factory):
    """Generate the client from the live schema and import it."""
    folder = tmp_path_factory.mktemp("generated-client")
    schema = folder / "schema.json"
    with urllib.request.urlopen(f"{live_api.origin}/api/schema/?format=json") as response:  # noqa: S310
        schema.write_bytes(response.read())
    config = folder / "config.yaml"
    # The tool reads bytes only from application/octet-stream unless told (its documented
    # content_type_overrides), as a client team generating from this schema would configure.
    config.write_text(
        f"package_name_override: {PACKAGE}\n"
        "project_name_override: vss-client\n"
        "content_type_overrides:\n"
        "  image/png: application/octet-stream\n"
        "  application/pdf: application/octet-stream\n"
    )
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(  # noqa: S603 - a fixed command line
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def sign_in(generated, live_api, username: str):
    token_create = module("api.auth.auth_token_create")
    LoginInputRequest = module("models").LoginInputRequest
    TokenPairOutput = module("models").TokenPairOutput
    client = generated.Client(base_url=live_api.origin)

    tokens = token_create.sync(
        client=client,
        body=LoginInputRequest(username=username, password="Demo@2026", device_name="generated"),
    )

    assert isinstance(tokens, TokenPairOutput), tokens
    return generated.AuthenticatedClient(base_url=live_api.origin, token=tokens.access)


def test_the_citizen_journey(generated, live_api):
    models = module("models")
    citizen = sign_in(generated, live_api, "0123456789")

    me = module("api.me.me_retrieve").sync(client=citizen)
    assert isinstance(me, models.MeOutput), me
    assert me.social_insurance_number == "0123456789"
    assert me.role == models.RoleEnum.CITIZEN

    history = module("api.contributions.contributions_list")
    first = history.sync(client=citizen, page_size=5)
    assert isinstance(first, models.PaginatedContributionOutputList), first
    assert len(first.results) == 5
    assert isinstance(first.results[0].scheme, models.SchemeEnum)
    assert first.next_
    cursor = parse_qs(urlsplit(first.next_).query)["cursor"][0]
    second = history.sync(client=citizen, page_size=5, cursor=cursor)
    assert isinstance(second, models.PaginatedContributionOutputList), second
    assert {r.id for r in second.results}.isdisjoint({r.id for r in first.results})

    summary = module("api.contributions.contributions_summary").sync(client=citizen)
    assert isinstance(summary, models.ContributionSummaryOutput), summary
    assert summary.schemes

    cards = module("api.healthcards.healthcards_list").sync(client=citizen)
    assert isinstance(cards, models.PaginatedHealthCardOutputList), cards
    own = next(c for c in cards.results if c.relation == models.RelationEnum.SELF)

    qr = module("api.healthcards.healthcards_qr_retrieve").sync(client=citizen, card_id=own.id)
    assert isinstance(qr, models.QrOutput), qr
    assert qr.payload.count(".") == 2  # a compact JWS

    png = module("api.healthcards.healthcards_qr_png_retrieve").sync(client=citizen, card_id=own.id)
    image = png.payload.read()
    assert image.startswith(b"\x89PNG\r\n\x1a\n"), image[:16]


def test_the_clinic_journey(generated, live_api):
    models = module("models")
    citizen = sign_in(generated, live_api, "0123456789")
    cards = module("api.healthcards.healthcards_list").sync(client=citizen)
    own = next(c for c in cards.results if c.relation == models.RelationEnum.SELF)
    qr = module("api.healthcards.healthcards_qr_retrieve").sync(client=citizen, card_id=own.id)
    clinic = sign_in(generated, live_api, "clinic.demo")

    verdict = module("api.clinic.clinic_verify_create").sync(
        client=clinic, body=models.VerifyInputRequest(qr=qr.payload)
    )

    assert isinstance(verdict, models.VerifyOutput), verdict
    assert verdict.result == models.ScanResultEnum.VALID
    assert verdict.card.card_number == own.card_number


def test_the_support_journey(generated, live_api):
    models = module("models")
    support = sign_in(generated, live_api, "support.demo")

    found = module("api.support.support_accounts_list").sync(client=support, q="0123456790")
    assert isinstance(found, models.PaginatedSupportAccountOutputList), found
    assert found.count == 1
    account = found.results[0]

    unlock = module("api.support.support_accounts_unlock_create")
    done = unlock.sync(
        client=support,
        account_id=account.id,
        body=models.ReasonInputRequest(reason="Caller verified, ticket 118"),
    )
    assert isinstance(done, models.SupportActionOutput), done

    audit = module("api.support.support_audit_list").sync(
        client=support, target_user=str(account.id), page_size=10
    )
    assert isinstance(audit, models.PaginatedAuditEventOutputList), audit
    assert any(event.action == "support_account_unlocked" for event in audit.results), [
        e.action for e in audit.results
    ]


def test_errors_come_back_as_typed_problems(generated, live_api):
    models = module("models")
    anonymous = generated.Client(base_url=live_api.origin)
    citizen = sign_in(generated, live_api, "0123456789")

    unauthenticated = module("api.me.me_retrieve").sync(client=anonymous)
    wrong_password = module("api.auth.auth_token_create").sync(
        client=anonymous,
        body=models.LoginInputRequest(username="0123456789", password="not the password"),
    )
    missing = module("api.healthcards.healthcards_qr_retrieve").sync(
        client=citizen, card_id=uuid4()
    )
    invalid = module("api.contributions.contributions_list").sync(client=citizen, page_size=500)

    for problem, status, code in (
        (unauthenticated, 401, "not_authenticated"),
        (wrong_password, 401, "invalid_credentials"),
        (missing, 404, "not_found"),
        (invalid, 400, "invalid"),
    ):
        assert isinstance(problem, models.Problem), problem
        assert (problem.status, problem.code) == (status, code)
    assert invalid.errors[0].field == "page_size"
