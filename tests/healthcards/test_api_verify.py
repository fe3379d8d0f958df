"""POST /api/v1/clinic/verify: a definite result for every kind of scanned text."""

from __future__ import annotations

import base64
import json
import time
from datetime import date, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from rest_framework_simplejwt.tokens import AccessToken

from healthcards.keyring import kid_for, public_key_raw
from healthcards.models import CardStatus, ScanEvent
from healthcards.services.keys import signing_key_current
from healthcards.tokens import card_claims, token_sign
from notifications.models import Notification
from tests.accounts.factories import InsureeFactory
from tests.healthcards.factories import HealthCardFactory

pytestmark = pytest.mark.django_db(transaction=False)

VERIFY = "/api/v1/clinic/verify"


def issue(client, card) -> str:
    r = client.get(f"/api/v1/healthcards/{card.pk}/qr")
    assert r.status_code == 200, r.json()
    return r.json()["payload"]


def verify(client, text):
    r = client.post(VERIFY, {"qr": text}, format="json")
    assert r.status_code == 200, r.json()
    return r.json()


def signed_now(card, *, issued_at=None, key=None, kid=None, **overrides) -> str:
    from django.utils import timezone

    current_kid, current_key = signing_key_current()
    claims = card_claims(card, issued_at=issued_at or timezone.now())
    claims.update(overrides)
    return token_sign(claims, kid=kid or current_kid, key=key or current_key)


def test_a_fresh_qr_is_valid_with_what_the_desk_needs(
    citizen_client, clinic_client, card, clinic_user, facility
):
    token = issue(citizen_client, card)

    body = verify(clinic_client, token)

    assert body["result"] == "valid"
    shown = body["card"]
    assert shown["card_number"] == card.card_number
    assert shown["full_name"] == card.insuree.full_name
    assert shown["date_of_birth"] == "1990-01-15"
    assert shown["gender"] == "female"
    assert shown["benefit_level"] == 4
    assert shown["coverage_percent"] == 80
    assert shown["registered_facility"] == {"code": "01001", "name": facility.name}
    assert shown["at_registered_facility"] is True
    assert shown["valid_from"] == "2026-01-01"
    assert shown["valid_to"] == "2099-12-31"
    assert shown["five_year_date"] == "2028-07-01"
    assert "address" not in shown
    scan = ScanEvent.objects.get(pk=body["scan_id"])
    assert (scan.card_id, scan.insuree_id) == (card.pk, card.insuree_id)
    assert (scan.facility_id, scan.operator_id, scan.result) == (
        facility.pk,
        clinic_user.pk,
        "valid",
    )


def test_a_line_break_appended_by_the_scanner_is_ignored(citizen_client, clinic_client, card):
    token = issue(citizen_client, card)

    assert verify(clinic_client, f" {token}\r\n")["result"] == "valid"


def test_the_holder_is_notified_of_the_scan(
    citizen, citizen_client, clinic_client, card, django_capture_on_commit_callbacks
):
    from healthcards.tasks import scans_notify_pending_task

    token = issue(citizen_client, card)
    body = verify(clinic_client, token)

    with django_capture_on_commit_callbacks(execute=True):
        scans_notify_pending_task.delay()

    note = Notification.objects.get(user=citizen)
    assert note.kind == "healthcard_scanned"
    assert note.category == "healthcard"
    assert note.data["scan_id"] == body["scan_id"]
    assert note.insuree_id == card.insuree_id


def test_a_childs_scan_is_told_to_the_parents_with_accounts(
    clinic_client, facility, django_capture_on_commit_callbacks
):
    from accounts.models import HouseholdRelation
    from tests.accounts.factories import HouseholdFactory, UserFactory

    household = HouseholdFactory()
    mother = UserFactory(
        insuree=InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    )
    father = UserFactory(
        insuree=InsureeFactory(household=household, household_relation=HouseholdRelation.SPOUSE)
    )
    child = InsureeFactory(
        household=household, household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2022, 9, 3),
    )  # fmt: skip
    card = HealthCardFactory(
        insuree=child, beneficiary_group="TE", benefit_level=1, registered_facility=facility
    )

    from healthcards.tasks import scans_notify_pending_task

    verify(clinic_client, signed_now(card))
    with django_capture_on_commit_callbacks(execute=True):
        scans_notify_pending_task.delay()

    told = set(Notification.objects.values_list("user_id", "insuree_id"))
    # each notice lives with its reader's inbox (the partition key is the reader's insuree)
    assert told == {(mother.pk, mother.insuree_id), (father.pk, father.insuree_id)}


def test_another_facility_sees_it_is_not_the_registered_one(
    citizen_client, clinic_client, citizen, other_facility
):
    card = HealthCardFactory(insuree=citizen.insuree, registered_facility=other_facility)

    body = verify(clinic_client, issue(citizen_client, card))

    assert body["result"] == "valid"
    assert body["card"]["at_registered_facility"] is False


