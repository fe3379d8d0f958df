"""GET clinic/scans (the facility's own scans) and the support queue of "not me" cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from api.roles import Role
from healthcards.models import CardCase, CardStatus, ClinicOperator, ScanEvent
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db

SCANS = "/api/v1/clinic/scans"
CASES = "/api/v1/support/cases"


def scan(card, facility, operator, *, minutes_ago=0, result="valid", source="signed_qr"):
    return ScanEvent.objects.create(
        card=card, insuree_id=card.insuree_id, facility=facility, operator=operator,
        scanned_at=timezone.now() - timedelta(minutes=minutes_ago), result=result, source=source,
        notified_at=timezone.now(),
    )  # fmt: skip


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_operator(other_facility):
    user = UserFactory(role=Role.CLINIC, insuree=None, username="clinic.other")
    ClinicOperator.objects.create(user=user, facility=other_facility)
    return user


# --- clinic/scans ----------------------------------------------------------------------------


def test_the_facility_sees_its_own_scans_newest_first(
    clinic_client, clinic_user, facility, card, stranger_card
):
    older = scan(card, facility, clinic_user, minutes_ago=5, source="paper_card")
    newer = scan(stranger_card, facility, clinic_user, minutes_ago=1, source="id_card")

    r = clinic_client.get(SCANS)

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["id"] for row in rows] == [str(newer.pk), str(older.pk)]
    assert rows[1] == {
        "id": str(older.pk),
        "scanned_at": rows[1]["scanned_at"],
        "operator": {"username": clinic_user.username, "full_name": clinic_user.full_name},
        "source": "paper_card",
        "result": "valid",
        "card_number": card.card_number,
        "holder_name": card.insuree.full_name,
    }


def test_another_facilitys_scans_never_appear(
    clinic_client, clinic_user, facility, other_facility, other_operator, card
):
    mine = scan(card, facility, clinic_user)
    theirs = scan(card, other_facility, other_operator)

    own = [row["id"] for row in clinic_client.get(SCANS).json()["results"]]
    other = [row["id"] for row in client_for(other_operator).get(SCANS).json()["results"]]

    assert own == [str(mine.pk)]
    assert other == [str(theirs.pk)]


def test_a_mismatch_shows_neither_card_number_nor_name(clinic_client, clinic_user, facility, card):
    scan(card, facility, clinic_user, result="mismatch", source="typed")

    row = clinic_client.get(SCANS).json()["results"][0]

    assert (row["result"], row["card_number"], row["holder_name"]) == ("mismatch", None, None)


def test_scans_are_cursor_paginated(clinic_client, clinic_user, facility, card):
    made = [scan(card, facility, clinic_user, minutes_ago=i) for i in range(5)]

    first = clinic_client.get(SCANS, {"page_size": 3}).json()
    second = clinic_client.get(first["next"]).json()

    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [str(s.pk) for s in made]
    assert second["next"] is None


def test_a_verify_shows_up_in_the_list(clinic_client, citizen_client, card):
    token = citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr").json()["payload"]
    scan_id = clinic_client.post("/api/v1/clinic/verify", {"qr": token}, format="json").json()[
        "scan_id"
    ]

    assert clinic_client.get(SCANS).json()["results"][0]["id"] == scan_id


def test_the_scan_list_costs_a_fixed_number_of_queries(
    clinic_client, clinic_user, facility, django_assert_max_num_queries
):
    for _ in range(20):
        scan(HealthCardFactory(insuree=InsureeFactory(), registered_facility=facility), facility,
             clinic_user)  # fmt: skip
    clinic_client.get(SCANS)  # warm the operator cache

    with django_assert_max_num_queries(1):
        r = clinic_client.get(SCANS)

    assert len(r.json()["results"]) == 20


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.SUPPORT, Role.AGENCY])
def test_only_clinic_operators_read_scans(db, role):
    insuree = InsureeFactory() if role == Role.CITIZEN else None
    assert client_for(UserFactory(role=role, insuree=insuree)).get(SCANS).status_code == 403


def test_a_clinic_account_without_a_facility_is_403(clinic_user):
    r = client_for(clinic_user).get(SCANS)

    assert (r.status_code, r.json()["code"]) == (403, "clinic_without_facility")


# --- support/cases ---------------------------------------------------------------------------


def report(card, facility, operator, holder, *, minutes_ago=0):
    scanned = scan(card, facility, operator, minutes_ago=minutes_ago)
    return CardCase.objects.create(
        card=card, insuree_id=card.insuree_id, scan=scanned, kind="not_me", opened_by=holder,
        created_at=timezone.now() - timedelta(minutes=minutes_ago), comment="not me",
    )  # fmt: skip


@pytest.fixture
def cases(citizen, clinic_user, facility, card, stranger_card):
    stranger = UserFactory(insuree=stranger_card.insuree)
    return [
        report(card, facility, clinic_user, citizen, minutes_ago=30),
        report(stranger_card, facility, clinic_user, stranger, minutes_ago=10),
    ]


def test_support_sees_open_cases_oldest_first_and_the_read_is_audited(support_client, cases):
    r = support_client.get(CASES)

    assert r.status_code == 200, r.json()
    rows = r.json()["results"]
    assert [row["id"] for row in rows] == [str(case.pk) for case in cases]
    first = rows[0]
    assert first["card_number"] == cases[0].card.card_number
    assert first["holder_name"] == cases[0].card.insuree.full_name
    assert first["scan"]["facility"]["code"] == "01001"
    assert first["status"] == "open"
    assert AuditEvent.objects.filter(action="healthcard.cases_list", data__count=2).exists()


def test_closing_a_case_needs_a_reason_is_audited_and_leaves_the_card(support_client, cases):
    case = cases[0]
    case.card.status = CardStatus.SUSPENDED
    case.card.save()

    assert support_client.post(f"{CASES}/{case.pk}/close", {}, format="json").status_code == 400
    r = support_client.post(
        f"{CASES}/{case.pk}/close", {"reason": "Holder confirmed by phone"}, format="json"
    )

    assert r.status_code == 200, r.json()
    assert (r.json()["status"], r.json()["card_status"]) == ("resolved", "suspended")
    event = AuditEvent.objects.get(action="healthcard.case_close")
    assert (event.object_id, event.reason) == (str(case.pk), "Holder confirmed by phone")
    remaining = [row["id"] for row in support_client.get(CASES).json()["results"]]
    assert remaining == [str(cases[1].pk)]


def test_closing_twice_is_409(support_client, cases):
    url = f"{CASES}/{cases[0].pk}/close"
    support_client.post(url, {"reason": "done"}, format="json")

    r = support_client.post(url, {"reason": "again"}, format="json")

    assert (r.status_code, r.json()["code"]) == (409, "case_not_open")


@pytest.mark.parametrize("case_id", ["nope", "7d5f7f7e-0000-4000-8000-000000000000"])
def test_an_unknown_case_is_404(support_client, case_id):
    r = support_client.post(f"{CASES}/{case_id}/close", {"reason": "x"}, format="json")

    assert r.status_code == 404


def test_cases_are_cursor_paginated_with_a_fixed_number_of_queries(
    support_client, citizen, clinic_user, facility, django_assert_max_num_queries
):
    for i in range(12):
        card = HealthCardFactory(insuree=InsureeFactory(), registered_facility=facility)
        report(card, facility, clinic_user, citizen, minutes_ago=60 - i)

    # the page, the audit row (inside a savepoint and its release)
    with django_assert_max_num_queries(4):
        first = support_client.get(CASES, {"page_size": 5})
    second = support_client.get(first.json()["next"]).json()

    assert len(first.json()["results"]) == 5
    assert len(second["results"]) == 5


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.CLINIC, Role.AGENCY])
def test_only_support_reads_and_closes_cases(db, role, cases):
    insuree = InsureeFactory() if role == Role.CITIZEN else None
    client = client_for(UserFactory(role=role, insuree=insuree))

    assert client.get(CASES).status_code == 403
    assert client.post(f"{CASES}/{cases[0].pk}/close", {"reason": "x"}).status_code == 403
