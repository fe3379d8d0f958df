"""The JWKS, offline verification with PyJWT alone, and key rotation."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import jwt
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from healthcards.keyring import b64url, keyring_invalidate, kid_for, private_key_pem, public_key_raw
from healthcards.models import HealthCardSigningKey
from healthcards.services.keys import signing_key_current

pytestmark = pytest.mark.django_db

JWKS = "/.well-known/jwks.json"


def issue(client, card) -> str:
    r = client.get(f"/api/v1/healthcards/{card.pk}/qr")
    assert r.status_code == 200, r.json()
    return r.json()["payload"]


def verify(client, text) -> str:
    r = client.post("/api/v1/clinic/verify", {"qr": text}, format="json")
    assert r.status_code == 200, r.json()
    return r.json()["result"]


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_healthcard_key", *args, stdout=out)
    return out.getvalue()


def test_jwks_is_a_public_rfc7517_okp_key_set_with_cors_and_cache_headers(
    api_client, citizen_client, card
):
    issue(citizen_client, card)

    r = api_client.get(JWKS)

    assert r.status_code == 200
    assert r["Content-Type"] == "application/jwk-set+json"
    assert r["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in r["Cache-Control"]
    (key,) = r.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert (key["kty"], key["crv"], key["use"], key["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
    assert len(jwt.utils.base64url_decode(key["x"])) == 32
    assert key["kid"] == kid_for(jwt.utils.base64url_decode(key["x"]))


def test_a_clinic_verifies_offline_with_pyjwt_and_the_jwks_alone(api_client, citizen_client, card):
    token = issue(citizen_client, card)
    jwks = api_client.get(JWKS).json()

    # What a clinic app does, with nothing from this project but the JWK Set:
    keys = jwt.PyJWKSet.from_dict(jwks)
    kid = jwt.get_unverified_header(token)["kid"]
    claims = jwt.decode(token, keys[kid].key, algorithms=["EdDSA"], audience="vss-clinic")

    assert claims["cn"] == card.card_number
    assert claims["nm"] == card.insuree.full_name


def test_an_api_token_does_not_verify_offline_against_the_jwks(
    api_client, citizen, citizen_client, card
):
    from rest_framework_simplejwt.tokens import AccessToken

    issue(citizen_client, card)
    keys = jwt.PyJWKSet.from_dict(api_client.get(JWKS).json())
    access = str(AccessToken.for_user(citizen))

    for key in keys.keys:
        with pytest.raises(jwt.PyJWTError):
            jwt.decode(access, key.key, algorithms=["EdDSA"], audience="vss-clinic")


def test_rotation_keeps_old_qrs_valid_until_they_expire(
    api_client, citizen_client, clinic_client, card, settings
):
    old_token = issue(citizen_client, card)
    old_kid = jwt.get_unverified_header(old_token)["kid"]

    output = rotate()

    new_kid, _ = signing_key_current()
    assert new_kid != old_kid
    assert new_kid in output
    kids = {key["kid"] for key in api_client.get(JWKS).json()["keys"]}
    assert kids == {old_kid, new_kid}
    assert verify(clinic_client, old_token) == "valid"
    old = HealthCardSigningKey.objects.get(kid=old_kid)
    assert old.retired_at is not None


def test_a_retired_key_token_before_and_after_its_expiry(clinic_client, card, settings):
    from healthcards.tokens import card_claims, token_sign

    kid, key = signing_key_current()
    now = timezone.now()
    fresh = token_sign(card_claims(card, issued_at=now), kid=kid, key=key)
    stale = token_sign(
        card_claims(card, issued_at=now - timedelta(seconds=settings.HEALTHCARD_QR_TTL + 5)),
        kid=kid,
        key=key,
    )
    rotate()

    assert verify(clinic_client, fresh) == "valid"
    assert verify(clinic_client, stale) == "expired"


def test_a_key_retired_longer_than_a_qr_lives_leaves_the_jwks(
    api_client, citizen_client, card, clinic_client, settings
):
    old_token = issue(citizen_client, card)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    rotate()
    # longer than any token it signed lives: QR tokens (minutes) and statements (days)
    longest = max(settings.HEALTHCARD_QR_TTL, settings.STATEMENT_VALID_DAYS * 86400)
    long_ago = timezone.now() - timedelta(
        seconds=longest + settings.HEALTHCARD_JWKS_RETIRED_MARGIN + 1
    )
    HealthCardSigningKey.objects.filter(kid=old_kid).update(retired_at=long_ago)
    keyring_invalidate()

    kids = {key["kid"] for key in api_client.get(JWKS).json()["keys"]}

    assert old_kid not in kids
    assert verify(clinic_client, old_token) == "bad_signature"


def test_a_compromised_key_is_withdrawn_and_replaced(
    api_client, citizen_client, clinic_client, card
):
    token = issue(citizen_client, card)
    kid = jwt.get_unverified_header(token)["kid"]

    rotate(f"--compromised={kid}")  # key ids may start with "-": always the "=" form

    kids = {key["kid"] for key in api_client.get(JWKS).json()["keys"]}
    assert kid not in kids
    assert len(kids) == 1
    assert verify(clinic_client, token) == "bad_signature"
    assert HealthCardSigningKey.objects.get(kid=kid).compromised_at is not None
    fresh = issue(citizen_client, card)  # the reusable token was signed by the withdrawn key
    assert fresh != token
    assert jwt.get_unverified_header(fresh)["kid"] in kids
    assert verify(clinic_client, fresh) == "valid"


def test_compromising_an_unknown_kid_is_an_error():
    with pytest.raises(CommandError):
        rotate("--compromised", "nope")


def test_a_key_from_the_environment_is_used_and_registered(settings, citizen_client, card):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    for configured in (b64url(seed), private_key_pem(key).decode()):
        settings.HEALTHCARD_SIGNING_KEY = configured

        kid, _ = signing_key_current()

        assert kid == kid_for(public_key_raw(key))
        row = HealthCardSigningKey.objects.get(kid=kid)
        assert row.public_key == b64url(public_key_raw(key))
        assert row.retired_at is None


def test_rotation_refuses_to_overwrite_an_environment_key(settings):
    settings.HEALTHCARD_SIGNING_KEY = b64url(b"\x01" * 32)

    with pytest.raises(CommandError, match="HEALTHCARD_SIGNING_KEY"):
        rotate()


def test_rotation_can_write_to_an_explicit_file(settings, tmp_path):
    settings.HEALTHCARD_SIGNING_KEY = b64url(b"\x01" * 32)
    target = tmp_path / "new.pem"

    rotate("--key-file", str(target))

    assert target.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert HealthCardSigningKey.objects.filter(retired_at__isnull=True).count() == 1


def test_private_keys_are_never_stored_in_the_database(citizen_client, card, signing_key_file):
    issue(citizen_client, card)

    pem = signing_key_file.read_text()
    for row in HealthCardSigningKey.objects.all():
        assert len(jwt.utils.base64url_decode(row.public_key)) == 32
        assert row.public_key not in pem


def test_a_key_withdrawn_by_another_process_stops_verifying_within_a_second(
    citizen_client, clinic_client, card
):
    from django.core.cache import cache

    from healthcards import keyring

    token = issue(citizen_client, card)
    assert verify(clinic_client, token) == "valid"
    kid = jwt.get_unverified_header(token)["kid"]
    # another process withdraws the key: the database and the shared cache change, this
    # process's memory does not
    HealthCardSigningKey.objects.filter(kid=kid).update(compromised_at=timezone.now())
    cache.set(keyring.KEYSET_VERSION_CACHE_KEY, "changed elsewhere")
    assert verify(clinic_client, token) == "valid"  # still within the second

    keyring._keyring.checked_at -= keyring.VERSION_CHECK_SECONDS + 0.1

    assert verify(clinic_client, token) == "bad_signature"


def test_a_key_id_starting_with_a_dash_can_be_withdrawn(monkeypatch):
    from healthcards.models import HealthCardSigningKey as Key

    rotate()
    key = Key.objects.order_by("-created_at").first()
    Key.objects.filter(pk=key.pk).update(kid="-" + key.kid[1:])

    rotate(f"--compromised=-{key.kid[1:]}")

    assert Key.objects.get(pk=key.pk).compromised_at is not None
