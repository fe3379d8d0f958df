"""The QR image at its own paths (qr.png, qr.svg), for clients generated from the schema."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.django_db


def test_qr_images_have_their_own_paths(citizen, citizen_client):
    from tests.healthcards.factories import HealthCardFactory

    card = HealthCardFactory(insuree=citizen.insuree)

    png = citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr.png")
    svg = citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr.svg")
    other = citizen_client.get(f"/api/v1/healthcards/{uuid.uuid4()}/qr.png")

    assert png.status_code == 200, png.content[:300]
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "X-QR-Expires-At" in png
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
