"""After "not me": old QRs and the paper text are dead for good; the holder gets a new QR
after a code sent to the phone on file; the case stays open for support."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, OtpChallenge
from healthcards.models import CardCase, CardStatus, ScanEvent
from tests.accounts.conftest import otp_from, sms_outbox  # noqa: F401 - fixture
from tests.accounts.factories import InsureeFactory, UserFactory
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/clinic/verify"


def issue(client, card) -> str:
    r = client.get(f"/api/v1/healthcards/{card.pk}/qr")
    assert r.status_code == 200, r.json()
    return r.json()["payload"]


def verify(client, body):
    r = client.post(VERIFY, body, format="json")
    assert r.status_code == 200, r.json()
    return r.json()


def not_me(citizen_client, clinic_client, card) -> tuple[str, str]:
    """Scan once, report it; return (the QR before, the case id)."""
    before = issue(citizen_client, card)
    scan_id = verify(clinic_client, {"qr": before})["scan_id"]
    r = citizen_client.post(f"/api/v1/healthcards/{card.pk}/scans/{scan_id}/not-me")
    assert r.status_code == 201, r.json()
    return before, r.json()["case_id"]


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """POST reactivate/start and run what it scheduled after commit (the SMS)."""

    def call(client, card):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/healthcards/{card.pk}/reactivate/start")

    return call


def confirm(client, card, challenge_id, otp):
    return client.post(
        f"/api/v1/healthcards/{card.pk}/reactivate/verify",
        {"challenge_id": challenge_id, "otp": otp},
        format="json",
    )


@pytest.fixture
def reported(citizen_client, clinic_client, card):
    return not_me(citizen_client, clinic_client, card)


def test_the_holder_reactivates_by_code_old_qr_stays_dead_new_one_verifies(
    start,
    citizen,
    citizen_client,
    clinic_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    old_qr, case_id = reported
    assert verify(clinic_client, {"qr": old_qr})["result"] == "suspended"

    r = start(citizen_client, card)

    assert r.status_code == 202, r.json()
    assert set(r.json()) == {"challenge_id", "phone_hint", "expires_in"}
    code = otp_from(sms_outbox, citizen.insuree.phone)
    r = confirm(citizen_client, card, r.json()["challenge_id"], code)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "active"

    new_qr = issue(citizen_client, card)
    assert new_qr != old_qr
    assert verify(clinic_client, {"qr": new_qr})["result"] == "valid"
    old = verify(clinic_client, {"qr": old_qr})
    assert old["result"] == "revoked"
    assert ScanEvent.objects.get(pk=old["scan_id"]).result == "revoked"  # the holder sees it
    assert CardCase.objects.get(pk=case_id).status == "open"  # support still reviews it
    event = AuditEvent.objects.get(action="healthcard.reactivate")
    assert (event.actor_id, event.object_id) == (citizen.pk, str(card.pk))
    assert event.data["open_cases"] == [case_id]


def test_the_paper_text_stays_refused_after_reactivation(
    start,
    citizen,
    citizen_client,
    clinic_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    from healthcards.paper import LAYOUT_2016_FIELDS

    holder = card.insuree
    fields = [
        card.card_number, holder.full_name.encode().hex(),
        holder.date_of_birth.strftime("%d/%m/%Y"), "2", "-", "01 - 001", "01/01/2026", "-",
        "20/12/2025", "01", "-", "4", "-", "token",
    ]  # fmt: skip
    assert len(fields) == LAYOUT_2016_FIELDS
    paper = "|".join([*fields, "$"])
    assert verify(clinic_client, {"qr": paper})["result"] == "suspended"

    challenge = start(citizen_client, card).json()["challenge_id"]
    confirm(citizen_client, card, challenge, otp_from(sms_outbox, holder.phone))

    assert verify(clinic_client, {"qr": paper})["result"] == "revoked"


def test_an_identity_card_check_in_works_again_after_reactivation(
    start,
    citizen,
    citizen_client,
    clinic_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    holder = card.insuree
    typed = {"national_id": holder.national_id, "date_of_birth": str(holder.date_of_birth)}
    assert verify(clinic_client, typed)["result"] == "suspended"

    challenge = start(citizen_client, card).json()["challenge_id"]
    confirm(citizen_client, card, challenge, otp_from(sms_outbox, holder.phone))

    assert verify(clinic_client, typed)["result"] == "valid"


def test_a_wrong_code_is_counted_and_leaves_the_card_suspended(
    start,
    citizen_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    challenge = start(citizen_client, card).json()["challenge_id"]
    right = otp_from(sms_outbox, card.insuree.phone)
    wrong = "000000" if right != "000000" else "111111"

    r = confirm(citizen_client, card, challenge, wrong)

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "otp_invalid"
    assert OtpChallenge.objects.get(pk=challenge).attempts == 1
    card.refresh_from_db()
    assert card.status == CardStatus.SUSPENDED


def test_too_many_wrong_codes_lock_the_challenge(
    start,
    settings,
    citizen_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    challenge = start(citizen_client, card).json()["challenge_id"]
    right = otp_from(sms_outbox, card.insuree.phone)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(settings.ACCOUNTS_OTP_MAX_ATTEMPTS):
        confirm(citizen_client, card, challenge, wrong)

    r = confirm(citizen_client, card, challenge, right)

    assert r.status_code == 429, r.json()
    assert r.json()["code"] == "otp_too_many_attempts"


def test_an_expired_code_is_refused(start, citizen_client, card, reported, sms_outbox):  # noqa: F811
    challenge = start(citizen_client, card).json()["challenge_id"]
    code = otp_from(sms_outbox, card.insuree.phone)
    OtpChallenge.objects.filter(pk=challenge).update(expires_at=timezone.now() - timedelta(1))

    r = confirm(citizen_client, card, challenge, code)

    assert (r.status_code, r.json()["code"]) == (400, "otp_expired")


def test_a_code_works_once(start, citizen_client, card, reported, sms_outbox):  # noqa: F811
    challenge = start(citizen_client, card).json()["challenge_id"]
    code = otp_from(sms_outbox, card.insuree.phone)
    assert confirm(citizen_client, card, challenge, code).status_code == 200

    r = confirm(citizen_client, card, challenge, code)

    assert r.status_code == 409, r.json()  # the card is active: nothing left to reactivate
    assert r.json()["code"] == "card_not_reactivatable"


def test_asking_again_at_once_is_too_soon(start, citizen_client, card, reported, sms_outbox):  # noqa: F811
    assert start(citizen_client, card).status_code == 202

    r = start(citizen_client, card)

    assert r.status_code == 429, r.json()
    assert r.json()["code"] == "otp_resend_too_soon"


def test_someone_elses_challenge_is_invalid(
    start,
    citizen_client,
    clinic_client,
    card,
    reported,
    sms_outbox,  # noqa: F811
):
    other = UserFactory(insuree=InsureeFactory())
    other_card = HealthCardFactory(
        insuree=other.insuree, registered_facility=card.registered_facility
    )
    from rest_framework.test import APIClient

    other_client = APIClient()
    other_client.force_authenticate(other)
    not_me(other_client, clinic_client, other_card)
    challenge = start(other_client, other_card).json()["challenge_id"]
    code = otp_from(sms_outbox, other.insuree.phone)

    r = confirm(citizen_client, card, challenge, code)

    assert (r.status_code, r.json()["code"]) == (400, "otp_invalid")


@pytest.mark.parametrize("status_value", ["active", "revoked"])
def test_only_a_card_suspended_by_not_me_can_be_reactivated(
    start, citizen_client, card, status_value
):
    card.status = status_value
    card.save()

    r = start(citizen_client, card)

    assert (r.status_code, r.json()["code"]) == (409, "card_not_reactivatable")


def test_a_card_suspended_by_the_agency_cannot_be_reactivated_by_its_holder(
    start, citizen_client, card
):
    card.status, card.suspended_reason = CardStatus.SUSPENDED, "fraud investigation"
    card.save()

    assert start(citizen_client, card).status_code == 409


def test_someone_elses_card_is_404(start, citizen_client, stranger_card):
    assert start(citizen_client, stranger_card).status_code == 404
    r = confirm(citizen_client, stranger_card, "7d5f7f7e-0000-4000-8000-000000000000", "123456")
    assert r.status_code == 404


def test_a_parent_reactivates_a_childs_card_with_a_code_on_their_own_phone(
    start,
    clinic_client,
    sms_outbox,  # noqa: F811
):
    from datetime import date

    from rest_framework.test import APIClient

    from accounts.models import HouseholdRelation
    from tests.accounts.factories import HouseholdFactory

    household = HouseholdFactory()
    mother = UserFactory(
        insuree=InsureeFactory(household=household, household_relation=HouseholdRelation.HEAD)
    )
    child = InsureeFactory(
        household=household, household_relation=HouseholdRelation.CHILD,
        date_of_birth=date(2022, 9, 3), phone="",
    )  # fmt: skip
    card = HealthCardFactory(
        insuree=child, beneficiary_group="TE", benefit_level=1,
        registered_facility=FacilityFactory(code="01001"),
    )  # fmt: skip
    client = APIClient()
    client.force_authenticate(mother)
    old_qr, _case = not_me(client, clinic_client, card)

    challenge = start(client, card).json()["challenge_id"]
    r = confirm(client, card, challenge, otp_from(sms_outbox, mother.insuree.phone))

    assert r.status_code == 200, r.json()
    assert verify(clinic_client, {"qr": old_qr})["result"] == "revoked"
    assert verify(clinic_client, {"qr": issue(client, card)})["result"] == "valid"


def test_bad_input_is_a_400_problem(citizen_client, card, reported):
    r = citizen_client.post(
        f"/api/v1/healthcards/{card.pk}/reactivate/verify",
        {"challenge_id": "nope", "otp": "12"},
        format="json",
    )

    assert r.status_code == 400, r.json()
    assert {e["field"] for e in r.json()["errors"]} == {"challenge_id", "otp"}


def test_old_qrs_stay_dead_after_support_reinstates_too(
    citizen_client, clinic_client, support_client, card, reported
):
    old_qr, _case = reported

    r = support_client.post(
        f"/api/v1/support/cards/{card.pk}/reinstate", {"reason": "Caller verified"}, format="json"
    )

    assert r.status_code == 200, r.json()
    assert verify(clinic_client, {"qr": old_qr})["result"] == "revoked"
    assert verify(clinic_client, {"qr": issue(citizen_client, card)})["result"] == "valid"
