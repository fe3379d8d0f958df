"""The client contract, in process: the served schema, errors, lists and caching headers.

The same contract is checked from outside by third-party tools against a live server in
``tests/contract/`` (a generated client and schemathesis).
"""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from api.roles import Role
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
PROBLEM = {"$ref": "#/components/schemas/Problem"}
PROBLEM_JSON = "application/problem+json"
PUBLIC_OPERATIONS = {
    ("post", "/api/v1/auth/register/start"),
    ("post", "/api/v1/auth/register/verify"),
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/token/refresh"),
    ("post", "/api/v1/auth/password/reset/start"),
    ("post", "/api/v1/auth/password/reset/verify"),
    ("get", "/api/v1/statements/verify/{code}"),
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(SCHEMA_URL)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


def walk(node, trail=()):
    if isinstance(node, dict):
        yield trail, node
        for key, value in node.items():
            yield from walk(value, (*trail, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*trail, index))


def test_served_schema_passes_openapi_spec_validator(schema):
    validate(schema)  # raises OpenAPIValidationError with the first error


def test_schema_is_the_same_bytes_in_every_language(client):
    english = client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE="en")
    vietnamese = client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE="vi")

    assert english.content == vietnamese.content
    assert vietnamese["Content-Language"] == "en"
    assert "Compulsory social insurance" in vietnamese.content.decode()


def test_problem_component_is_shared(schema):
    problem = schema["components"]["schemas"]["Problem"]

    assert set(problem["required"]) == {"type", "title", "status", "detail", "code", "errors"}
    assert "retry_after" in problem["properties"]
    item = problem["properties"]["errors"]["items"]
    field_error = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[1]]
    assert set(field_error["required"]) == {"field", "code", "detail"}


def test_every_error_answer_is_a_problem(schema):
    for method, path, operation in operations(schema):
        errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
        assert errors, f"{method} {path} documents no error"
        for code, response in errors.items():
            assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM}}, (method, path, code)
        if "429" in errors:
            assert "Retry-After" in errors["429"]["headers"]


def test_errors_follow_from_the_view(schema):
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        public = (method, path) in PUBLIC_OPERATIONS
        if not public:
            assert "401" in responses, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        assert "429" in responses, (method, path)
    clinic_verify = schema["paths"]["/api/v1/clinic/verify"]["post"]["responses"]
    assert "403" in clinic_verify  # a role is required
    start = schema["paths"]["/api/v1/auth/register/start"]["post"]["responses"]
    assert "401" not in start  # public, and no business error answers 401 there


def test_public_operations_declare_no_security(schema):
    for method, path, operation in operations(schema):
        if (method, path) in PUBLIC_OPERATIONS:
            assert "security" not in operation, (method, path)
        else:
            assert operation["security"] == [{"jwtAuth": []}], (method, path)
    assert "security" not in schema  # no global requirement that public operations inherit


def test_no_empty_string_defaults_anywhere(schema):
    for trail, node in walk(schema):
        assert node.get("default") != "", trail


def test_path_ids_are_uuids(schema):
    for _method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] == "path" and name.endswith("_id") and name != "declaration_id":
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, (
                    path,
                    parameter,
                )


def test_patterns_and_enums(schema):
    components = schema["components"]["schemas"]
    identify = components["IdentifyInputRequest"]["properties"]
    assert identify["social_insurance_number"]["pattern"] == "^[0-9]{10}$"
    assert identify["national_id"]["pattern"] == "^[0-9]{12}$"
    assert components["ContributionOutput"]["properties"]["month"]["pattern"].startswith("^")
    benefit = components["BenefitOutput"]["properties"]
    for field, enum in (
        ("kind", "BenefitKindEnum"),
        ("method", "PaymentMethodEnum"),
        ("status", "BenefitStatusEnum"),
    ):
        assert benefit[field] == {"$ref": f"#/components/schemas/{enum}"}, field
    assert components["MeOutput"]["properties"]["role"] == {"$ref": "#/components/schemas/RoleEnum"}
    member = components["HouseholdMemberOutput"]["properties"]
    assert "#/components/schemas/RelationEnum" in json.dumps(member["relation"])
    assert components["ScanResultEnum"]["enum"][0] == "valid"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/sessions",
        "/api/v1/support/accounts",
        "/api/v1/support/audit",
        "/api/v1/support/phone-changes",
        "/api/v1/contributions/",
        "/api/v1/healthcards/",
        "/api/v1/healthcards/{card_id}/scans",
        "/api/v1/benefits/",
    ],
)
def test_lists_are_documented_as_the_envelope_with_their_parameters(schema, path):
    operation = schema["paths"][path]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    envelope = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]

    assert {"next", "previous", "results"} <= set(envelope["required"])
    assert envelope["properties"]["results"]["type"] == "array"
    names = {p["name"] for p in operation["parameters"]}
    assert "page_size" in names
    assert names & {"cursor", "page"}


def test_binary_answers_have_their_media_types(schema):
    qr = schema["paths"]["/api/v1/healthcards/{card_id}/qr"]["get"]["responses"]["200"]
    statement = schema["paths"]["/api/v1/contributions/statement"]["get"]["responses"]["200"]

    assert set(qr["content"]) == {"application/json", "image/png", "image/svg+xml"}
    assert qr["content"]["image/png"]["schema"] == {"type": "string", "format": "binary"}
    assert set(statement["content"]) == {"application/pdf", "text/csv"}
    assert "X-Statement-Code" in statement["headers"]


