"""Every statement a citizen endpoint sends to a partitioned table filters by the insuree.

That is what lets the tables be distributed (Citus, distribution column ``insuree_id``)
without a code change: such a statement is routed to one shard, as on PostgreSQL it is pruned
to one partition (checked with EXPLAIN there). The table below lists every endpoint a citizen
may call; a new one fails the test until it is listed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from rest_framework.permissions import IsAuthenticated
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import HouseholdRelation, PhoneChangeRequest, Session
from api.partitioning import PARTITIONED_TABLES, partitioned_tables
from api.permissions import IsCitizen
from api.roles import Role
from healthcards.models import ScanEvent
from tests.accounts.conftest import PASSWORD
from tests.accounts.factories import HouseholdFactory, InsureeFactory, UserFactory
from tests.contributions.factories import BenefitPaymentFactory, ContributionRecordFactory
from tests.healthcards.conftest import signing_key_file  # noqa: F401 - autouse: a signing key
from tests.healthcards.factories import FacilityFactory, HealthCardFactory

pytestmark = pytest.mark.django_db


def _routes() -> set[str]:
    """API routes a citizen may call: citizen-only views and views for any signed-in user."""

    def walk(patterns: Any, prefix: str = "") -> Any:
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.callback

    found = set()
    for route, callback in walk(get_resolver().url_patterns):
        view = getattr(callback, "cls", None)
        permissions = set(getattr(view, "permission_classes", []))
        if route.startswith("api/v1/") and permissions & {IsCitizen, IsAuthenticated}:
            found.add(route)
    return found


@pytest.fixture
def world(db) -> dict[str, Any]:
    """A citizen with a household (a child), records, benefits, cards, scans, two sessions
    and a pending phone change; and strangers with the same, so a missing filter shows."""
    home = HouseholdFactory()
    me = InsureeFactory(household=home, household_relation=HouseholdRelation.HEAD)
    child = InsureeFactory(
        household=home, household_relation=HouseholdRelation.CHILD, date_of_birth=date(2022, 9, 3)
    )
    user = UserFactory(role=Role.CITIZEN, insuree=me)
    facility = FacilityFactory()
    clinic = UserFactory(role=Role.CLINIC, insuree=None)
    cards = {}
    for person in (me, child, InsureeFactory(), InsureeFactory()):
        for month in range(1, 4):
            ContributionRecordFactory(insuree=person, month=date(2024, month, 1))
        BenefitPaymentFactory(insuree=person)
        cards[person.pk] = card = HealthCardFactory(insuree=person, registered_facility=facility)
        for _ in range(2):
            ScanEvent.objects.create(
                card=card,
                insuree_id=person.pk,
                facility=facility,
                operator=clinic,
                result="valid",
                source="signed_qr",
            )
    change = PhoneChangeRequest.objects.create(
        user=user,
        old_phone=me.phone,
        new_phone="+84987654321",
        document_reference="CCCD-2026",
        reason="Lost the old SIM card at the market",
        requested_by=UserFactory(role=Role.SUPPORT, insuree=None),
    )
    return {"user": user, "me": me, "child": child, "cards": cards, "change": change}


def _client(user) -> APIClient:
    client = APIClient()
    r = client.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 200, r.json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {r.json()['access']}")
    client.sid = AccessToken(r.json()["access"])["sid"]  # type: ignore[attr-defined]
    return client


def _requests(world: dict[str, Any], client: APIClient) -> dict[str, list[tuple[str, str, Any]]]:
    me, child = world["me"], world["child"]
    card = world["cards"][me.pk]
    child_card = world["cards"][child.pk]
    scan = ScanEvent.objects.filter(card=card).first()
    other = _client(world["user"])
    other_session = Session.objects.get(pk=other.sid)  # type: ignore[attr-defined]
    kid = f"?insuree={child.public_id}"
    return {
        "api/v1/me": [("get", "/api/v1/me", None)],
        "api/v1/me/sessions": [("get", "/api/v1/me/sessions", None)],
        "api/v1/me/sessions/<str:session_id>": [
            ("delete", f"/api/v1/me/sessions/{other_session.pk}", None)
        ],
        "api/v1/me/household": [("get", "/api/v1/me/household", None)],
        "api/v1/me/household/<str:member_id>": [
            ("get", f"/api/v1/me/household/{child.public_id}", None)
        ],
        "api/v1/me/phone-changes": [("get", "/api/v1/me/phone-changes", None)],
        "api/v1/me/phone-change/<str:change_id>/cancel": [
            ("post", f"/api/v1/me/phone-change/{world['change'].pk}/cancel", {})
        ],
        "api/v1/contributions/": [
            ("get", "/api/v1/contributions/", None),
            ("get", "/api/v1/contributions/?scheme=health&from=2024-01&page_size=1", None),
            ("get", f"/api/v1/contributions/{kid}", None),
        ],
        "api/v1/contributions/summary": [
            ("get", "/api/v1/contributions/summary", None),
            ("get", f"/api/v1/contributions/summary{kid}", None),
        ],
        "api/v1/contributions/statement": [
            ("get", "/api/v1/contributions/statement?format=csv", None),
            ("get", "/api/v1/contributions/statement?format=pdf", None),
        ],
        "api/v1/contributions/statements": [("get", "/api/v1/contributions/statements", None)],
        "api/v1/contributions/statements/<str:statement_id>/revoke": [
            (
                "post",
                "/api/v1/contributions/statements/6f1f4a0e-3b0c-4a57-9d59-3c0f1c1f2a11/revoke",
                {},
            )
        ],
        "api/v1/benefits/": [("get", "/api/v1/benefits/", None)],
        "api/v1/pension/estimate": [("get", "/api/v1/pension/estimate", None)],
        "api/v1/healthcards/": [("get", "/api/v1/healthcards/", None)],
        "api/v1/healthcards/<str:card_id>/qr": [
            ("get", f"/api/v1/healthcards/{card.pk}/qr", None),
            ("get", f"/api/v1/healthcards/{child_card.pk}/qr", None),
        ],
        "api/v1/healthcards/<str:card_id>/qr.png": [
            ("get", f"/api/v1/healthcards/{card.pk}/qr.png", None)
        ],
        "api/v1/healthcards/<str:card_id>/qr.svg": [
            ("get", f"/api/v1/healthcards/{card.pk}/qr.svg", None)
        ],
        "api/v1/healthcards/<str:card_id>/scans": [
            ("get", f"/api/v1/healthcards/{card.pk}/scans", None),
            ("get", f"/api/v1/healthcards/{child_card.pk}/scans", None),
        ],
        "api/v1/healthcards/<str:card_id>/scans/<str:scan_id>/not-me": [
            ("post", f"/api/v1/healthcards/{card.pk}/scans/{scan.pk}/not-me", {"comment": "no"})
        ],
        # after "not me" above, the card can be reactivated (a code by SMS, then the code)
        "api/v1/healthcards/<str:card_id>/reactivate/start": [
            ("post", f"/api/v1/healthcards/{card.pk}/reactivate/start", {})
        ],
        "api/v1/healthcards/<str:card_id>/reactivate/verify": [
            (
                "post",
                f"/api/v1/healthcards/{card.pk}/reactivate/verify",
                {"challenge_id": "6f1f4a0e-3b0c-4a57-9d59-3c0f1c1f2a11", "otp": "000000"},
            )
        ],
        "api/v1/notifications/": [("get", "/api/v1/notifications/", None)],
        "api/v1/notifications/unread-count": [("get", "/api/v1/notifications/unread-count", None)],
        "api/v1/notifications/read-all": [("post", "/api/v1/notifications/read-all", {})],
        "api/v1/notifications/preferences": [
            ("get", "/api/v1/notifications/preferences", None),
            ("put", "/api/v1/notifications/preferences", {"contributions": True}),
        ],
        "api/v1/notifications/devices": [
            ("post", "/api/v1/notifications/devices", {"token": PUSH_TOKEN, "platform": "android"})
        ],
        "api/v1/notifications/devices/<path:token>": [
            ("delete", f"/api/v1/notifications/devices/{PUSH_TOKEN}", None)
        ],
        "api/v1/notifications/<str:notification_id>/read": [
            ("post", "/api/v1/notifications/6f1f4a0e-3b0c-4a57-9d59-3c0f1c1f2a11/read", {})
        ],
        "api/v1/auth/password/change": [
            ("post", "/api/v1/auth/password/change", {"old_password": "x", "new_password": "y"})
        ],
        "api/v1/auth/logout-all": [("post", "/api/v1/auth/logout-all", {})],
        "api/v1/auth/logout": [("post", "/api/v1/auth/logout", {})],
    }


# Requests that are refused on purpose (a wrong old password, an unknown code): their SQL until
# the refusal is checked all the same.
PUSH_TOKEN = "fcm-token-for-the-sql-test-0123456789"
EXPECTED_ERRORS = {
    "api/v1/auth/password/change",
    "api/v1/notifications/preferences",
    "api/v1/notifications/<str:notification_id>/read",  # someone else's or no such: 404
    "api/v1/healthcards/<str:card_id>/reactivate/verify",
    "api/v1/contributions/statements/<str:statement_id>/revoke",  # no such statement: 404
}

# insuree_id compared with a value: "t"."insuree_id" = 5, r.insuree_id = %s, insuree_id IN (...)
_FILTER = re.compile(r"insuree_id\"?\s*(=|IN\s*\()", re.IGNORECASE)


def _filters_by_insuree(sql: str) -> bool:
    if sql.lstrip().upper().startswith("INSERT"):
        return "insuree_id" in sql.split("VALUES")[0]
    where = re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.IGNORECASE)
    return len(where) == 2 and bool(_FILTER.search(where[1]))


def _partitions_read(sql: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]

    def walk(node: dict[str, Any]) -> Any:
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    return {
        str(node["Relation Name"])
        for node in walk(plan)
        # an UPDATE's or DELETE's target is named on the parent; the scans show the partitions
        if str(node.get("Relation Name", "")).startswith(table)
        and node.get("Node Type") != "ModifyTable"
    }


def test_every_citizen_endpoint_is_listed(world):
    assert set(_requests(world, APIClient())) == _routes()


def test_every_statement_on_a_partitioned_table_filters_by_the_insuree(world):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            assert set(partitioned_tables(cursor)) == set(PARTITIONED_TABLES)
    client = _client(world["user"])
    checked: dict[str, int] = {}
    for route, requests in _requests(world, client).items():
        for method, path, body in requests:
            with CaptureQueriesContext(connection) as captured:
                r = getattr(client, method)(path, body, format="json")
            expected_error = route in EXPECTED_ERRORS
            assert r.status_code < 400 or expected_error, (path, r.status_code)
            for query in captured.captured_queries:
                sql = query["sql"]
                for table in PARTITIONED_TABLES:
                    if f"{table}" not in sql:
                        continue
                    assert _filters_by_insuree(sql), (route, sql)
                    checked[route] = checked.get(route, 0) + 1
                    if connection.vendor == "postgresql" and not sql.startswith("INSERT"):
                        assert len(_partitions_read(sql, table)) <= 1, (route, sql)

    # the endpoints that read the partitioned tables did reach them
    for route in (
        "api/v1/contributions/",
        "api/v1/contributions/summary",
        "api/v1/contributions/statement",
        "api/v1/pension/estimate",
        "api/v1/healthcards/<str:card_id>/scans",
        "api/v1/healthcards/<str:card_id>/scans/<str:scan_id>/not-me",
    ):
        assert checked.get(route), (route, checked)


@pytest.mark.parametrize(
    ("sql", "ok"),
    [
        ('SELECT * FROM "t" WHERE "t"."insuree_id" = 5 ORDER BY 1', True),
        ("SELECT r.id FROM t r WHERE r.insuree_id = 5 AND r.month < '2024-01-01'", True),
        ('SELECT 1 FROM "t" WHERE "t"."insuree_id" IN (1, 2)', True),
        ('SELECT 1 FROM "t" WHERE "t"."id" = 5', False),
        ('SELECT 1 FROM "t" WHERE "t"."card_id" = 5 ORDER BY "t"."insuree_id"', False),
        ('SELECT 1 FROM "t"', False),
        ('INSERT INTO "t" ("id", "insuree_id") VALUES (1, 2)', True),
    ],
)
def test_the_filter_check_itself(sql, ok):
    assert _filters_by_insuree(sql) is ok
