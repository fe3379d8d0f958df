"""The documented check-in works on the demo data: the identity-card texts of the fixtures
file verify against ``seed_demo``, and the docs quote the demo citizen's text verbatim."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from tests.healthcards.conftest import id_card_samples

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LAN_TEXT, MINH_TEXT, STRANGER_TEXT = id_card_samples()


@pytest.fixture
def demo_clinic() -> APIClient:
    call_command("seed_demo", stdout=StringIO())
    client = APIClient()
    client.force_authenticate(User.objects.get(username="clinic.demo"))
    return client


@pytest.mark.parametrize(
    ("text", "result", "card_number"),
    [
        (LAN_TEXT, "valid", "DN4010123456789"),
        (MINH_TEXT, "valid", "DN4010123456790"),
        (STRANGER_TEXT, "unknown_card", None),
    ],
)
def test_the_fixture_texts_verify_against_the_demo(demo_clinic, text, result, card_number):
    r = demo_clinic.post("/api/v1/clinic/verify", {"qr": text}, format="json")

    assert r.status_code == 200, r.json()
    assert (r.json()["result"], r.json()["source"]) == (result, "id_card")
    assert (r.json()["card"] or {}).get("card_number") == card_number


@pytest.mark.parametrize("doc", ["README.md", "docs/healthcards.md"])
def test_the_docs_quote_the_demo_citizens_id_card_text(doc):
    assert f'{{"qr": "{LAN_TEXT}"}}' in (ROOT / doc).read_text(encoding="utf-8")
