"""The OpenAPI schema lists the contributions paths, and the lean history rows match the
declared serializer exactly."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from contributions.history import ContributionOutputSerializer

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/contributions/",
    "/api/v1/contributions/summary",
    "/api/v1/contributions/statement",
    "/api/v1/contributions/statements",
    "/api/v1/contributions/statements/{statement_id}/revoke",
    "/api/v1/statements/verify/{code}",
    "/api/v1/benefits/",
    "/api/v1/pension/estimate",
    "/api/v1/agency/imports",
    "/api/v1/agency/imports/{declaration_id}",
    "/api/v1/agency/imports/jobs/{job_id}",
]


def test_schema_lists_our_paths_without_warnings(api_client, tmp_path):
    r = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    for path in PATHS:
        assert path in schema["paths"], path
    # the generator raises on any warning
    out = str(tmp_path / "schema.yaml")
    call_command("spectacular", "--fail-on-warn", "--file", out, stderr=StringIO())


def test_history_rows_have_exactly_the_declared_fields(citizen_client, citizen, make_months):
    from datetime import date

    make_months(citizen.insuree, date(2024, 1, 1), 1)
    schema = api_client_schema(citizen_client)
    declared = set(schema["components"]["schemas"]["ContributionOutput"]["properties"])

    [row] = citizen_client.get("/api/v1/contributions/").json()["results"]

    assert set(row) == declared == set(ContributionOutputSerializer().fields)


def api_client_schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_the_history_schema_comes_from_the_one_history_module(api_client):
    """Rows, columns and query parameters of the history have one definition each."""
    from contributions.history import (
        CONTRIBUTION_ROW_FIELDS,
        HISTORY_COLUMNS,
        ROW_FIELDS,
        ROW_SOURCES,
        ContributionListQuerySerializer,
    )

    schema = api_client_schema(api_client)
    component = schema["components"]["schemas"]["ContributionOutput"]
    operation = schema["paths"]["/api/v1/contributions/"]["get"]
    declared_params = {p["name"] for p in operation["parameters"]}

    assert tuple(component["properties"]) == ROW_FIELDS
    assert set(component["required"]) == set(ROW_FIELDS)
    assert "description" not in component
    # the query's own fields, the cursor paginator's, and the ETag validator's header
    assert (
        set(ContributionListQuerySerializer().fields)
        | {
            "cursor",
            "page_size",
            "If-None-Match",
        }
        == declared_params
    )
    assert (
        len(HISTORY_COLUMNS)
        == len(CONTRIBUTION_ROW_FIELDS)
        == sum(len(sources) for sources in ROW_SOURCES.values())
    )
