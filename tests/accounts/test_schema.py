"""The OpenAPI schema lists every accounts endpoint, and building it raises no warning."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/auth/register/start",
    "/api/v1/auth/register/verify",
    "/api/v1/auth/token",
    "/api/v1/auth/token/refresh",
    "/api/v1/auth/logout",
    "/api/v1/auth/logout-all",
    "/api/v1/auth/password/change",
    "/api/v1/auth/password/reset/start",
    "/api/v1/auth/password/reset/verify",
    "/api/v1/auth/totp/enrol",
    "/api/v1/auth/totp/confirm",
    "/api/v1/me",
    "/api/v1/me/sessions",
    "/api/v1/me/sessions/{session_id}",
    "/api/v1/me/household",
    "/api/v1/me/household/{member_id}",
    "/api/v1/me/phone-change/{change_id}/cancel",
    "/api/v1/support/accounts",
    "/api/v1/support/accounts/{account_id}/unlock",
    "/api/v1/support/accounts/{account_id}/reset",
    "/api/v1/support/accounts/{account_id}/revoke-sessions",
    "/api/v1/support/accounts/{account_id}/change-phone",
    "/api/v1/support/phone-changes/{change_id}/approve",
    "/api/v1/support/phone-changes/{change_id}/cancel",
    "/api/v1/support/audit",
]


def test_schema_has_the_accounts_paths(api_client):
    r = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert r.status_code == 200
    paths = r.json()["paths"]
    missing = [path for path in PATHS if path not in paths]
    assert not missing


def test_schema_builds_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
