"""Finding 6: the start endpoints say nothing about whether the date of birth was right:
same answer shape, the same phone hint, and no measurable difference in time."""

from __future__ import annotations

import statistics
import time

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "activation": "/api/v1/auth/register/start",
    "reset": "/api/v1/auth/password/reset/start",
}


@pytest.fixture
def relaxed(settings):
    settings.ACCOUNTS_OTP_RESEND_COOLDOWN_SECONDS = 0
    settings.ACCOUNTS_OTP_DAILY_CAP_PER_PHONE = 100_000
    settings.ACCOUNTS_OTP_DAILY_CAP_PER_IP = 100_000


def person_for(kind: str):
    insuree = InsureeFactory(phone="+84987000222")
    if kind == "reset":
        UserFactory(insuree=insuree, username=insuree.social_insurance_number)
    return insuree


def body(insuree, date_of_birth: str) -> dict[str, str]:
    return {
        "social_insurance_number": insuree.social_insurance_number,
        "date_of_birth": date_of_birth,
    }


@pytest.mark.parametrize("kind", ENDPOINTS)
def test_the_hint_does_not_depend_on_the_date_of_birth(relaxed, kind):
    insuree = person_for(kind)
    client = APIClient()

    right = client.post(ENDPOINTS[kind], body(insuree, insuree.date_of_birth.isoformat()))
    wrong = [client.post(ENDPOINTS[kind], body(insuree, f"19{y}-02-03")) for y in (70, 71, 88)]

    assert right.status_code == 202, right.json()
    assert all(r.status_code == 202 for r in wrong)
    assert {r.json()["phone_hint"] for r in [right, *wrong]} == {right.json()["phone_hint"]}
    assert all(set(r.json()) == set(right.json()) for r in wrong)
    assert {r.json()["expires_in"] for r in [right, *wrong]} == {right.json()["expires_in"]}


@pytest.mark.parametrize("kind", ENDPOINTS)
def test_right_and_wrong_dates_take_the_same_time(relaxed, kind):
    insuree = person_for(kind)
    client = APIClient()
    bodies = {
        "right": body(insuree, insuree.date_of_birth.isoformat()),
        "wrong": body(insuree, "1971-02-03"),
    }
    for payload in bodies.values():  # warm up both paths
        client.post(ENDPOINTS[kind], payload)

    # A real difference shows in every measurement; noise from a shared machine does not: up
    # to three measurements, and one within the tolerance passes.
    measured = []
    for _ in range(3):
        close, medians = _medians_close(client, ENDPOINTS[kind], bodies)
        if close:
            break
        measured.append(medians)
    assert close, measured


def _medians_close(client, url, bodies) -> tuple[bool, tuple[float, float]]:
    samples: dict[str, list[float]] = {"right": [], "wrong": []}
    for round_ in range(40):  # interleaved, each first in turn, so load hits both alike
        order = ["right", "wrong"] if round_ % 2 else ["wrong", "right"]
        for name in order:
            began = time.perf_counter()
            assert client.post(url, bodies[name]).status_code == 202
            samples[name].append((time.perf_counter() - began) * 1000)
    right_ms, wrong_ms = (statistics.median(samples[name]) for name in ("right", "wrong"))
    # The finding was 16.4 ms against 10.6 ms (+55%). Allow 30% (or 2 ms) of noise.
    return abs(right_ms - wrong_ms) <= max(2.0, 0.3 * min(right_ms, wrong_ms)), (right_ms, wrong_ms)
