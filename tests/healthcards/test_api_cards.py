"""The citizen's cards, their scan log, "not me", and support reinstating a card."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent, HouseholdRelation
from healthcards.models import CardCase, CardStatus, ScanEvent
from healthcards.services.cards import card_issue
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/healthcards/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def family(db, facility):
    household = HouseholdFactory()
    parent = InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    child = InsureeFactory(
        household=household, household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2022, 9, 3), full_name="Trần Gia Bảo",
    )  # fmt: skip
    adult_child = InsureeFactory(
        household=household, household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2000, 1, 1),
    )  # fmt: skip
    cards = {
        "parent": HealthCardFactory(insuree=parent, registered_facility=facility),
        "child": HealthCardFactory(
            insuree=child, beneficiary_group="TE", benefit_level=1, registered_facility=facility
        ),
        "adult_child": HealthCardFactory(insuree=adult_child, registered_facility=facility),
    }
    return UserFactory(insuree=parent), cards


def scan(card, facility, operator, minutes_ago=0, result="valid"):
    return ScanEvent.objects.create(
        card=card, insuree_id=card.insuree_id, facility=facility, operator=operator,
        scanned_at=timezone.now() - timedelta(minutes=minutes_ago), result=result,
        source="signed_qr",
    )  # fmt: skip


def test_list_shows_own_and_minor_childrens_cards(family, django_assert_max_num_queries):
    user, cards = family

    with django_assert_max_num_queries(6):
        r = client_for(user).get(LIST, HTTP_ACCEPT_LANGUAGE="en")

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["id"] for row in rows] == [str(cards["parent"].pk), str(cards["child"].pk)]
    own, child = rows
    assert own["relation"] == "self"
    assert child["relation"] == "child"
    assert child["holder_name"] == "Trần Gia Bảo"
    assert child["card_number"].startswith("TE1")
    assert (own["benefit_level"], own["coverage_percent"]) == (4, 80)
    assert own["coverage"].startswith("80% of covered costs at your registered facility")
    assert "15% of the base salary" in own["coverage"]
    assert child["coverage_percent"] == 100
    assert own["registered_facility"] == {"code": "01001", "name": "Bệnh viện Đa khoa Đống Đa"}
    assert own["status"] == "active"
    for key in ("valid_from", "valid_to", "five_year_date", "issued_on"):
        assert key in own


def test_list_query_count_does_not_grow_with_cards(family, facility, django_assert_max_num_queries):
    user, _ = family
    for group in ("HN", "GD", "HS", "SV", "CN"):
        HealthCardFactory(
            insuree=user.insuree, beneficiary_group=group, registered_facility=facility
        )

    with django_assert_max_num_queries(6):
        r = client_for(user).get(LIST)

    assert r.status_code == 200, r.json()
    assert r.json()["count"] == 7


def test_coverage_is_explained_in_vietnamese_on_request(family):
    user, _ = family

    r = client_for(user).get(LIST, HTTP_ACCEPT_LANGUAGE="vi")

    assert r.json()["results"][0]["coverage"].startswith("80% chi phí")


def test_an_expired_card_lists_as_expired(citizen, citizen_client, card):
    card.valid_to = date(2020, 1, 1)
    card.save()

    assert citizen_client.get(LIST).json()["results"][0]["status"] == "expired"


def test_staff_have_no_card_list(support_client):
    assert support_client.get(LIST).status_code == 403


def test_scans_are_listed_newest_first_with_facility_and_result(
    citizen_client, card, facility, clinic_user, django_assert_max_num_queries
):
    for minutes in range(3):
        scan(card, facility, clinic_user, minutes_ago=minutes * 10)

    with django_assert_max_num_queries(4):
        r = citizen_client.get(f"{LIST}{card.pk}/scans?page_size=2")

    assert r.status_code == 200, r.json()
    body = r.json()
    assert len(body["results"]) == 2
    first = body["results"][0]
    assert set(first) == {"id", "facility", "scanned_at", "result"}
    assert first["facility"] == {"code": "01001", "name": facility.name}
    assert first["scanned_at"] > body["results"][1]["scanned_at"]
    rest = citizen_client.get(body["next"]).json()
    assert len(rest["results"]) == 1


def test_scans_of_someone_elses_card_are_404(citizen_client, stranger_card):
    assert citizen_client.get(f"{LIST}{stranger_card.pk}/scans").status_code == 404


def test_not_me_suspends_the_card_opens_a_case_and_audits(
    citizen, citizen_client, clinic_client, card, facility, clinic_user
):
    qr = citizen_client.get(f"{LIST}{card.pk}/qr").json()["payload"]
    event = scan(card, facility, clinic_user)

    r = citizen_client.post(
        f"{LIST}{card.pk}/scans/{event.pk}/not-me", {"comment": "I was at home"}, format="json"
    )

    assert r.status_code == 201, r.json()
    assert r.json()["card_status"] == "suspended"
    card.refresh_from_db()
    assert (card.status, card.suspended_reason) == (CardStatus.SUSPENDED, "not_me")
    case = CardCase.objects.get(pk=r.json()["case_id"])
    assert (case.scan_id, case.opened_by_id, case.status) == (event.pk, citizen.pk, "open")
    audit = AuditEvent.objects.get(action="healthcard.scan_not_me")
    assert audit.actor_id == citizen.pk
    assert audit.target_insuree_id == card.insuree_id
    # the QR issued before is refused by clinics, and no new QR is issued
    verdict = clinic_client.post("/api/v1/clinic/verify", {"qr": qr}, format="json").json()
    assert verdict["result"] == "suspended"
    refused = citizen_client.get(f"{LIST}{card.pk}/qr")
    assert refused.status_code == 409
    assert refused.json()["code"] == "card_suspended"


def test_the_same_scan_cannot_be_reported_twice(citizen_client, card, facility, clinic_user):
    event = scan(card, facility, clinic_user)
    url = f"{LIST}{card.pk}/scans/{event.pk}/not-me"
    assert citizen_client.post(url, {}, format="json").status_code == 201

    r = citizen_client.post(url, {}, format="json")

    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "scan_already_reported"


def test_not_me_on_someone_elses_scan_or_card_is_404(
    citizen_client, card, stranger_card, facility, clinic_user
):
    foreign = scan(stranger_card, facility, clinic_user)

    wrong_card = citizen_client.post(f"{LIST}{stranger_card.pk}/scans/{foreign.pk}/not-me")
    wrong_scan = citizen_client.post(f"{LIST}{card.pk}/scans/{foreign.pk}/not-me")

    assert wrong_card.status_code == 404
    assert wrong_scan.status_code == 404
    stranger_card.refresh_from_db()
    assert stranger_card.status == CardStatus.ACTIVE


def test_support_reinstates_with_a_reason(
    citizen_client, clinic_client, card, facility, clinic_user, support_client
):
    event = scan(card, facility, clinic_user)
    citizen_client.post(f"{LIST}{card.pk}/scans/{event.pk}/not-me")

    r = support_client.post(
        f"/api/v1/support/cards/{card.pk}/reinstate",
        {"reason": "Called the holder; the clinic scanned the wrong phone."},
        format="json",
    )

    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "active"
    card.refresh_from_db()
    assert (card.status, card.suspended_reason) == (CardStatus.ACTIVE, "")
    case = CardCase.objects.get(card=card)
    assert case.status == "resolved"
    assert case.resolution.startswith("Called the holder")
    audit = AuditEvent.objects.get(action="healthcard.reinstate")
    assert audit.reason.startswith("Called the holder")
    assert audit.actor_role == "support"
    qr = citizen_client.get(f"{LIST}{card.pk}/qr")
    assert qr.status_code == 200, qr.json()
    verdict = clinic_client.post(
        "/api/v1/clinic/verify", {"qr": qr.json()["payload"]}, format="json"
    )
    assert verdict.json()["result"] == "valid"


def test_reinstate_needs_a_reason_and_a_suspended_card(support_client, card):
    url = f"/api/v1/support/cards/{card.pk}/reinstate"

    no_reason = support_client.post(url, {}, format="json")
    not_suspended = support_client.post(url, {"reason": "because"}, format="json")

    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert not_suspended.status_code == 409
    assert not_suspended.json()["code"] == "card_not_suspended"


def test_only_support_reinstates(citizen_client, clinic_client, card):
    url = f"/api/v1/support/cards/{card.pk}/reinstate"
    for client in (citizen_client, clinic_client):
        assert client.post(url, {"reason": "x"}, format="json").status_code == 403


def test_reinstating_an_unknown_card_is_404(support_client):
    r = support_client.post(
        "/api/v1/support/cards/00000000-0000-0000-0000-000000000000/reinstate",
        {"reason": "x"},
        format="json",
    )
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("DN4010123456789", True),
        ("TE1010123456789", True),
        ("dn4010123456789", False),  # lower case
        ("DN6010123456789", False),  # benefit level 6
        ("DN0010123456789", False),  # benefit level 0
        ("DN401012345678", False),  # 14 characters
        ("DN40101234567890", False),  # 16 characters
        ("D14010123456789", False),  # digit in the group
        ("ZZ4010123456789", False),  # unknown group
        ("DN4010123456788", False),  # last 10 digits are not the holder's SIN
        ("DN3010123456789", False),  # benefit digit differs from the card's level
        ("DN4790123456789", False),  # province differs from the card's province
    ],
)
def test_card_number_structure(db, facility, number, ok):
    holder = InsureeFactory(social_insurance_number="0123456789")
    card = HealthCardFactory.build(
        insuree=holder, card_number=number, beneficiary_group=number[:2] if ok else "DN",
        benefit_level=4 if not ok else int(number[2]), province_code="01",
        registered_facility=facility,
    )  # fmt: skip
    if ok:
        card.full_clean()
    else:
        with pytest.raises(ValidationError):
            card.full_clean()


def test_card_issue_composes_the_number(db, facility):
    holder = InsureeFactory(social_insurance_number="0123456791")

    card = card_issue(
        insuree=holder, beneficiary_group="TE", benefit_level=1,
        registered_facility=facility, valid_from=date(2026, 1, 1),
    )  # fmt: skip

    assert card.card_number == "TE1010123456791"
    assert card.coverage_percent == 100
