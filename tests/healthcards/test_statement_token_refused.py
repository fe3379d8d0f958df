"""A contribution statement's QR is signed with the same keys as a health card's, but its own
``typ`` and audience keep it from ever passing as a health card at a clinic."""

from __future__ import annotations

import io
from datetime import date

import jwt
import pypdfium2
import pytest
import zxingcpp

from healthcards.models import ScanEvent
from tests.contributions.factories import ContributionRecordFactory

pytestmark = pytest.mark.django_db


def statement_token(citizen_client) -> str:
    r = citizen_client.get("/api/v1/contributions/statement", {"format": "pdf"})
    assert r.status_code == 200, r.content[:300]
    page = pypdfium2.PdfDocument(io.BytesIO(r.content))[0]
    return zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())[0].text


def test_clinic_verify_refuses_a_statement_token(citizen, citizen_client, card, clinic_client):
    ContributionRecordFactory(insuree=citizen.insuree, month=date(2024, 1, 1))
    token = statement_token(citizen_client)
    health_kid = jwt.get_unverified_header(
        citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr").json()["payload"]
    )["kid"]

    r = clinic_client.post("/api/v1/clinic/verify", {"qr": token}, format="json")

    assert jwt.get_unverified_header(token)["kid"] == health_kid  # same key, other type
    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "malformed"
    assert not ScanEvent.objects.exists()
