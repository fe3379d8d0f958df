"""POST /api/v1/clinic/verify with "scanned_at": a scan the desk queued while offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from healthcards.models import CardStatus, ScanEvent
from healthcards.tasks import scans_notify_pending_task
from notifications.models import Notification
from tests.healthcards.test_api_verify import VERIFY, signed_now

pytestmark = pytest.mark.django_db(transaction=False)


def notify_pending(capture) -> None:
    """Run the beat task that tells holders of new scans, as a worker would."""
    with capture(execute=True):
        scans_notify_pending_task.delay()


def post(client, body):
    return client.post(VERIFY, body, format="json")


def test_a_token_expired_since_the_offline_scan_is_valid_and_logged_at_the_scan_time(
    clinic_client, card, settings, clinic_user, facility, django_capture_on_commit_callbacks
):
    # Given a token scanned offline while it was alive, posted after it expired
    issued = timezone.now() - timedelta(seconds=settings.HEALTHCARD_QR_TTL + 3600)
    token = signed_now(card, issued_at=issued)
    scanned_at = issued + timedelta(seconds=30)

    # When the desk posts it with the scan time (and the notification batch runs)
    r = post(clinic_client, {"qr": token, "scanned_at": scanned_at.isoformat()})
    notify_pending(django_capture_on_commit_callbacks)

    # Then the answer is valid and the log carries the scan time, as the holder will see it
    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "valid"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert abs((scan.scanned_at - scanned_at).total_seconds()) < 1
    assert (scan.result, scan.operator_id, scan.facility_id) == (
        "valid",
        clinic_user.pk,
        facility.pk,
    )
    note = Notification.objects.get(user=card.insuree.user)
    assert note.data["scan_id"] == str(scan.pk)


def test_the_holder_sees_the_queued_scan_in_their_scan_log(
    citizen_client, clinic_client, card, settings
):
    issued = timezone.now() - timedelta(hours=2)
    token = signed_now(card, issued_at=issued)
    scanned_at = issued + timedelta(seconds=10)

    r = post(clinic_client, {"qr": token, "scanned_at": scanned_at.isoformat()})
    assert r.status_code == 200, r.json()

    scans = citizen_client.get(f"/api/v1/healthcards/{card.pk}/scans").json()["results"]
    assert [s["id"] for s in scans] == [r.json()["scan_id"]]
    assert scans[0]["result"] == "valid"


def test_a_scan_time_after_the_token_expired_is_still_expired(clinic_client, card, settings):
    issued = timezone.now() - timedelta(hours=2)
    token = signed_now(card, issued_at=issued)
    too_late = issued + timedelta(seconds=settings.HEALTHCARD_QR_TTL + 60)

    r = post(clinic_client, {"qr": token, "scanned_at": too_late.isoformat()})

    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "expired"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert scan.scanned_at > timezone.now() - timedelta(minutes=1), "logged now"


def test_a_scan_time_before_the_token_was_issued_does_not_revive_it(clinic_client, card, settings):
    # Given an expired token and a claimed scan time before it even existed
    issued = timezone.now() - timedelta(hours=2)
    token = signed_now(card, issued_at=issued)
    before = issued - timedelta(minutes=5)

    r = post(clinic_client, {"qr": token, "scanned_at": before.isoformat()})

    # Then it is expired, and logged now: the token does not vouch for that time
    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "expired"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert scan.scanned_at > timezone.now() - timedelta(minutes=1)


def test_a_card_suspended_since_the_offline_scan_answers_its_current_status(clinic_client, card):
    issued = timezone.now() - timedelta(hours=1)
    token = signed_now(card, issued_at=issued)
    card.status = CardStatus.SUSPENDED
    card.save(update_fields=["status"])

    r = post(
        clinic_client, {"qr": token, "scanned_at": (issued + timedelta(seconds=5)).isoformat()}
    )

    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "suspended"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert scan.result == "suspended"
    assert abs((scan.scanned_at - issued).total_seconds() - 5) < 1, "logged at the scan time"


def test_a_forged_queued_token_is_still_bad_signature_and_not_logged(clinic_client, card):
    token = signed_now(card)
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{'A' * len(signature)}"

    r = post(clinic_client, {"qr": forged, "scanned_at": timezone.now().isoformat()})

    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "bad_signature"
    assert not ScanEvent.objects.exists()


def test_a_fresh_token_with_a_scan_time_is_logged_at_that_time(clinic_client, card):
    token = signed_now(card, issued_at=timezone.now() - timedelta(seconds=40))
    scanned_at = timezone.now() - timedelta(seconds=20)

    r = post(clinic_client, {"qr": token, "scanned_at": scanned_at.isoformat()})

    assert r.json()["result"] == "valid"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert abs((scan.scanned_at - scanned_at).total_seconds()) < 1


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (timedelta(minutes=5), "scanned_at_future"),
        (-timedelta(days=4), "scanned_at_too_old"),
    ],
)
def test_a_scan_time_in_the_future_or_too_old_is_a_400_problem(clinic_client, card, offset, code):
    token = signed_now(card)

    r = post(clinic_client, {"qr": token, "scanned_at": (timezone.now() + offset).isoformat()})

    assert r.status_code == 400, r.json()
    assert r["Content-Type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("scanned_at", code)]
    assert not ScanEvent.objects.exists()


@pytest.mark.parametrize("value", ["yesterday", 42, "2026-13-01T00:00:00Z"])
def test_a_scan_time_that_is_not_a_time_is_a_400_problem(clinic_client, card, value):
    r = post(clinic_client, {"qr": signed_now(card), "scanned_at": value})

    assert r.status_code == 400, r.json()
    assert r.json()["errors"][0]["field"] == "scanned_at"


def test_a_slightly_fast_desk_clock_is_accepted_and_logged_at_the_server_time(clinic_client, card):
    token = signed_now(card)
    before = timezone.now()

    r = post(
        clinic_client, {"qr": token, "scanned_at": (before + timedelta(seconds=30)).isoformat()}
    )

    assert r.status_code == 200, r.json()
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert before <= scan.scanned_at <= timezone.now()


def test_a_queued_scan_sent_twice_is_logged_and_told_once(
    clinic_client, card, django_capture_on_commit_callbacks
):
    # Given a queued scan whose first answer never reached the desk
    issued = timezone.now() - timedelta(hours=1)
    body = {
        "qr": signed_now(card, issued_at=issued),
        "scanned_at": (issued + timedelta(seconds=20)).isoformat(),
    }
    first = post(clinic_client, body)
    notify_pending(django_capture_on_commit_callbacks)

    # When the desk sends it again
    second = post(clinic_client, body)
    notify_pending(django_capture_on_commit_callbacks)

    # Then it is the same scan, and the holder heard of it once
    assert second.status_code == 200, second.json()
    assert second.json()["scan_id"] == first.json()["scan_id"]
    assert ScanEvent.objects.count() == 1
    assert Notification.objects.filter(user=card.insuree.user).count() == 1


def test_scans_made_now_are_never_merged(clinic_client, card):
    token = signed_now(card)

    first = post(clinic_client, {"qr": token})
    second = post(clinic_client, {"qr": token})

    assert first.json()["scan_id"] != second.json()["scan_id"]
    assert ScanEvent.objects.count() == 2


def test_a_scan_time_on_an_unsigned_text_is_ignored_and_the_scan_logged_now(
    clinic_client, citizen, card, facility
):
    # Given the holder's ID card text (unsigned: nothing vouches for a claimed time)
    holder = card.insuree
    text = (
        f"{holder.national_id}||{holder.full_name}|{holder.date_of_birth:%d%m%Y}|Nữ|Hà Nội|01012021"
    )

    # When it is posted with a time two days back
    r = post(
        clinic_client, {"qr": text, "scanned_at": (timezone.now() - timedelta(days=2)).isoformat()}
    )

    # Then the scan is logged now: a desk cannot back-date a scan of an unsigned text
    assert r.status_code == 200, r.json()
    assert r.json()["source"] == "id_card"
    scan = ScanEvent.objects.get(pk=r.json()["scan_id"])
    assert scan.scanned_at > timezone.now() - timedelta(minutes=1)
