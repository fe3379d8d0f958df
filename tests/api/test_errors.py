"""Every error is RFC 9457 problem+json with a stable code; nothing answers HTML or a trace."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.roles import Role
from api.throttles import IPScopedRateThrottle
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:vss:error:{code}"
    assert isinstance(body["errors"], list)
    return body


def test_validation_error_lists_each_field(api_client: APIClient):
    response = api_client.post("/echo", {"name": "far too long", "tags": [1, "x"]}, format="json")

    body = assert_problem(response, 400, "invalid")
    errors = {(e["field"], e["code"]) for e in body["errors"]}
    assert ("name", "max_length") in errors
    assert ("age", "required") in errors
    assert ("tags.1", "invalid") in errors


def test_non_object_body_is_a_validation_error(api_client: APIClient):
    response = api_client.post("/echo", "[1, 2]", content_type="application/json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"][0]["field"] == "non_field_errors"


def test_malformed_json_is_400_not_500(api_client: APIClient):
    response = api_client.post("/echo", "{not json", content_type="application/json")

    assert_problem(response, 400, "parse_error")


def test_wrong_content_type_is_415(api_client: APIClient):
    response = api_client.post("/echo", "name=x", content_type="text/plain")

    assert_problem(response, 415, "unsupported_media_type")


def test_form_encoded_body_is_refused(api_client: APIClient):
    response = api_client.post(
        "/echo", "name=x&age=1", content_type="application/x-www-form-urlencoded"
    )

    assert_problem(response, 415, "unsupported_media_type")


def test_missing_credentials_is_401(api_client: APIClient):
    response = api_client.get("/private")

    assert_problem(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response


def test_bad_bearer_token_is_401_token_not_valid(api_client: APIClient):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = api_client.get("/private")

    assert_problem(response, 401, "token_not_valid")


def test_wrong_role_is_403(api_client: APIClient, db):
    api_client.force_authenticate(UserFactory(role=Role.CITIZEN))

    response = api_client.get("/support-only")

    assert_problem(response, 403, "permission_denied")


def test_support_role_passes_role_gate(api_client: APIClient, db):
    api_client.force_authenticate(UserFactory(role=Role.SUPPORT, insuree=None))

    response = api_client.get("/support-only")

    assert response.status_code == 200, response.content


def test_not_found_does_not_leak_the_internal_message(api_client: APIClient):
    response = api_client.get("/missing")

    body = assert_problem(response, 404, "not_found")
    assert "secret" not in response.content.decode()
    assert body["detail"]


def test_unknown_url_is_problem_json(api_client: APIClient):
    response = api_client.get("/no/such/path")

    assert_problem(response, 404, "not_found")


def test_wrong_method_is_405(api_client: APIClient):
    response = api_client.delete("/echo")

    assert_problem(response, 405, "method_not_allowed")


@pytest.mark.parametrize("cache_backend", ["locmem", "redis"])
def test_throttled_is_429_with_retry_after(
    api_client: APIClient, cache_backend, request, monkeypatch
):
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "test_burst", "2/min")
    if cache_backend == "redis":
        request.getfixturevalue("redis_cache")
    assert api_client.get("/throttled").status_code == 200
    assert api_client.get("/throttled").status_code == 200

    response = api_client.get("/throttled")

    body = assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert body["retry_after"] > 0


def test_unexpected_exception_is_generic_500(api_client: APIClient, caplog):
    response = api_client.get("/boom")

    body = assert_problem(response, 500, "server_error")
    text = response.content.decode()
    assert "hunter2" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in body["detail"]
    assert "hunter2" in caplog.text, "the real error must reach the logs"


def test_application_error_keeps_its_code_and_status(api_client: APIClient):
    response = api_client.post("/rule", {}, format="json")

    body = assert_problem(response, 409, "card_suspended")
    assert body["detail"] == "The card is suspended."


def test_model_validation_error_is_400_with_fields(api_client: APIClient):
    response = api_client.post("/model-rule", {}, format="json")

    body = assert_problem(response, 400, "invalid")
    assert body["errors"][0]["field"] == "phone"


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [
        ("vi", "Chưa xác thực", "Chưa cung cấp thông tin xác thực."),
        ("en", "Unauthorized", "Authentication credentials were not provided."),
        ("vi-VN,vi;q=0.9,en;q=0.8", "Chưa xác thực", "Chưa cung cấp thông tin xác thực."),
    ],
)
def test_errors_follow_accept_language(api_client: APIClient, language, title, detail):
    response = api_client.get("/private", HTTP_ACCEPT_LANGUAGE=language)

    body = assert_problem(response, 401, "not_authenticated")
    assert (body["title"], body["detail"]) == (title, detail)


def test_field_errors_are_translated(api_client: APIClient):
    response = api_client.post("/echo", {}, format="json", HTTP_ACCEPT_LANGUAGE="vi")

    body = assert_problem(response, 400, "invalid")
    assert body["detail"] == "Yêu cầu có trường không hợp lệ."
    assert {e["detail"] for e in body["errors"]} == {"Trường này là bắt buộc."}


def test_a_spoofed_forwarded_for_does_not_escape_ip_throttles(api_client: APIClient, monkeypatch):
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "test_burst", "2/min")

    codes = [
        api_client.get("/throttled", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(4)
    ]

    assert codes == [200, 200, 429, 429]
