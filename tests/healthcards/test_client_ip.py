"""Finding 10 (client IP): one helper, api.client_ip, decides the caller's address for
throttles, audit rows and card actions, honouring NUM_PROXIES; behind a proxy the audit rows
of card actions record the client, not the proxy."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import AuditEvent
from api.client_ip import client_ip
from tests.healthcards.test_api_cards import LIST, scan

PROXY = "10.0.0.5"
CLIENT = "198.51.100.23"


def request_with(remote: str, forwarded: str = "") -> Request:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Request(APIRequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}

    assert client_ip(request_with(PROXY, f"{CLIENT}")) == PROXY


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    # The client may prepend anything; the proxy appends the address it saw.
    assert client_ip(request_with(PROXY, f"6.6.6.6, {CLIENT}")) == CLIENT


def test_garbage_is_no_address(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    assert client_ip(request_with("not-an-ip", "also not")) == ""


@pytest.mark.django_db
def test_card_actions_behind_a_proxy_record_the_client_address(
    settings, citizen_client, card, facility, clinic_user, support_client
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    event = scan(card, facility, clinic_user)
    headers = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT}
    reported = citizen_client.post(f"{LIST}{card.pk}/scans/{event.pk}/not-me", **headers)
    assert reported.status_code == 201, reported.json()

    r = support_client.post(
        f"/api/v1/support/cards/{card.pk}/reinstate",
        {"reason": "Called the holder; the clinic scanned the wrong phone."},
        format="json",
        **headers,
    )

    assert r.status_code == 200, r.json()
    ips = set(AuditEvent.objects.filter(ip__isnull=False).values_list("ip", flat=True))
    assert ips == {CLIENT}, ips
