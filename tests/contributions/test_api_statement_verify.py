"""Verifying a statement: the QR read off the rendered page and checked offline with PyJWT and
the published JWKS; the code checked online (valid, unknown, revoked, expired); the holder's
list and revocation, and nobody else's."""

from __future__ import annotations

import base64
import io
from datetime import date, timedelta

import jwt
import pypdfium2
import pytest
import zxingcpp
from django.core.cache import cache
from django.utils import timezone

from accounts.models import AuditEvent, HouseholdRelation
from api.throttles import IPScopedRateThrottle
from contributions.models import RecordStatus, Scheme, Statement
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key")]
STATEMENT = "/api/v1/contributions/statement"
LIST = "/api/v1/contributions/statements"
JWKS = "/.well-known/jwks.json"


def verify_url(code: str) -> str:
    return f"/api/v1/statements/verify/{code}"


def revoke_url(statement_id) -> str:
    return f"{LIST}/{statement_id}/revoke"


@pytest.fixture
def history(citizen, employer, make_months):
    insuree = citizen.insuree
    insuree.full_name = "Nguyễn Thị Lan Hương"
    insuree.national_id = "001190012345"
    insuree.save()
    make_months(insuree, date(2019, 1, 1), 18, employer=employer)
    make_months(insuree, date(2020, 7, 1), 2, employer=employer, status=RecordStatus.OWED)
    make_months(insuree, date(2023, 1, 1), 3, scheme=Scheme.VOLUNTARY_SI, employer=None,
                salary_base=1_500_000, employee_amount=231_000, employer_amount=0,
                state_subsidy=99_000)  # fmt: skip
    return insuree


def issue(client, **params) -> Statement:
    r = client.get(STATEMENT, {"format": "pdf", **params})
    assert r.status_code == 200, r.content[:300]
    statement = Statement.objects.get(pk=r["X-Statement-Id"])
    assert r["X-Statement-Code"].replace("-", "") == statement.code
    statement.pdf = r.content  # type: ignore[attr-defined]
    return statement


def qr_texts(pdf: bytes, *, dpi: int = 200) -> list[str]:
    """Rasterise every page (pdfium) and decode its QR code (zxing-cpp)."""
    document = pypdfium2.PdfDocument(pdf)
    texts = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil()
        results = zxingcpp.read_barcodes(image)
        assert len(results) == 1, f"page {index + 1}: {results}"
        texts.append(results[0].text)
    return texts


def offline_check(token: str, jwks: dict) -> dict:
    """What a bank's app does: pick the key by kid from the JWKS, check signature, type,
    audience and expiry."""
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "vss-statement+jwt"
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]].key
    return jwt.decode(token, key, algorithms=["EdDSA"], audience="vss-statement", issuer="vss")


def test_the_qr_on_every_page_verifies_offline_with_the_published_keys(
    citizen_client, api_client, history, make_months
):
    make_months(history, date(2010, 1, 1), 100)  # long enough for several pages
    statement = issue(citizen_client, lang="en")

    tokens = qr_texts(statement.pdf)
    jwks = api_client.get(JWKS).json()
    claims = offline_check(tokens[0], jwks)

    assert len(tokens) >= 2
    assert len(set(tokens)) == 1  # the same QR on every page
    assert claims["sc"] == statement.code
    assert (claims["pf"], claims["pt"]) == ("2010-01", "2023-03")
    assert claims["nm"] == "N. T. L. Hương"
    assert claims["nid"] == "2345"
    assert claims["t"]["compulsory_si"] == [118, 94_400_000, 206_500_000, 0, 2, 5_100_000]
    assert claims["t"]["voluntary_si"] == [3, 693_000, 0, 297_000, 0, 0]
    assert claims["si"] == 121
    digest = base64.urlsafe_b64decode(claims["dg"] + "=")
    assert digest.hex() == statement.digest
    assert claims["exp"] == int(statement.expires_at.timestamp())
    assert "001190012345" not in tokens[0]
    assert history.social_insurance_number not in str(claims)


