"""The sign-in lookup finds the account through an index whatever identifier is typed, and
never reads every account (an OR across the user-insuree join did, on every login)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import support_account_search, user_find_by_identifier
from api.roles import Role
from tests.accounts.factories import InsureeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    citizens = [UserFactory(role=Role.CITIZEN) for _ in range(30)]
    staff = UserFactory(role=Role.SUPPORT, insuree=None, username="support.one")
    return citizens, staff


def test_each_identifier_finds_its_account(people):
    citizens, staff = people
    citizen = citizens[7]

    assert user_find_by_identifier(identifier=citizen.insuree.social_insurance_number) == citizen
    assert user_find_by_identifier(identifier=citizen.insuree.national_id) == citizen
    assert user_find_by_identifier(identifier="support.one") == staff
    assert user_find_by_identifier(identifier="000000000000") is None
    assert user_find_by_identifier(identifier="nobody") is None
    found = user_find_by_identifier(identifier=citizen.username)
    with CaptureQueriesContext(connection) as captured:
        assert found.insuree.full_name  # loaded with the account
    assert len(captured) == 0


def test_a_social_insurance_number_costs_one_query_and_a_national_id_two(people):
    citizen = people[0][3]
    with CaptureQueriesContext(connection) as by_sin:
        user_find_by_identifier(identifier=citizen.insuree.social_insurance_number)
    with CaptureQueriesContext(connection) as by_national_id:
        user_find_by_identifier(identifier=citizen.insuree.national_id)
    with CaptureQueriesContext(connection) as by_name:
        user_find_by_identifier(identifier="no.such.staff")

    assert (len(by_sin), len(by_national_id), len(by_name)) == (1, 2, 1)


def test_every_lookup_reads_accounts_through_an_index(people):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    citizen = people[0][5]
    with CaptureQueriesContext(connection) as captured:
        user_find_by_identifier(identifier=citizen.insuree.national_id)
        user_find_by_identifier(identifier="support.one")
        list(support_account_search(query=citizen.insuree.national_id))  # support's search too
        list(support_account_search(query=citizen.insuree.phone))
    assert captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a table of millions
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0][0]["Plan"]
            for node in _walk(plan):
                if node.get("Relation Name") in ("accounts_user", "accounts_insuree"):
                    # an index condition, or a bitmap of index matches: never a full scan
                    assert "Index Cond" in node or "Recheck Cond" in node, (query["sql"], node)


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(found for child in node.get("Plans", []) for found in _walk(child))]


def test_an_unused_insuree_is_not_an_account(people):
    loose = InsureeFactory()
    assert user_find_by_identifier(identifier=loose.national_id) is None
