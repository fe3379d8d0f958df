"""The production password hasher: Argon2id at least as strong as OWASP recommends."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from accounts.hashers import OWASP_MIN_MEMORY_KIB, OWASP_MIN_TIME_COST


@pytest.fixture
def production_hashers(settings):
    from api.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(production_hashers):
    encoded = make_password("Demo@2026")

    hasher = identify_hasher(encoded)
    params = hasher.decode(encoded)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$"), encoded
    assert params["memory_cost"] >= OWASP_MIN_MEMORY_KIB == 19456
    assert params["time_cost"] >= OWASP_MIN_TIME_COST == 2
    assert params["parallelism"] == 1
    assert check_password("Demo@2026", encoded)
    assert not check_password("demo@2026", encoded)


def test_a_hash_from_django_defaults_still_verifies_and_is_upgraded(production_hashers):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    old = Argon2PasswordHasher().encode("Demo@2026", Argon2PasswordHasher().salt())
    upgraded: list[str] = []

    assert check_password("Demo@2026", old, setter=upgraded.append)
    assert upgraded == ["Demo@2026"]  # Django re-hashes with the current parameters