def test_an_expired_token_is_expired_and_logged(clinic_client, card, settings):
    from django.utils import timezone

    token = signed_now(
        card, issued_at=timezone.now() - timedelta(seconds=settings.HEALTHCARD_QR_TTL + 60)
    )

    body = verify(clinic_client, token)

    assert body["result"] == "expired"
    assert body["card"]["card_number"] == card.card_number
    assert ScanEvent.objects.get(pk=body["scan_id"]).result == "expired"


def test_an_expired_card_is_expired(clinic_client, card):
    token = signed_now(card)
    card.valid_to = date(2020, 1, 1)
    card.save()

    assert verify(clinic_client, token)["result"] == "expired"


@pytest.mark.parametrize("status_value", [CardStatus.REVOKED, CardStatus.SUSPENDED])
def test_a_card_revoked_or_suspended_after_issue_answers_its_status(
    citizen_client, clinic_client, card, status_value
):
    token = issue(citizen_client, card)
    card.status = status_value
    card.save()

    body = verify(clinic_client, token)

    assert body["result"] == status_value
    assert ScanEvent.objects.get(pk=body["scan_id"]).result == status_value


def test_a_well_signed_token_for_a_card_we_do_not_have_is_unknown_card(clinic_client, card):
    token = signed_now(card, cn="DN4019999999999")

    body = verify(clinic_client, token)

    assert body == {
        "result": "unknown_card", "source": "signed_qr", "scan_id": None, "card": None
    }  # fmt: skip
    assert ScanEvent.objects.count() == 0


def test_a_forged_signature_is_bad_signature(clinic_client, card):
    forger = Ed25519PrivateKey.generate()
    kid, _ = signing_key_current()

    body = verify(clinic_client, signed_now(card, key=forger, kid=kid))

    assert body == {
        "result": "bad_signature", "source": "signed_qr", "scan_id": None, "card": None
    }  # fmt: skip
    assert ScanEvent.objects.count() == 0


def test_tampered_claims_are_bad_signature(citizen_client, clinic_client, card):
    header, claims, signature = issue(citizen_client, card).split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    decoded["bl"] = 1
    forged = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()

    assert verify(clinic_client, f"{header}.{forged}.{signature}")["result"] == "bad_signature"


def test_an_unknown_kid_is_bad_signature(clinic_client, card):
    stranger = Ed25519PrivateKey.generate()
    kid = kid_for(public_key_raw(stranger))

    assert verify(clinic_client, signed_now(card, key=stranger, kid=kid))["result"] == (
        "bad_signature"
    )


def test_a_token_for_another_audience_is_malformed(clinic_client, card):
    assert verify(clinic_client, signed_now(card, aud="vss-api"))["result"] == "malformed"


def test_a_token_without_a_card_number_is_malformed(clinic_client, card):
    assert verify(clinic_client, signed_now(card, cn=12))["result"] == "malformed"


def test_an_api_access_token_never_verifies_as_a_card(clinic_client, citizen, card):
    access = str(AccessToken.for_user(citizen))

    body = verify(clinic_client, access)

    assert body["result"] == "malformed"
    assert body["card"] is None


def test_an_alg_none_token_is_malformed(clinic_client, card):
    token = jwt.encode(
        {"cn": card.card_number}, None, algorithm="none", headers={"typ": "vss-hc+jwt"}
    )

    assert verify(clinic_client, token)["result"] == "malformed"


def test_a_qr_token_is_never_accepted_as_an_api_token(api_client, citizen_client, card):
    token = issue(citizen_client, card)

    r = api_client.get("/api/v1/healthcards/", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert r.status_code == 401, r.json()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "garbage",
        "a.b.c",
        "eyJhbGciOiJFZERTQSJ9.e30.x",
        "Nguyễn Thị Lan|09/09/1999|$",
        "thẻ BHYT ✓ 健康",
        "DN4010123456789|zz|01/01/1990|2|-|01 - 001|01/01/2025|-|01/01/2025|01|-|4|-|x|$",
        " " * 10,
    ],
)
def test_garbage_is_malformed_and_not_logged(clinic_client, card, text):
    body = verify(clinic_client, text)

    assert (body["result"], body["scan_id"], body["card"]) == ("malformed", None, None)
    assert body["source"] in (None, "signed_qr", "paper_card")  # what the text looked like
    assert ScanEvent.objects.count() == 0


def test_a_one_megabyte_string_is_refused_quickly(clinic_client):
    started = time.monotonic()

    r = clinic_client.post(VERIFY, {"qr": "A" * 1_000_000}, format="json")

    assert r.status_code == 400, r.content[:200]
    assert r.json()["errors"][0]["field"] == "qr"
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{}", "application/json"),
        ('{"qr": 42}', "application/json"),
        ('{"qr": null}', "application/json"),
        ('{"qr": ["x"]}', "application/json"),
        ("not json", "application/json"),
        ("[1]", "application/json"),
        ("qr=x", "application/x-www-form-urlencoded"),
    ],
)
def test_request_shape_errors_are_400_problems(clinic_client, body, content_type):
    r = clinic_client.generic("POST", VERIFY, body, content_type=content_type)

    assert r.status_code in (400, 415), r.content
    assert r["Content-Type"].startswith("application/problem+json")


