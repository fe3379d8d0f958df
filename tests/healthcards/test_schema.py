"""The OpenAPI schema lists every health-card path, and generating it warns about nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/healthcards/": "get",
    "/api/v1/healthcards/{card_id}/qr": "get",
    "/api/v1/healthcards/{card_id}/scans": "get",
    "/api/v1/healthcards/{card_id}/scans/{scan_id}/not-me": "post",
    "/api/v1/support/cards/{card_id}/reinstate": "post",
    "/api/v1/clinic/verify": "post",
}


def test_schema_has_the_healthcard_paths(api_client):
    r = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert r.status_code == 200
    paths = r.json()["paths"]
    for path, method in PATHS.items():
        assert method in paths[path], path
    qr = paths["/api/v1/healthcards/{card_id}/qr"]["get"]["responses"]["200"]["content"]
    assert set(qr) == {"application/json", "image/png", "image/svg+xml"}
    verify = paths["/api/v1/clinic/verify"]["post"]["responses"]["200"]["content"]
    schema = verify["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    result = r.json()["components"]["schemas"][schema]["properties"]["result"]
    assert result


def test_schema_generation_warns_about_nothing_here(capsys):
    call_command("spectacular", "--validate", "--file", "/dev/null")

    err = capsys.readouterr().err
    mine = [line for line in err.splitlines() if "healthcards" in line or "Card" in line]
    assert mine == []