def test_a_forged_qr_fails_offline(citizen_client, api_client, history):
    statement = issue(citizen_client)
    token = qr_texts(statement.pdf)[0]
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["t"]["compulsory_si"][1] *= 10  # a richer applicant
    forged_payload = base64.urlsafe_b64encode(
        jwt.api_jws.json.dumps(claims, separators=(",", ":")).encode()
    ).rstrip(b"=")

    with pytest.raises(jwt.InvalidSignatureError):
        offline_check(
            f"{header}.{forged_payload.decode()}.{signature}", api_client.get(JWKS).json()
        )


def test_a_health_card_key_rotation_keeps_statements_verifiable_offline(
    citizen_client, api_client, history, settings
):
    from django.core.management import call_command

    statement = issue(citizen_client)
    token = qr_texts(statement.pdf)[0]
    call_command("rotate_healthcard_key", stdout=io.StringIO())
    from healthcards.models import HealthCardSigningKey

    old_kid = jwt.get_unverified_header(token)["kid"]
    # retired longer than any QR lives, but a statement signed by it is still valid
    HealthCardSigningKey.objects.filter(kid=old_kid).update(
        retired_at=timezone.now() - timedelta(days=30)
    )
    from healthcards.keyring import keyring_invalidate

    keyring_invalidate()

    assert offline_check(token, api_client.get(JWKS).json())["sc"] == statement.code


def test_online_check_of_a_genuine_statement(citizen_client, api_client, history):
    statement = issue(citizen_client, **{"from": "2019-01", "to": "2020-12"})
    printed = f"{statement.code[:4]}-{statement.code[4:8]}-{statement.code[8:]}"

    r = api_client.get(verify_url(printed))

    assert r.status_code == 200, r.json()
    body = r.json()
    assert set(body) == {
        "code", "result", "genuine", "holder", "period", "totals", "issued_at", "expires_at",
        "revoked_at",
    }  # fmt: skip
    assert body["result"] == "valid"
    assert body["genuine"] is True
    assert body["code"] == printed
    assert body["holder"] == {"masked_name": "N. T. L. Hương"}
    assert body["period"] == {"from": "2019-01", "to": "2020-12"}
    compulsory = body["totals"]["schemes"][0]
    assert compulsory["scheme"] == "compulsory_si"
    assert compulsory["months_contributed"] == 18
    assert compulsory["participation_time"] == {"total_months": 18, "years": 1, "months": 6}
    assert compulsory["months_owed"] == 2
    assert body["revoked_at"] is None
    text = r.content.decode()
    assert "Nguyễn Thị Lan Hương" not in text
    assert history.social_insurance_number not in text
    assert "001190012345" not in text


def test_a_code_is_read_as_typed(citizen_client, api_client, history):
    statement = issue(citizen_client)
    typed = " ".join(statement.code[i : i + 4] for i in (0, 4, 8)).lower()
    # Crockford: O is read as 0, I and L as 1
    typed = typed.replace("0", "o").replace("1", "l")

    r = api_client.get(verify_url(typed))

    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "valid"


def test_an_unknown_code_says_so_and_nothing_else(api_client, citizen_client, history):
    issue(citizen_client)

    r = api_client.get(verify_url("ZZZZ-ZZZZ-ZZZZ"))

    assert r.status_code == 200, r.json()
    assert r.json() == {"code": "ZZZZ-ZZZZ-ZZZZ", "result": "unknown", "genuine": False}


@pytest.mark.parametrize("code", ["ABC", "ABCD-EFGH-IJKU", "ABCD-EFGH-IJK!", "A" * 40])
def test_a_malformed_code_is_400(api_client, code):
    r = api_client.get(verify_url(code))

    assert r.status_code == 400, r.json()
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "statement_code_invalid"


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("vi", "Mã xác thực gồm 12 chữ cái và chữ số, như in trên văn bản."),
        ("en", "A verification code has 12 letters and digits, as printed on the statement."),
    ],
)
def test_a_malformed_code_is_explained_in_either_language(api_client, language, detail):
    r = api_client.get(verify_url("12345"), HTTP_ACCEPT_LANGUAGE=language)

    assert r.json()["detail"] == detail


def test_a_revoked_statement_verifies_as_revoked(citizen_client, api_client, history):
    statement = issue(citizen_client)

    r = citizen_client.post(revoke_url(statement.pk))

    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "revoked"
    body = api_client.get(verify_url(statement.code)).json()
    assert body["result"] == "revoked"
    assert body["genuine"] is True
    assert body["revoked_at"] is not None
    event = AuditEvent.objects.get(action="contributions.statement_revoke")
    assert event.object_id == str(statement.pk)
    assert event.target_insuree_id == history.pk


