"""The tables that grow with citizens are hash-partitioned by insuree on PostgreSQL, and a
citizen's reads touch one partition through an index, reading a bounded number of buffers.
On SQLite the same migrations leave plain tables."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.partitioning import PARTITIONS, partitioned_tables
from tests.accounts.factories import InsureeFactory

pytestmark = pytest.mark.django_db

PARTITIONED = {
    "contributions_contributionrecord": "insuree_id",
    "healthcards_scanevent": "insuree_id",
}
# A page of 50 rows (51 read). Buffer accesses (hits count every access, the same page again
# too): the partition's index descent, then per row an index and a heap access, and the
# employer's primary-key probe (an index of up to three levels, and the heap). Bounded by the
# page, not by the table.
PAGE_ROWS = 51
PARTITION_BUFFERS = 2 * PAGE_ROWS + 6
STATEMENT_BUFFERS = PARTITION_BUFFERS + 4 * PAGE_ROWS


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's")


def _walk(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *[node for child in plan.get("Plans", []) for node in _walk(child)]]


def explain(sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


def scanned(plan: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return [node for node in _walk(plan) if str(node.get("Relation Name", "")).startswith(table)]


def _fill_records(insurees: list[int], months: int) -> None:
    """Rows for many citizens at once (set-based), each with an employer among 200, so the
    planner sees tables shaped as in production."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO contributions_employer (code, name, province_code, salary_regime, "
            "minimum_wage_region, created_at, updated_at) SELECT 'PT' || lpad(n::text, 6, '0'), "
            "'Employer ' || n, '01', 'employer', 1, now(), now() "
            "FROM generate_series(1, 200) n ON CONFLICT DO NOTHING"
        )
        cursor.execute(
            "INSERT INTO contributions_contributionrecord (insuree_id, month, scheme, "
            "employer_id, salary_base, employee_amount, employer_amount, state_subsidy, "
            "status, posted_at) "
            "SELECT i, (date '2010-01-01' + make_interval(months => m))::date, s, "
            "(SELECT min(id) FROM contributions_employer) + i %% 200, 5000000, 400000, 875000, "
            "0, 'paid', now() FROM unnest(%s::bigint[]) i "
            "CROSS JOIN generate_series(0, %s - 1) m "
            "CROSS JOIN unnest(array['compulsory_si', 'health']) s",
            [insurees, months],
        )
        cursor.execute("ANALYZE contributions_employer")
        cursor.execute("ANALYZE contributions_contributionrecord")


def test_sqlite_tables_stay_plain():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's layout")
    from contributions.models import ContributionRecord

    assert ContributionRecord._meta.pk.name == "id"  # the same model on both databases


def test_growing_tables_are_hash_partitioned_by_insuree():
    postgres_only()
    with connection.cursor() as cursor:
        tables = partitioned_tables(cursor)
        for table, key in PARTITIONED.items():
            cursor.execute(
                "SELECT pg_get_partkeydef(%s::regclass), "
                "(SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass)",
                [table, table],
            )
            assert cursor.fetchone() == (f"HASH ({key})", PARTITIONS)

    assert set(PARTITIONED) <= set(tables)


def test_every_unique_constraint_includes_the_insuree():
    postgres_only()
    with connection.cursor() as cursor:
        for table, key in PARTITIONED.items():
            cursor.execute(
                "SELECT i.relname, array(SELECT a.attname FROM unnest(x.indkey) k "
                "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k) "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND x.indisunique",
                [table],
            )
            uniques = cursor.fetchall()
            assert uniques, table
            for name, columns in uniques:
                assert key in columns, (table, name, columns)


def test_a_citizens_history_page_reads_one_partition_through_an_index(citizen_client, citizen):
    postgres_only()
    # Given 300 citizens and this one with 10 years of two schemes each (72,240 rows)
    _fill_records([InsureeFactory().pk for _ in range(300)] + [citizen.insuree_id], 120)

    # When the citizen reads the first and the next page of their history
    with CaptureQueriesContext(connection) as first:
        r = citizen_client.get("/api/v1/contributions/")
    assert r.status_code == 200, r.json()
    with CaptureQueriesContext(connection) as following:
        r2 = citizen_client.get(r.json()["next"])
    assert r2.status_code == 200, r2.json()

    # Then each statement reads one partition, by an index, within a bounded number of buffers
    for captured in (first, following):
        [query] = [q["sql"] for q in captured.captured_queries]
        plan = explain(query)
        nodes = scanned(plan, "contributions_contributionrecord")
        assert len(nodes) == 1, [n.get("Relation Name") for n in nodes]
        [node] = nodes
        assert node["Node Type"] in {"Index Scan", "Index Only Scan"}, node["Node Type"]
        buffers = plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]
        shape = [
            (n["Node Type"], n.get("Relation Name") or n.get("Index Name"), n.get("Actual Rows"))
            for n in _walk(plan)
        ]
        own = node["Shared Hit Blocks"] + node["Shared Read Blocks"]
        assert node["Actual Rows"] == PAGE_ROWS, shape  # the page and one row: is there more?
        assert own <= PARTITION_BUFFERS, (own, shape)
        assert buffers <= STATEMENT_BUFFERS, (buffers, shape)


def test_a_cards_scan_log_reads_one_partition(citizen_client, citizen):
    postgres_only()
    from healthcards.models import ScanEvent
    from tests.healthcards.factories import FacilityFactory, HealthCardFactory

    card = HealthCardFactory(insuree=citizen.insuree)
    facility = FacilityFactory()
    operator = citizen  # any user: the operator column is only a reference here
    ScanEvent.objects.bulk_create(
        ScanEvent(
            card=card,
            insuree_id=card.insuree_id,
            facility=facility,
            operator=operator,
            result="valid",
            source="signed_qr",
        )
        for _ in range(5)
    )

    with CaptureQueriesContext(connection) as captured:
        r = citizen_client.get(f"/api/v1/healthcards/{card.pk}/scans")
    assert r.status_code == 200, r.json()
    assert len(r.json()["results"]) == 5

    scan_queries = [
        q["sql"] for q in captured.captured_queries if "healthcards_scanevent" in q["sql"]
    ]
    assert scan_queries
    for sql in scan_queries:
        nodes = scanned(explain(sql), "healthcards_scanevent")
        assert len(nodes) == 1, [n.get("Relation Name") for n in nodes]


def test_an_insert_lands_in_the_insurees_partition(citizen):
    postgres_only()
    from contributions.models import ContributionRecord

    record = ContributionRecord.objects.create(
        insuree_id=citizen.insuree_id,
        month=date(2024, 1, 1),
        scheme="health",
        salary_base=5_000_000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM contributions_contributionrecord "
            "WHERE insuree_id = %s AND id = %s",
            [citizen.insuree_id, record.pk],
        )
        [partition] = cursor.fetchone()

    assert partition.startswith("contributions_contributionrecord_p")
    assert ContributionRecord.objects.get(pk=record.pk) == record  # by Django's id alone too