def test_a_citizen_calling_verify_is_403(citizen_client, card):
    r = citizen_client.post(VERIFY, {"qr": "x"}, format="json")

    assert r.status_code == 403, r.json()


def test_a_clinic_account_without_a_facility_is_403(clinic_user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(clinic_user)

    r = client.post(VERIFY, {"qr": "x"}, format="json")

    assert r.status_code == 403, r.json()
    assert r.json()["code"] == "clinic_without_facility"


def test_verify_costs_two_queries(citizen_client, clinic_client, card, django_assert_num_queries):
    token = issue(citizen_client, card)
    verify(clinic_client, token)  # warm the key and operator caches

    # the card with holder and facility, the scan insert; the holder's notification is a task
    # after commit
    with django_assert_num_queries(2):
        verify(clinic_client, token)


def test_an_own_card_qr_costs_one_query(citizen_client, card, django_assert_num_queries):
    for _ in range(2):  # the first signs and draws, the second reloads the new key set
        citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr?format=png")

    with django_assert_num_queries(1):
        r = citizen_client.get(f"/api/v1/healthcards/{card.pk}/qr?format=png")

    assert r.status_code == 200


def test_non_ascii_in_a_signed_name_survives(citizen_client, clinic_client, db, facility):
    from rest_framework.test import APIClient

    from tests.accounts.factories import UserFactory

    person = InsureeFactory(full_name="Đặng Thị Ngọc Ánh")
    user = UserFactory(insuree=person)
    client = APIClient()
    client.force_authenticate(user)
    card = HealthCardFactory(insuree=person, registered_facility=facility)

    body = verify(clinic_client, issue(client, card))

    assert body["result"] == "valid"
    assert body["card"]["full_name"] == "Đặng Thị Ngọc Ánh"


def test_batched_scan_notifications_wait_for_the_beat_task_and_never_repeat(
    citizen, citizen_client, clinic_client, card, settings, django_capture_on_commit_callbacks
):
    from healthcards.models import ScanEvent
    from healthcards.tasks import scans_notify_pending_task

    token = issue(citizen_client, card)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = verify(clinic_client, token)
        second = verify(clinic_client, token)

    assert callbacks == [], "a batched verify schedules nothing on the broker"
    assert not Notification.objects.filter(user=citizen).exists()
    assert ScanEvent.objects.filter(notified_at__isnull=True).count() == 2

    assert scans_notify_pending_task.delay().get() == 2

    notes = Notification.objects.filter(user=citizen, kind="healthcard_scanned")
    assert {note.data["scan_id"] for note in notes} == {first["scan_id"], second["scan_id"]}
    assert ScanEvent.objects.filter(notified_at__isnull=True).count() == 0
    assert scans_notify_pending_task.delay().get() == 0
    assert notes.count() == 2


def test_batched_verify_costs_two_queries(
    citizen_client, clinic_client, card, settings, django_assert_num_queries
):
    token = issue(citizen_client, card)
    verify(clinic_client, token)

    with django_assert_num_queries(2):
        verify(clinic_client, token)


def test_a_broker_outage_does_not_fail_the_verify(
    citizen_client, clinic_client, card, settings, broker_down, django_capture_on_commit_callbacks
):
    token = issue(citizen_client, card)

    with django_capture_on_commit_callbacks(execute=True):
        r = clinic_client.post(VERIFY, {"qr": token}, format="json")

    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "valid"


def _scans_of_holders(clinic_client, facility, count):
    from tests.accounts.factories import UserFactory

    holders = [UserFactory() for _ in range(count)]
    for holder in holders:
        card = HealthCardFactory(insuree=holder.insuree, registered_facility=facility)
        verify(clinic_client, signed_now(card))
        verify(clinic_client, signed_now(card))
    return holders


def _queries_of(callable_) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_batch_job_does_not_query_per_scan(clinic_client, facility, settings):
    from accounts.models import HouseholdRelation
    from healthcards.services.cards import scans_notify_pending
    from tests.accounts.factories import HouseholdFactory, UserFactory

    household = HouseholdFactory()
    parent = UserFactory(
        insuree=InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    )
    child = InsureeFactory(
        household=household, household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2022, 9, 3),
    )  # fmt: skip
    child_card = HealthCardFactory(
        insuree=child, beneficiary_group="TE", benefit_level=1, registered_facility=facility
    )

    few = _scans_of_holders(clinic_client, facility, 2)
    verify(clinic_client, signed_now(child_card))
    queries_for_few = _queries_of(scans_notify_pending)
    many = _scans_of_holders(clinic_client, facility, 8)
    verify(clinic_client, signed_now(child_card))
    queries_for_many = _queries_of(scans_notify_pending)

    # 5 and 17 scans: the same queries (holders' accounts in one; only the child's parents are
    # looked up per card, as a child has no account of their own)
    assert queries_for_many == queries_for_few
    told = Notification.objects.filter(kind="healthcard_scanned")
    assert told.count() == 22
    assert set(told.values_list("user_id", flat=True)) == {h.pk for h in few + many} | {parent.pk}
