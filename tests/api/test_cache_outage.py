"""When Redis cannot be reached: limits that spread load let requests through, safeguards of
people refuse with 503 ``service_unavailable``, and nothing answers 500."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from accounts.sms import memory as sms_memory
from api.roles import Role
from healthcards.models import ClinicOperator
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "api.cache.RedisCache", "LOCATION": DEAD_REDIS}}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [
            "api.throttles.UserRateThrottle",
            "api.throttles.AnonRateThrottle",
        ],
    }
    from api import cache as cache_module

    cache_module._last_warned[0] = 0.0


def test_sign_in_and_reads_go_on_without_the_cache(cache_down, caplog):
    user = UserFactory(role=Role.CITIZEN)
    client = APIClient()

    signed = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD})
    assert signed.status_code == 200, signed.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed.json()['access']}")
    me = client.get("/api/v1/me")
    again = client.get("/api/v1/me")

    assert (me.status_code, again.status_code) == (200, 200)
    warnings = [r for r in caplog.records if r.getMessage().startswith("cache unreachable")]
    assert len(warnings) == 1  # at most one every 10 s, not one a request


def test_a_wrong_password_is_still_counted_by_the_database_lock(cache_down, settings):
    user = UserFactory(role=Role.CITIZEN)
    client = APIClient()
    for _ in range(settings.ACCOUNTS_LOGIN_MAX_FAILURES):
        client.post("/api/v1/auth/token", {"username": user.username, "password": "wrong"})

    locked = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD})

    assert locked.status_code == 423, locked.json()


def test_text_messages_and_typed_lookups_are_refused_with_503(cache_down):
    sms_memory.outbox.clear()
    person = InsureeFactory(phone="+84912345678")
    body = {
        "social_insurance_number": person.social_insurance_number,
        "date_of_birth": person.date_of_birth.isoformat(),
    }

    started = APIClient().post("/api/v1/auth/register/start", body)

    assert started.status_code == 503, started.json()
    assert started["Content-Type"].startswith("application/problem+json")
    assert started.json()["code"] == "service_unavailable"
    assert started.json()["retry_after"] == 30
    assert started["Retry-After"] == "30"
    assert sms_memory.outbox == []  # no message the daily cap could not count

    clinic = UserFactory(role=Role.CLINIC, insuree=None)
    ClinicOperator.objects.create(user=clinic, facility=FacilityFactory())
    desk = APIClient()
    desk.force_authenticate(clinic)
    typed = {"national_id": person.national_id, "date_of_birth": body["date_of_birth"]}
    looked_up = desk.post("/api/v1/clinic/verify", typed, format="json")
    scanned = desk.post("/api/v1/clinic/verify", {"qr": "not a card"}, format="json")

    assert looked_up.status_code == 503, looked_up.json()
    assert looked_up.json()["code"] == "service_unavailable"
    assert scanned.status_code == 200  # a scan is not a lookup: its limit fails open
    assert scanned.json()["result"] == "malformed"


def test_the_schema_documents_the_503_where_it_can_happen(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]

    assert "503" in paths["/api/v1/auth/register/start"]["post"]["responses"]
    assert "503" in paths["/api/v1/clinic/verify"]["post"]["responses"]
    assert "503" in paths["/api/v1/auth/password/reset/start"]["post"]["responses"]
    assert "503" not in paths["/api/v1/auth/token"]["post"]["responses"]
    assert "503" not in paths["/api/v1/me"]["get"]["responses"]


@pytest.fixture(autouse=True)
def _quiet(caplog):
    caplog.set_level(logging.WARNING)
