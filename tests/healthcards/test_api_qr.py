"""GET /api/v1/healthcards/{id}/qr: the signed token, its images, and who may have it."""

from __future__ import annotations

import io
from datetime import date

import jwt
import pytest
import resvg_py
import zxingcpp
from django.core.cache import cache
from PIL import Image

from accounts.models import HouseholdRelation
from healthcards.models import CardStatus
from healthcards.services import qr as qr_service
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db


def qr_url(card, fmt: str | None = None) -> str:
    return f"/api/v1/healthcards/{card.pk}/qr" + (f"?format={fmt}" if fmt else "")


def decode_png(data: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(results) == 1, results
    return results[0].text


def test_qr_json_is_a_short_eddsa_jws_with_the_card_claims(citizen_client, card):
    r = citizen_client.get(qr_url(card))

    assert r.status_code == 200, r.json()
    payload = r.json()["payload"]
    assert len(payload) < 600, len(payload)
    header = jwt.get_unverified_header(payload)
    assert header["alg"] == "EdDSA"
    assert header["typ"] == "vss-hc+jwt"
    assert header["kid"]
    claims = jwt.decode(payload, options={"verify_signature": False})
    assert claims["cn"] == card.card_number
    assert claims["nm"] == card.insuree.full_name
    assert claims["dob"] == card.insuree.date_of_birth.isoformat()
    assert claims["bl"] == 4
    assert claims["fc"] == "01001"
    assert claims["aud"] == "vss-clinic"
    assert claims["exp"] - claims["iat"] == 600
    assert claims["jti"]
    assert "address" not in str(claims).lower()
    assert card.insuree.address not in str(claims)
    assert r["Cache-Control"] == "private, no-store"


def test_qr_lifetime_follows_the_setting(citizen_client, card, settings):
    settings.HEALTHCARD_QR_TTL = 120
    settings.HEALTHCARD_QR_MIN_REMAINING = 60

    r = citizen_client.get(qr_url(card))

    claims = jwt.decode(r.json()["payload"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120


def test_the_same_token_is_reused_while_it_has_time_left(citizen_client, card):
    first = citizen_client.get(qr_url(card)).json()
    second = citizen_client.get(qr_url(card)).json()

    assert first == second


def test_png_decodes_back_to_the_exact_payload(citizen_client, card):
    payload = citizen_client.get(qr_url(card)).json()["payload"]

    r = citizen_client.get(qr_url(card, "png"))

    assert r.status_code == 200
    assert r["Content-Type"] == "image/png"
    assert decode_png(r.content) == payload
    width, height = Image.open(io.BytesIO(r.content)).size
    assert width == height >= 400  # 8 px modules: large enough for a camera off a screen


def test_svg_rasterised_decodes_back_to_the_exact_payload(citizen_client, card):
    payload = citizen_client.get(qr_url(card)).json()["payload"]

    r = citizen_client.get(qr_url(card, "svg"))

    assert r.status_code == 200
    assert r["Content-Type"].startswith("image/svg+xml")
    svg = r.content.decode("utf-8")
    assert svg.startswith("<svg")
    png = resvg_py.svg_to_bytes(svg_string=svg)
    assert decode_png(bytes(png)) == payload


def test_images_are_cached_for_the_token_rather_than_redrawn(citizen_client, card, monkeypatch):
    first = citizen_client.get(qr_url(card, "png")).content
    drawn = []
    monkeypatch.setitem(qr_service._DRAW, "png", lambda payload: drawn.append(payload) or b"x")

    second = citizen_client.get(qr_url(card, "png")).content

    assert second == first
    assert drawn == []


def test_images_are_cached_in_redis_too(redis_cache, citizen_client, card):
    first = citizen_client.get(qr_url(card, "png"))
    second = citizen_client.get(qr_url(card, "png"))

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert any(key.startswith("hc:qrimg:png:") for key in _cache_keys())


def test_a_process_keeps_images_in_front_of_the_shared_cache(citizen_client, card, monkeypatch):
    first = citizen_client.get(qr_url(card, "png")).content
    cache.delete_many([key for key in _locmem_keys() if "qrimg" in key])  # shared copy gone
    monkeypatch.setitem(qr_service._DRAW, "png", lambda payload: b"redrawn")

    assert citizen_client.get(qr_url(card, "png")).content == first  # this process's copy


def _locmem_keys() -> list[str]:
    return [key.split(":", 2)[-1] for key in getattr(cache, "_cache", {})]


def _cache_keys() -> list[str]:
    client = cache._cache.get_client()  # the Redis client behind Django's cache
    return [key.decode().split(":", 2)[-1] for key in client.keys("*")]


def test_a_fixed_mask_still_decodes_for_many_payloads():
    for length in (1, 50, 300, 599, 900):
        payload = ("eyJhbGciOiJFZERTQSJ9." + "Ab-_9" * 200)[:length]
        assert decode_png(qr_service.qr_png_draw(payload)) == payload
        svg = qr_service.qr_svg_draw(payload).decode("ascii")
        assert decode_png(bytes(resvg_py.svg_to_bytes(svg_string=svg))) == payload


@pytest.mark.parametrize(
    ("status_value", "code"),
    [
        (CardStatus.SUSPENDED, "card_suspended"),
        (CardStatus.REVOKED, "card_revoked"),
        (CardStatus.EXPIRED, "card_expired"),
    ],
)
def test_a_card_that_is_not_active_gets_no_qr(citizen_client, card, status_value, code):
    card.status = status_value
    card.save()

    for fmt in (None, "png"):
        r = citizen_client.get(qr_url(card, fmt))

        assert r.status_code == 409, r.content
        assert r["Content-Type"].startswith("application/problem+json")
        assert r.json()["code"] == code


def test_a_card_past_its_valid_to_date_gets_no_qr(citizen_client, card):
    card.valid_to = date(2020, 12, 31)
    card.save()

    r = citizen_client.get(qr_url(card))

    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "card_expired"


def test_someone_elses_card_is_404(citizen_client, stranger_card):
    r = citizen_client.get(qr_url(stranger_card))

    assert r.status_code == 404, r.json()
    assert r.json()["code"] == "not_found"


def test_a_malformed_card_id_is_404(citizen_client):
    r = citizen_client.get("/api/v1/healthcards/not-a-uuid/qr")

    assert r.status_code == 404, r.json()


def test_a_parent_gets_the_qr_of_a_minor_child_but_not_of_an_adult_relative(db, facility):
    household = HouseholdFactory()
    parent = InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    child = InsureeFactory(
        household=household,
        household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2022, 9, 3),
    )
    spouse = InsureeFactory(household=household, household_relation=HouseholdRelation.SPOUSE)
    child_card = HealthCardFactory(
        insuree=child, beneficiary_group="TE", benefit_level=1, registered_facility=facility
    )
    spouse_card = HealthCardFactory(insuree=spouse, registered_facility=facility)
    client = _client_for(UserFactory(insuree=parent))

    assert client.get(qr_url(child_card)).status_code == 200
    assert client.get(qr_url(spouse_card)).status_code == 404


def _client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_unknown_format_is_a_400(citizen_client, card):
    r = citizen_client.get(qr_url(card, "gif"))

    assert r.status_code == 400, r.content
    assert r.json()["code"] == "qr_format_unsupported"


def test_staff_cannot_ask_for_a_card_qr(support_client, card):
    r = support_client.get(qr_url(card))

    assert r.status_code == 403, r.json()


def test_anonymous_gets_401(api_client, card):
    r = api_client.get(qr_url(card))

    assert r.status_code == 401, r.json()


def test_the_development_key_is_generated_outside_the_repository(
    citizen_client, card, signing_key_file
):
    assert not signing_key_file.exists()

    citizen_client.get(qr_url(card))

    assert signing_key_file.exists()
    assert oct(signing_key_file.stat().st_mode & 0o777) == "0o600"
    assert signing_key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_without_a_key_and_without_autocreate_the_qr_is_503(citizen_client, card, settings):
    settings.HEALTHCARD_SIGNING_KEY_AUTOCREATE = False

    r = citizen_client.get(qr_url(card))

    assert r.status_code == 503, r.json()
    assert r.json()["code"] == "signing_key_unavailable"
    assert cache.get(f"hc:qr:{card.pk}") is None
