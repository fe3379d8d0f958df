"""Activation with an OTP by SMS: enumeration-safe start, verify, every way a code fails."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, OtpChallenge, User
from tests.accounts.conftest import NEW_PASSWORD, bearer, otp_from
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db

START = "/api/v1/auth/register/start"
VERIFY = "/api/v1/auth/register/verify"


@pytest.fixture
def person(db):
    return InsureeFactory(phone="+84912345678")


def start(client, insuree=None, **body):
    if insuree is not None:
        body = {
            "social_insurance_number": insuree.social_insurance_number,
            "date_of_birth": insuree.date_of_birth.isoformat(),
            **body,
        }
    return client.post(START, body)


def verify(client, challenge_id, otp, password=NEW_PASSWORD):
    return client.post(VERIFY, {"challenge_id": challenge_id, "otp": otp, "password": password})


def test_activation_sends_an_otp_and_creates_the_account(api_client, person, sms_outbox, committed):
    with committed():
        r = start(api_client, person)

    assert r.status_code == 202, r.json()
    assert set(r.json()) == {"challenge_id", "phone_hint", "expires_in"}
    assert r.json()["phone_hint"] == "+84 91*****78"
    assert r.json()["expires_in"] == 300
    code = otp_from(sms_outbox, "+84912345678")
    challenge = OtpChallenge.objects.get()
    assert code not in challenge.code_hash  # stored hashed

    r = verify(api_client, r.json()["challenge_id"], code)

    assert r.status_code == 201, r.json()
    user = User.objects.get(insuree=person)
    assert user.username == person.social_insurance_number
    assert user.check_password(NEW_PASSWORD)
    assert bearer(r.json()["access"]).get("/api/v1/me").status_code == 200
    assert AuditEvent.objects.filter(action="account_activated", target_user=user).exists()


def test_activation_by_national_id(api_client, person, sms_outbox, committed):
    with committed():
        r = api_client.post(
            START,
            {"national_id": person.national_id, "date_of_birth": person.date_of_birth.isoformat()},
        )

    assert r.status_code == 202, r.json()
    code = otp_from(sms_outbox, person.phone)
    assert verify(api_client, r.json()["challenge_id"], code).status_code == 201


@pytest.mark.parametrize(
    "case", ["unknown", "wrong_birth_date", "already_has_account", "no_phone_on_file"]
)
def test_start_answers_the_same_for_people_who_cannot_activate(
    api_client, person, sms_outbox, committed, case
):
    body = {
        "social_insurance_number": person.social_insurance_number,
        "date_of_birth": person.date_of_birth.isoformat(),
    }
    if case == "unknown":
        body["social_insurance_number"] = "0999999999"
    elif case == "wrong_birth_date":
        body["date_of_birth"] = "1970-01-01"
    elif case == "already_has_account":
        UserFactory(insuree=person)
    else:
        person.phone = ""
        person.save()

    with committed():
        r = api_client.post(START, body)

    assert r.status_code == 202, r.json()
    assert set(r.json()) == {"challenge_id", "phone_hint", "expires_in"}
    assert r.json()["expires_in"] == 300
    assert r.json()["phone_hint"].startswith("+84 ")
    assert len(r.json()["phone_hint"]) == len("+84 91*****78")
    # No code was sent to anyone (the account holder only learns they already have one).
    assert not [text for _, text in sms_outbox if "code is" in text]
    for guess in ["000000", "123456"]:
        refused = verify(api_client, r.json()["challenge_id"], guess)
        assert refused.status_code == 400
        assert refused.json()["code"] == "otp_invalid"


def test_unknown_person_gets_a_stable_phone_hint(api_client, settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    body = {"social_insurance_number": "0999999999", "date_of_birth": "1990-01-01"}

    first = api_client.post(START, body).json()["phone_hint"]
    second = api_client.post(START, body).json()["phone_hint"]

    assert first == second


def test_start_timing_is_similar_for_known_and_unknown_people(api_client, settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE = 1000
    known = InsureeFactory()
    bodies = {
        "known": {
            "social_insurance_number": known.social_insurance_number,
            "date_of_birth": known.date_of_birth.isoformat(),
        },
        "unknown": {"social_insurance_number": "0999999998", "date_of_birth": "1990-01-01"},
    }

    samples: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(15):  # interleaved, so load from elsewhere hits both alike
        for name, body in bodies.items():
            began = time.perf_counter()
            assert api_client.post(START, body).status_code == 202
            samples[name].append((time.perf_counter() - began) * 1000)

    known_ms = statistics.median(samples["known"])
    unknown_ms = statistics.median(samples["unknown"])
    # Same shape: neither is a multiple of the other (a few ms of slack for a busy machine).
    assert unknown_ms < 2.5 * known_ms + 5, (known_ms, unknown_ms)
    assert known_ms < 2.5 * unknown_ms + 5, (known_ms, unknown_ms)


@pytest.mark.parametrize(
    "body",
    [
        {"date_of_birth": "1990-01-15"},
        {"social_insurance_number": "123", "date_of_birth": "1990-01-15"},
        {"national_id": "001190000001", "social_insurance_number": "1000000000",
         "date_of_birth": "1990-01-15"},
        {"social_insurance_number": "1000000000", "date_of_birth": "15/01/1990"},
    ],
)  # fmt: skip
def test_start_rejects_malformed_input(api_client, body):
    r = api_client.post(START, body)

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "invalid"


def test_wrong_otp_five_times_kills_the_challenge(api_client, person, sms_outbox, committed):
    with committed():
        challenge_id = start(api_client, person).json()["challenge_id"]
    code = otp_from(sms_outbox, person.phone)
    wrong = "000000" if code != "000000" else "111111"

    codes = [verify(api_client, challenge_id, wrong).json()["code"] for _ in range(5)]
    last = verify(api_client, challenge_id, code)

    assert codes == ["otp_invalid"] * 5
    assert last.status_code == 429, last.json()
    assert last.json()["code"] == "otp_too_many_attempts"
    assert not User.objects.filter(insuree=person).exists()


def test_expired_otp_is_refused(api_client, person, sms_outbox, committed):
    with committed():
        challenge_id = start(api_client, person).json()["challenge_id"]
    OtpChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    r = verify(api_client, challenge_id, otp_from(sms_outbox, person.phone))

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "otp_expired"


def test_a_code_works_once(api_client, person, sms_outbox, committed):
    with committed():
        challenge_id = start(api_client, person).json()["challenge_id"]
    code = otp_from(sms_outbox, person.phone)
    assert verify(api_client, challenge_id, code).status_code == 201

    r = verify(api_client, challenge_id, code)

    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "otp_invalid"


def test_resend_too_soon_then_allowed_after_the_cooldown(
    api_client, person, sms_outbox, committed, settings
):
    with committed():
        first = start(api_client, person)
    again = start(api_client, person)
    unknown_first = api_client.post(
        START, {"social_insurance_number": "0999999999", "date_of_birth": "1990-01-01"}
    )
    unknown_again = api_client.post(
        START, {"social_insurance_number": "0999999999", "date_of_birth": "1990-01-01"}
    )

    assert first.status_code == 202
    assert again.status_code == 429, again.json()
    assert again.json()["code"] == "otp_resend_too_soon"
    assert 0 < again.json()["retry_after"] <= 60
    assert unknown_first.status_code == 202
    assert unknown_again.json()["code"] == "otp_resend_too_soon"  # same for nobody

    from django.core.cache import cache

    cache.clear()  # the cooldown elapsed
    with committed():
        resent = start(api_client, person)
    assert resent.status_code == 202
    # The first code no longer works; the new one does.
    first_code = otp_from(sms_outbox[:1], person.phone)
    stale = verify(api_client, first.json()["challenge_id"], first_code)
    assert stale.json()["code"] == "otp_invalid"
    fresh = verify(api_client, resent.json()["challenge_id"], otp_from(sms_outbox, person.phone))
    assert fresh.status_code == 201, fresh.json()


def test_daily_cap_per_phone(api_client, person, settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE = 2
    for _ in range(2):
        assert start(api_client, person).status_code == 202

    r = start(api_client, person)

    assert r.status_code == 429, r.json()
    assert r.json()["code"] == "otp_daily_limit"


def test_daily_cap_per_ip(api_client, settings):
    settings.ACCOUNTS_OTP_DAILY_CAP_PER_IP = 3
    codes = [
        api_client.post(
            START, {"social_insurance_number": f"09999999{i:02d}", "date_of_birth": "1990-01-01"}
        ).status_code
        for i in range(4)
    ]

    assert codes == [202, 202, 202, 429]


def test_weak_password_is_refused_and_the_code_still_works(
    api_client, person, sms_outbox, committed
):
    with committed():
        challenge_id = start(api_client, person).json()["challenge_id"]
    code = otp_from(sms_outbox, person.phone)

    weak = verify(api_client, challenge_id, code, password="12345678")

    assert weak.status_code == 400, weak.json()
    assert weak.json()["errors"][0]["field"] == "password"
    assert verify(api_client, challenge_id, code).status_code == 201


def test_start_answers_even_when_the_sms_queue_is_down(
    api_client, person, broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        r = start(api_client, person)

    assert r.status_code == 202, r.json()
    assert OtpChallenge.objects.count() == 1
    assert "on_commit" in caplog.text, "the lost SMS must reach the log"