def test_validators_are_documented(schema):
    for path in ("/api/v1/contributions/", "/api/v1/contributions/summary", "/api/v1/healthcards/"):
        operation = schema["paths"][path]["get"]
        assert "If-None-Match" in {p["name"] for p in operation["parameters"]}, path
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "304" in operation["responses"], path


# --- answers -----------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/nope", "/.well-known/nope", "/api/v1/me/x"])
def test_unknown_paths_are_problem_404_with_debug_on_or_off(client, settings, debug, path):
    settings.DEBUG = debug

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "not_found"
    assert body["detail"] == "Không tìm thấy."


def test_wrong_methods_are_problem_405(client, citizen_client):
    jwks = client.post("/.well-known/jwks.json")
    me = citizen_client.delete("/api/v1/me")

    for response in (jwks, me):
        assert response.status_code == 405
        assert response["Content-Type"] == PROBLEM_JSON
        assert response.json()["code"] == "method_not_allowed"
    assert "GET" in jwks["Allow"]


def test_root_redirects_to_the_docs(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/api/docs/"


@pytest.mark.parametrize("page_size", ["0", "-1", "abc", "201", "1.5"])
@pytest.mark.parametrize("path", ["/api/v1/contributions/", "/api/v1/healthcards/"])
def test_page_size_out_of_range_is_400(citizen_client, path, page_size):
    response = citizen_client.get(path, {"page_size": page_size})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "page_size"
    assert body["errors"][0]["code"] == "invalid"


def test_page_size_is_checked_on_staff_lists_too(support_client):
    for path in ("/api/v1/support/accounts", "/api/v1/support/audit"):
        response = support_client.get(path, {"page_size": "1000"})
        assert response.status_code == 400, (path, response.content)
        assert response.json()["errors"][0]["field"] == "page_size"


def test_page_size_within_range_is_honoured(support_client):
    response = support_client.get("/api/v1/support/audit", {"page_size": "1"})

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"next", "previous", "results"}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/contributions/", {"scheme": "lottery"}),
        ("/api/v1/contributions/statement", {"format": "docx"}),
        ("/api/v1/benefits/", {"kind": "lottery"}),
    ],
)
def test_an_invalid_choice_is_invalid_everywhere(citizen_client, path, query):
    response = citizen_client.get(path, query, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 400, response.content
    field, value = next(iter(query.items()))
    assert response.json()["errors"] == [
        {"field": field, "code": "invalid", "detail": f'"{value}" không phải là lựa chọn hợp lệ.'}
    ]


@pytest.mark.parametrize(
    ("language", "detail"),
    [("vi", "Nhập tháng theo dạng YYYY-MM (năm-tháng)."), ("en", "Enter a month as YYYY-MM.")],
)
def test_history_filter_messages_are_translated(citizen_client, language, detail):
    response = citizen_client.get(
        "/api/v1/contributions/", {"from": "2024-13"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "from", "code": "invalid", "detail": detail}]


def test_history_too_long_employer_has_the_same_code_as_elsewhere(citizen_client):
    response = citizen_client.get("/api/v1/contributions/", {"employer": "X" * 21})

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "max_length"


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("vi", "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau {} giây."),
        ("en", "Too many requests. Please try again in {} s."),
    ],
)
def test_throttled_detail_is_translated(api_client, settings, monkeypatch, language, detail):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "1/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    body = {"username": "nobody", "password": "x"}

    api_client.post("/api/v1/auth/token", body, HTTP_ACCEPT_LANGUAGE=language)
    response = api_client.post("/api/v1/auth/token", body, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 429
    problem = response.json()
    assert problem["code"] == "throttled"
    assert problem["detail"] == detail.format(problem["retry_after"])
    assert int(response["Retry-After"]) == problem["retry_after"]


def test_personal_answers_are_not_stored(citizen_client):
    response = citizen_client.get("/api/v1/me")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_errors_are_not_stored_either(api_client):
    response = api_client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "path", ["/api/v1/contributions/", "/api/v1/contributions/summary", "/api/v1/healthcards/"]
)
def test_validated_answers_send_an_etag_and_answer_304(citizen_client, path):
    first = citizen_client.get(path)
    assert first.status_code == 200, first.content
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"

    again = citizen_client.get(path, HTTP_IF_NONE_MATCH=etag)
    other = citizen_client.get(path, HTTP_IF_NONE_MATCH='"something-else"')

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert other.status_code == 200
    assert other["ETag"] == etag


def test_etag_changes_with_the_data(citizen, citizen_client):
    from tests.contributions.factories import ContributionRecordFactory

    before = citizen_client.get("/api/v1/contributions/")["ETag"]
    ContributionRecordFactory(insuree=citizen.insuree)

    response = citizen_client.get("/api/v1/contributions/", HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200
    assert response["ETag"] != before


def test_etags_of_two_people_differ(citizen_client, db):
    other = UserFactory(role=Role.CITIZEN)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(other)
    mine = citizen_client.get("/api/v1/contributions/summary")
    theirs = client.get("/api/v1/contributions/summary")

    assert "Authorization" in mine["Vary"]
    assert json.loads(mine.content) is not None
    assert theirs.status_code == 200


def test_a_format_the_accept_header_refuses_is_406(citizen_client, schema):
    response = citizen_client.get(
        "/api/v1/contributions/statement", {"format": "csv"}, HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"
    documented = schema["paths"]["/api/v1/contributions/statement"]["get"]["responses"]
    assert "406" in documented
