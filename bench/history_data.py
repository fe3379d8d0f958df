"""Contribution histories for the ``history`` benchmark, loaded with set-based SQL.

Each size lives in its own PostgreSQL database (the 10M one is ``DATABASE_URL``'s, the 100k
one a sibling named ``<name>_100k``), so both stay loaded and reruns skip the load. Rows are
written month by month across all insurees of a chunk, as monthly imports write them, so one
insuree's rows are spread over the table rather than stored together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_EMPLOYER = "BENCH00001"
SCHEMES = ("compulsory_si", "unemployment", "health", "voluntary_si")
MONTHS = 250  # 250 months x 4 schemes: 1,000 rows per insuree
ROWS_PER_INSUREE = MONTHS * len(SCHEMES)
FIRST_MONTH = "2005-01-01"
CHUNK_INSUREES = 1_000  # one transaction per chunk: about 1M rows

MARKER_DDL = (
    "CREATE TABLE IF NOT EXISTS bench_dataset (name text PRIMARY KEY, insurees integer, "
    "records bigint, load_seconds double precision, loaded_at timestamptz DEFAULT now())"
)
INSUREES_SQL = """
INSERT INTO accounts_insuree (created_at, updated_at, public_id, social_insurance_number,
    national_id, full_name, date_of_birth, gender, phone, address, household_relation,
    household_id, province_id)
SELECT now(), now(), md5('bench-insuree-' || n)::uuid, '9' || lpad(n::text, 9, '0'), NULL,
    'Bench ' || n, date '1975-01-01' + (n %% 9000), CASE WHEN n %% 2 = 0 THEN 'male' ELSE 'female'
    END, '09' || lpad(n::text, 8, '0'), '', '', NULL, %(province)s
FROM generate_series(%(first)s::integer, %(last)s::integer) n
ON CONFLICT DO NOTHING
"""
RECORDS_SQL = """
INSERT INTO contributions_contributionrecord (insuree_id, month, scheme, employer_id,
    salary_base, employee_amount, employer_amount, state_subsidy, status, declaration_id,
    posted_at)
SELECT i.id, (%(first_month)s::date + make_interval(months => m))::date, s, %(employer)s,
    5000000 + (i.id %% 60) * 500000, 800000 + (i.id %% 60) * 40000,
    1750000 + (i.id %% 60) * 87500, 0, 'paid', NULL, now()
FROM generate_series(0, %(months)s::integer - 1) m
CROSS JOIN unnest(%(schemes)s::text[]) s
CROSS JOIN (
    SELECT id FROM accounts_insuree
    WHERE social_insurance_number BETWEEN %(sin_first)s AND %(sin_last)s OR id = %(extra)s
) i
ON CONFLICT DO NOTHING
"""


@dataclass
class Dataset:
    url: str
    insurees: int
    records: int
    load_seconds: float  # when it was loaded (possibly by an earlier run)
    loaded_now: bool
    subject_insuree_id: int


def sibling_url(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path + suffix))


def ensure_database(url: str) -> bool:
    """Create the database when missing; True if it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return True


def _sin(n: int) -> str:
    return "9" + str(n).zfill(9)


def load(url: str, *, name: str, insurees: int, subject_username: str, log=print) -> Dataset:
    """``insurees`` synthetic insurees with ``ROWS_PER_INSUREE`` rows each, plus as many rows
    for the subject (the demo citizen, whose history the benchmark pages). Idempotent: a
    finished load is recorded in ``bench_dataset`` and skipped; an interrupted one resumes at
    the first chunk not committed."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(MARKER_DDL)
        subject = conn.execute(
            "SELECT insuree_id FROM accounts_user WHERE username = %s", [subject_username]
        ).fetchone()
        if subject is None or subject[0] is None:
            raise RuntimeError(f"no insuree for {subject_username}: run seed_demo first")
        subject_id = int(subject[0])
        done = conn.execute(
            "SELECT insurees, records, load_seconds FROM bench_dataset WHERE name = %s", [name]
        ).fetchone()
        if done is not None and done[0] == insurees:
            return Dataset(url, insurees, int(done[1]), float(done[2]), False, subject_id)

        began = time.perf_counter()
        conn.execute("SET synchronous_commit = off")
        conn.execute(
            "INSERT INTO contributions_employer (code, name, province_code, salary_regime, "
            "minimum_wage_region, created_at, updated_at) "
            "VALUES (%s, 'Bench Employer', '01', 'employer', 1, now(), now()) "
            "ON CONFLICT DO NOTHING",
            [BENCH_EMPLOYER],
        )
        employer = conn.execute(
            "SELECT id FROM contributions_employer WHERE code = %s", [BENCH_EMPLOYER]
        ).fetchone()[0]
        province = conn.execute("SELECT min(code) FROM accounts_province").fetchone()[0]
        present = conn.execute(
            "SELECT count(*) FROM accounts_insuree WHERE social_insurance_number LIKE '9%'"
        ).fetchone()[0]
        # the last chunk may have been cut short: redo it (ON CONFLICT skips what exists)
        start = max(1, present - CHUNK_INSUREES + 1) if present else 1
        for first in range(start, insurees + 1, CHUNK_INSUREES):
            last = min(insurees, first + CHUNK_INSUREES - 1)
            chunk_began = time.perf_counter()
            with conn.transaction():
                conn.execute(INSUREES_SQL, {"province": province, "first": first, "last": last})
                conn.execute(
                    RECORDS_SQL,
                    {
                        "first_month": FIRST_MONTH,
                        "employer": employer,
                        "months": MONTHS,
                        "schemes": list(SCHEMES),
                        "sin_first": _sin(first),
                        "sin_last": _sin(last),
                        "extra": subject_id if first == 1 else -1,
                    },
                )
            log(
                f"  {name}: insurees {first}-{last} of {insurees} "
                f"({time.perf_counter() - chunk_began:.1f} s)"
            )
        conn.execute("ANALYZE accounts_insuree")
        conn.execute("ANALYZE contributions_contributionrecord")
        records = conn.execute("SELECT count(*) FROM contributions_contributionrecord").fetchone()[
            0
        ]
        seconds = time.perf_counter() - began
        conn.execute(
            "INSERT INTO bench_dataset (name, insurees, records, load_seconds) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET insurees = "
            "EXCLUDED.insurees, records = EXCLUDED.records, load_seconds = "
            "EXCLUDED.load_seconds, loaded_at = now()",
            [name, insurees, records, seconds],
        )
        return Dataset(url, insurees, int(records), seconds, True, subject_id)
