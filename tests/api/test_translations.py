"""The Vietnamese catalogue is complete, keeps its placeholders, and the API speaks it.

``locale/vi/LC_MESSAGES/django.po`` is regenerated with ``django-admin makemessages -l vi
--ignore=.venv --ignore=tests --ignore=bench`` and compiled with ``make messages``.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.util import find_spec
from pathlib import Path

import polib
import pytest
from rest_framework.test import APIClient

from api.third_party_messages import THIRD_PARTY_MESSAGES
from healthcards.models import CardStatus
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

PO_PATH = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# %(name)s / %(n)d, positional %s / %d, and str.format's {name}; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
# Kept in the catalogue although the library raises it without gettext (see the module).
NOT_LOOKED_UP_BY_ITS_LIBRARY = {"JSON parse error - {detail}"}


def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_every_message_has_a_vietnamese_translation_and_none_is_fuzzy():
    po = catalogue()

    assert len(po) > 150, "the catalogue lost its messages"
    assert [e.msgid for e in po if not e.msgstr.strip()] == []
    assert [e.msgid for e in po if e.fuzzy] == []
    assert [e.msgid for e in po if e.obsolete] == []


def test_the_catalogue_declares_a_single_plural_form():
    assert catalogue().metadata["Plural-Forms"] == "nplurals=1; plural=0;"


def test_placeholders_are_kept_exactly():
    mismatched = {
        e.msgid: e.msgstr for e in catalogue() if placeholders(e.msgid) != placeholders(e.msgstr)
    }

    assert mismatched == {}


def test_translations_are_vietnamese_rather_than_copies_of_the_english():
    copied = [e.msgid for e in catalogue() if e.msgstr == e.msgid]

    assert copied == []


def test_third_party_messages_are_in_the_catalogue_and_spelt_as_their_library_spells_them():
    msgids = {e.msgid for e in catalogue()}
    sources = "".join(
        path.read_text(encoding="utf-8")
        for package in ("rest_framework", "rest_framework_simplejwt")
        for path in Path(find_spec(package).origin).parent.rglob("*.py")  # type: ignore[union-attr, arg-type]
    )

    assert [m for m in THIRD_PARTY_MESSAGES if m not in msgids] == []
    misspelt = [m for m in THIRD_PARTY_MESSAGES if m not in sources]
    assert set(misspelt) == NOT_LOOKED_UP_BY_ITS_LIBRARY


# Through the API: the same error in Vietnamese and in English, chosen by Accept-Language.


def problem(response, language: str) -> dict:
    assert response["Content-Language"] == language
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("vi", "Tên đăng nhập hoặc mật khẩu không đúng."),
        ("en", "The username or password is incorrect."),
    ],
)
def test_a_wrong_password_is_explained_in_the_callers_language(api_client, language, detail):
    user = UserFactory(insuree=InsureeFactory())

    r = api_client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "not-the-password"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert r.status_code == 401, r.json()
    body = problem(r, language)
    assert body["code"] == "invalid_credentials"
    assert body["detail"] == detail


@pytest.mark.django_db
def test_vietnamese_is_the_default_when_the_client_names_no_language(api_client, settings):
    settings.LANGUAGE_CODE = "vi"
    user = UserFactory(insuree=InsureeFactory())

    r = api_client.post("/api/v1/auth/token", {"username": user.username, "password": "sai"})

    assert r.status_code == 401, r.json()
    assert problem(r, "vi")["detail"] == "Tên đăng nhập hoặc mật khẩu không đúng."


@pytest.mark.parametrize(
    ("language", "detail"),
    [("vi", "Thẻ BHYT này đang bị tạm dừng."), ("en", "This card is suspended.")],
)
def test_a_suspended_card_gets_no_qr_in_either_language(citizen, language, detail):
    card = HealthCardFactory(
        insuree=citizen.insuree,
        registered_facility=FacilityFactory(),
        status=CardStatus.SUSPENDED,
    )
    client = APIClient()
    client.force_authenticate(citizen)

    r = client.get(f"/api/v1/healthcards/{card.pk}/qr", HTTP_ACCEPT_LANGUAGE=language)

    assert r.status_code == 409, r.json()
    body = problem(r, language)
    assert body["code"] == "card_suspended"
    assert body["detail"] == detail


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("vi", "Định dạng (format) phải là json, png hoặc svg."),
        ("en", "The format is json, png or svg."),
    ],
)
def test_an_unsupported_qr_format_is_explained_in_either_language(citizen, language, detail):
    card = HealthCardFactory(insuree=citizen.insuree, registered_facility=FacilityFactory())
    client = APIClient()
    client.force_authenticate(citizen)

    r = client.get(f"/api/v1/healthcards/{card.pk}/qr?format=gif", HTTP_ACCEPT_LANGUAGE=language)

    assert r.status_code == 400, r.json()
    assert problem(r, language)["detail"] == detail


@pytest.mark.parametrize(
    ("language", "detail", "field_detail"),
    [
        ("vi", "Yêu cầu có trường không hợp lệ.", '"xlsx" không phải là lựa chọn hợp lệ.'),
        ("en", "The request has invalid fields.", '"xlsx" is not a valid choice.'),
    ],
)
def test_a_statement_in_an_unknown_format_is_refused_in_either_language(
    citizen_client, language, detail, field_detail
):
    r = citizen_client.get(
        "/api/v1/contributions/statement", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert r.status_code == 400, r.json()
    body = problem(r, language)
    assert body["detail"] == detail
    assert body["errors"] == [{"field": "format", "code": "invalid", "detail": field_detail}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("vi", "Chưa cung cấp thông tin xác thực."),
        ("en", "Authentication credentials were not provided."),
    ],
)
def test_a_third_party_message_follows_the_language_too(api_client, language, detail):
    r = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE=language)

    assert r.status_code == 401, r.json()
    assert problem(r, language)["detail"] == detail
