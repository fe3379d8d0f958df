"""Finding 7 (bodies): over the body limit is 413, deep nesting and NUL characters are 400,
whatever the endpoint; and every response carries a request id."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import InsureeFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/token"


def post_raw(client: APIClient, url: str, body: bytes, content_type="application/json"):
    return client.generic("POST", url, body, content_type=content_type)


def test_a_json_body_over_the_limit_is_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    body = json.dumps({"username": "x" * 3_000_000, "password": "y"}).encode()

    r = post_raw(APIClient(), LOGIN, body)

    assert r.status_code == 413, r.content
    assert r.json()["code"] == "request_too_large"
    assert r["Content-Type"].startswith("application/problem+json")


def test_a_json_body_nested_a_thousand_levels_is_400(citizen_client):
    body = ("[" * 1000 + "]" * 1000).encode()

    for client, url in [(APIClient(), LOGIN), (citizen_client, "/api/v1/auth/password/change")]:
        r = post_raw(client, url, body)

        assert r.status_code == 400, r.content
        assert r.json()["code"] == "nesting_too_deep"


def test_moderate_nesting_past_the_limit_is_400_too():
    body = json.dumps(
        {"username": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    )

    r = post_raw(APIClient(), LOGIN, body.encode())

    assert r.status_code == 400, r.content


def test_a_nul_character_in_a_json_field_is_400():
    r = APIClient().post(LOGIN, {"username": "0123\x00456789", "password": "x"}, format="json")

    assert r.status_code == 400, r.content
    assert r.json()["code"] == "nul_character"


@pytest.mark.parametrize("day", ["١٩٩٠-٠١-١٥", "１９９０-０１-１５", "1990-01-1５", "0001-01-01"])
def test_start_refuses_dates_that_are_not_ascii_or_out_of_range(day):
    person = InsureeFactory()

    r = APIClient().post(
        "/api/v1/auth/register/start",
        {"social_insurance_number": person.social_insurance_number, "date_of_birth": day},
    )

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "date_of_birth"


def test_every_response_carries_a_request_id(citizen_client):
    given = APIClient().get("/healthz", HTTP_X_REQUEST_ID="abcdef-123456")
    made = citizen_client.get("/api/v1/me")
    refused = APIClient().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert given["X-Request-ID"] == "abcdef-123456"
    assert len(made["X-Request-ID"]) == 32
    assert refused["X-Request-ID"] != "bad id\nwith newline"


def test_refusals_before_any_view_speak_the_callers_language():
    vi = APIClient().get("/api/v1/me?q=%00", HTTP_ACCEPT_LANGUAGE="vi")
    en = APIClient().get("/api/v1/me?q=%00", HTTP_ACCEPT_LANGUAGE="en")

    assert vi.status_code == en.status_code == 400
    assert vi.json()["detail"] != en.json()["detail"]
    assert "NUL" in vi.json()["detail"]
