"""Clinic verify with the identity card's QR text and with a typed number: the answer's
``source``, the match against the record, and the per-operator limit on typed lookups."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from healthcards.id_card import IdCardMalformed, id_card_parse, looks_like_id_card
from healthcards.models import CardStatus, ScanEvent
from notifications.models import Notification
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.conftest import id_card_samples, paper_samples
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/clinic/verify"
LAN_TEXT, MINH_TEXT, STRANGER_TEXT = id_card_samples()


@pytest.fixture
def lan(facility):
    """The record behind the first sample (the demo citizen)."""
    insuree = InsureeFactory(
        national_id="001190012345", social_insurance_number="0123456789",
        full_name="Nguyễn Thị Lan", date_of_birth=date(1990, 5, 12),
    )  # fmt: skip
    return HealthCardFactory(insuree=insuree, registered_facility=facility)


@pytest.fixture
def minh(facility):
    insuree = InsureeFactory(
        national_id="001088012346", social_insurance_number="0123456790",
        full_name="Trần Văn Minh", date_of_birth=date(1988, 2, 20), gender="male",
    )  # fmt: skip
    return HealthCardFactory(insuree=insuree, registered_facility=facility)


def verify(client, body):
    r = client.post(VERIFY, body, format="json")
    assert r.status_code == 200, r.json()
    return r.json()


# --- parsing ---------------------------------------------------------------------------------


def test_the_fixture_samples_parse():
    lan, minh, stranger = (id_card_parse(text) for text in id_card_samples())

    assert (lan.national_id, lan.full_name, lan.date_of_birth, lan.gender) == (
        "001190012345", "Nguyễn Thị Lan", date(1990, 5, 12), "female",
    )  # fmt: skip
    assert (minh.national_id, minh.date_of_birth, minh.gender) == (
        "001088012346", date(1988, 2, 20), "male",
    )  # fmt: skip
    assert stranger.national_id == "079301009999"


def test_nfd_text_and_surrounding_whitespace_are_normalised():
    nfd = unicodedata.normalize("NFD", LAN_TEXT)
    assert nfd != LAN_TEXT  # the sample has combining accents in NFD

    parsed = id_card_parse(f"  {nfd}\r\n")

    assert parsed.full_name == "Nguyễn Thị Lan"
    assert parsed.gender == "female"
    assert looks_like_id_card(f" {nfd}\n")


@pytest.mark.parametrize(
    "text",
    [
        "001190012345|012345678|Nguyễn Thị Lan|12051990|Nữ|Hà Nội",  # six fields
        "001190012345|012345678|Nguyễn Thị Lan|1990-05-12|Nữ|Hà Nội|15032021",  # date shape
        "001190012345|012345678|Nguyễn Thị Lan|31021990|Nữ|Hà Nội|15032021",  # no such day
        "001190012345|012345678|Nguyễn Thị Lan|12051990|F|Hà Nội|15032021",  # gender
        "001190012345|0123|Nguyễn Thị Lan|12051990|Nữ|Hà Nội|15032021",  # old ID length
        "001190012345|012345678||12051990|Nữ|Hà Nội|15032021",  # no name
        "001190012345|012345678|Nguyễn Thị Lan|12051990|Nữ|Hà Nội|2021",  # issue date
        "999190012345|012345678|Nguyễn Thị Lan|12051990|Nữ|Hà Nội|15032021",  # province 99
    ],
)
def test_broken_id_card_text_is_malformed(text):
    with pytest.raises(IdCardMalformed):
        id_card_parse(text)


def test_paper_card_text_and_tokens_are_not_taken_for_an_id_card():
    assert not any(looks_like_id_card(text) for text in paper_samples())
    assert not looks_like_id_card("eyJhbGciOiJFZERTQSJ9.eyJjbiI6IngifQ.c2ln")
    assert not looks_like_id_card("001190012345")


# --- the identity card's QR -----------------------------------------------------------------


def test_the_demo_citizens_id_card_is_valid_and_logged_as_a_scan(
    clinic_client, clinic_user, facility, lan
):
    body = verify(clinic_client, {"qr": LAN_TEXT})

    assert (body["result"], body["source"]) == ("valid", "id_card"), body
    assert body["card"]["card_number"] == lan.card_number
    assert body["card"]["full_name"] == "Nguyễn Thị Lan"
    assert "address" not in body["card"]
    scan = ScanEvent.objects.get(pk=body["scan_id"])
    assert (scan.card_id, scan.source, scan.result) == (lan.pk, "id_card", "valid")
    assert (scan.facility_id, scan.operator_id) == (facility.pk, clinic_user.pk)


def test_an_empty_old_id_and_extra_trailing_fields_are_accepted(clinic_client, minh):
    assert MINH_TEXT.split("|")[1] == ""
    assert len(MINH_TEXT.split("|")) > 7

    body = verify(clinic_client, {"qr": MINH_TEXT})

    assert (body["result"], body["source"]) == ("valid", "id_card"), body
    assert body["card"]["card_number"] == minh.card_number


def test_nfd_text_from_a_scanner_verifies(clinic_client, lan):
    body = verify(clinic_client, {"qr": unicodedata.normalize("NFD", LAN_TEXT) + "\r\n"})

    assert body["result"] == "valid", body


def test_an_unknown_national_id_is_unknown_card_and_not_logged(clinic_client, lan):
    body = verify(clinic_client, {"qr": STRANGER_TEXT})

    assert body == {"result": "unknown_card", "source": "id_card", "scan_id": None, "card": None}
    assert ScanEvent.objects.count() == 0


def test_a_person_without_a_card_is_unknown_card(clinic_client):
    InsureeFactory(national_id="001190012345", date_of_birth=date(1990, 5, 12))

    assert verify(clinic_client, {"qr": LAN_TEXT})["result"] == "unknown_card"


def test_a_mismatched_name_is_mismatch_shows_no_record_and_is_logged(clinic_client, lan):
    text = LAN_TEXT.replace("Nguyễn Thị Lan", "Nguyễn Thị Hoa")

    body = verify(clinic_client, {"qr": text})

    assert (body["result"], body["source"], body["card"]) == ("mismatch", "id_card", None)
    assert ScanEvent.objects.get(pk=body["scan_id"]).result == "mismatch"


def test_a_mismatched_birth_date_is_mismatch(clinic_client, lan):
    body = verify(clinic_client, {"qr": LAN_TEXT.replace("|12051990|", "|13051990|")})

    assert body["result"] == "mismatch"


def test_names_compare_without_case_or_accents(clinic_client, lan):
    body = verify(clinic_client, {"qr": LAN_TEXT.replace("Nguyễn Thị Lan", "NGUYEN  THI LAN")})

    assert body["result"] == "valid", body


def test_the_card_status_still_decides(clinic_client, lan):
    lan.status = CardStatus.SUSPENDED
    lan.save()

    body = verify(clinic_client, {"qr": LAN_TEXT})

    assert (body["result"], body["card"]["status"]) == ("suspended", "suspended")


def test_the_most_recent_card_answers(clinic_client, lan, facility):
    lan.status = CardStatus.EXPIRED
    lan.issued_on = date(2020, 1, 1)
    lan.save()
    newer = HealthCardFactory(
        insuree=lan.insuree, beneficiary_group="GD", registered_facility=facility,
        issued_on=date(2026, 2, 1),
    )  # fmt: skip

    body = verify(clinic_client, {"qr": LAN_TEXT})

    assert (body["result"], body["card"]["card_number"]) == ("valid", newer.card_number)


def test_a_broken_id_card_text_is_malformed_with_its_source(clinic_client, lan):
    body = verify(clinic_client, {"qr": "001190012345|012345678|Nguyễn Thị Lan|12051990|X|a|b"})

    assert body == {"result": "malformed", "source": "id_card", "scan_id": None, "card": None}


def test_the_holder_sees_and_is_told_of_an_id_card_scan(
    clinic_client, lan, django_capture_on_commit_callbacks
):
    from healthcards.tasks import scans_notify_pending_task

    holder = UserFactory(insuree=lan.insuree)
    body = verify(clinic_client, {"qr": LAN_TEXT})

    with django_capture_on_commit_callbacks(execute=True):
        scans_notify_pending_task.delay()  # scan notices are batched by the beat task

    note = Notification.objects.get(user=holder)
    assert note.kind == "healthcard_scanned"
    assert note.data["scan_id"] == body["scan_id"]
    holder_client = _client(holder)
    scans = holder_client.get(f"/api/v1/healthcards/{lan.pk}/scans").json()["results"]
    assert [scan["id"] for scan in scans] == [body["scan_id"]]


def _client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


# --- typed numbers ---------------------------------------------------------------------------


def test_a_typed_national_id_with_birth_date_is_valid(clinic_client, lan):
    body = verify(clinic_client, {"national_id": "001190012345", "date_of_birth": "1990-05-12"})

    assert (body["result"], body["source"]) == ("valid", "typed"), body
    assert body["card"]["card_number"] == lan.card_number
    assert ScanEvent.objects.get(pk=body["scan_id"]).source == "typed"


def test_spaces_typed_inside_a_number_are_ignored(clinic_client, lan):
    body = verify(
        clinic_client, {"national_id": " 001 190 012 345 ", "date_of_birth": "1990-05-12"}
    )

    assert body["result"] == "valid", body


def test_a_typed_social_insurance_number_is_valid(clinic_client, lan):
    body = verify(
        clinic_client, {"social_insurance_number": "0123456789", "date_of_birth": "1990-05-12"}
    )

    assert (body["result"], body["source"]) == ("valid", "typed"), body


def test_the_national_id_typed_as_social_insurance_number_is_accepted(clinic_client, lan):
    body = verify(
        clinic_client, {"social_insurance_number": "001190012345", "date_of_birth": "1990-05-12"}
    )

    assert body["result"] == "valid", body


def test_a_typed_number_with_another_birth_date_is_mismatch(clinic_client, lan):
    body = verify(clinic_client, {"national_id": "001190012345", "date_of_birth": "1990-05-13"})

    assert (body["result"], body["source"], body["card"]) == ("mismatch", "typed", None)
    assert ScanEvent.objects.get(pk=body["scan_id"]).result == "mismatch"


def test_an_unknown_typed_number_is_unknown_card(clinic_client, lan):
    body = verify(clinic_client, {"national_id": "079301009999", "date_of_birth": "1975-01-01"})

    assert body == {"result": "unknown_card", "source": "typed", "scan_id": None, "card": None}


@pytest.mark.parametrize(
    "body",
    [
        {"national_id": "12345", "date_of_birth": "1990-05-12"},
        {"national_id": "0123456789", "date_of_birth": "1990-05-12"},  # a SIN as national_id
        {"social_insurance_number": "01234567890", "date_of_birth": "1990-05-12"},
    ],
)
def test_a_typed_number_of_the_wrong_shape_is_malformed(clinic_client, lan, body):
    answer = verify(clinic_client, body)

    assert answer == {"result": "malformed", "source": "typed", "scan_id": None, "card": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"national_id": "001190012345"}, "date_of_birth"),
        ({"national_id": "001190012345", "date_of_birth": "12/05/1990"}, "date_of_birth"),
        ({"national_id": 1190012345, "date_of_birth": "1990-05-12"}, "national_id"),
        ({"qr": LAN_TEXT, "national_id": "001190012345", "date_of_birth": "1990-05-12"}, None),
        ({"date_of_birth": "1990-05-12"}, None),
    ],
)
def test_typed_request_shape_errors_are_400_problems(clinic_client, body, field):
    r = clinic_client.post(VERIFY, body, format="json")

    assert r.status_code == 400, r.json()
    assert r["Content-Type"].startswith("application/problem+json")
    if field is not None:
        assert field in [error["field"] for error in r.json()["errors"]], r.json()


def test_typed_lookups_have_their_own_per_operator_limit(monkeypatch, clinic_client, lan):
    from api.throttles import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "clinic_lookup", "3/min")
    typed = {"national_id": "001190012345", "date_of_birth": "1990-05-12"}
    for _ in range(3):
        assert clinic_client.post(VERIFY, typed, format="json").status_code == 200

    refused = clinic_client.post(VERIFY, typed, format="json")
    scanned = clinic_client.post(VERIFY, {"qr": LAN_TEXT}, format="json")

    assert refused.status_code == 429, refused.json()
    assert scanned.status_code == 200, scanned.json()  # scans are not typed lookups
    other = UserFactory(role="clinic", insuree=None)
    from healthcards.models import ClinicOperator

    ClinicOperator.objects.create(user=other, facility=lan.registered_facility)
    assert _client(other).post(VERIFY, typed, format="json").status_code == 200


def test_every_answer_names_its_source(clinic_client, citizen_client, card):
    token = citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr").json()["payload"]

    assert verify(clinic_client, {"qr": token})["source"] == "signed_qr"
    assert verify(clinic_client, {"qr": paper_samples()[0]})["source"] == "paper_card"
    assert verify(clinic_client, {"qr": "hello"})["source"] is None


@pytest.mark.parametrize(
    "body",
    [{"qr": LAN_TEXT}, {"national_id": "001190012345", "date_of_birth": "1990-05-12"}],
)
def test_an_id_card_or_typed_lookup_costs_three_queries(
    clinic_client, lan, body, django_assert_num_queries
):
    verify(clinic_client, body)  # warm the operator cache

    # the person (accounts), their current card with its facility, the scan insert
    with django_assert_num_queries(3):
        verify(clinic_client, body)