def test_revoking_twice_changes_nothing(citizen_client, history):
    statement = issue(citizen_client)
    first = citizen_client.post(revoke_url(statement.pk)).json()

    second = citizen_client.post(revoke_url(statement.pk))

    assert second.status_code == 200, second.json()
    assert second.json()["revoked_at"] == first["revoked_at"]
    assert AuditEvent.objects.filter(action="contributions.statement_revoke").count() == 1


def test_an_expired_statement_verifies_as_expired(citizen_client, api_client, history):
    statement = issue(citizen_client)
    Statement.objects.filter(pk=statement.pk).update(expires_at=timezone.now())

    assert api_client.get(verify_url(statement.code)).json()["result"] == "expired"


def test_the_holder_lists_their_statements_newest_first(citizen_client, history):
    first = issue(citizen_client)
    second = issue(citizen_client, format="csv", **{"from": "2019-01", "to": "2019-12"})
    citizen_client.post(revoke_url(first.pk))

    r = citizen_client.get(LIST)

    assert r.status_code == 200, r.json()
    results = r.json()["results"]
    assert [item["id"] for item in results] == [str(second.pk), str(first.pk)]
    assert results[0]["format"] == "csv"
    assert results[0]["status"] == "valid"
    assert results[0]["period"] == {"from": "2019-01", "to": "2019-12"}
    assert results[0]["code"].replace("-", "") == second.code
    assert results[1]["status"] == "revoked"


def test_another_citizen_can_neither_list_nor_revoke(citizen_client, history, api_client):
    statement = issue(citizen_client)
    other = UserFactory(insuree=InsureeFactory())
    api_client.force_authenticate(other)

    listed = api_client.get(LIST)
    revoked = api_client.post(revoke_url(statement.pk))
    asked = api_client.get(LIST, {"insuree": str(history.public_id)})

    assert listed.status_code == 200
    assert listed.json()["results"] == []
    assert revoked.status_code == 404, revoked.json()
    assert asked.status_code == 404, asked.json()
    assert Statement.objects.get(pk=statement.pk).status == "valid"
    assert api_client.post(revoke_url("not-a-uuid")).status_code == 404


def test_a_parent_lists_and_revokes_a_minor_childs_statement(api_client, make_months, employer):
    household = HouseholdFactory()
    parent = InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    child = InsureeFactory(
        household=household,
        household_relation=HouseholdRelation.CHILD,
        date_of_birth=timezone.localdate() - timedelta(days=365 * 5),
    )
    make_months(child, date(2024, 1, 1), 2, scheme=Scheme.HEALTH, employer=None)
    api_client.force_authenticate(UserFactory(insuree=parent))
    statement = issue(api_client, insuree=str(child.public_id))

    listed = api_client.get(LIST, {"insuree": str(child.public_id)}).json()["results"]
    own = api_client.get(LIST).json()["results"]
    revoked = api_client.post(revoke_url(statement.pk))

    assert [item["id"] for item in listed] == [str(statement.pk)]
    assert own == []
    assert revoked.status_code == 200, revoked.json()


def test_list_query_count(citizen_client, history, django_assert_max_num_queries):
    for _ in range(3):
        issue(citizen_client)

    with django_assert_max_num_queries(1):
        r = citizen_client.get(LIST)
    assert len(r.json()["results"]) == 3


def test_verify_is_public_and_throttled_per_ip(api_client, citizen_client, history, monkeypatch):
    statement = issue(citizen_client)
    monkeypatch.setitem(IPScopedRateThrottle.THROTTLE_RATES, "statement_verify", "2/min")
    cache.clear()

    codes = [api_client.get(verify_url(statement.code)).status_code for _ in range(3)]
    bearer = api_client.get(
        verify_url(statement.code), HTTP_AUTHORIZATION="Bearer garbage", REMOTE_ADDR="10.0.0.9"
    )

    assert codes == [200, 200, 429]
    assert bearer.status_code == 200  # no authentication is attempted on a public check


def test_the_statement_token_is_not_an_api_token(api_client, citizen_client, history):
    token = qr_texts(issue(citizen_client).pdf)[0]

    r = api_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert r.status_code == 401, r.json()
