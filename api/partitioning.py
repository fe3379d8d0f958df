"""Hash partitioning by insuree for the tables that grow with citizens (PostgreSQL only).

A migration operation, ``PartitionByHash(table, key="insuree_id")``, turns a table Django
created into a declaratively partitioned one with the same name, columns, defaults, checks,
indexes, unique constraints and foreign keys, and its rows. On other databases (SQLite in
development and tests) it does nothing: the model and the queries are the same either way.

How the model and the database differ, and why:

- **Primary key.** PostgreSQL requires every unique constraint of a partitioned table, the
  primary key included, to contain the partition key. The database's primary key becomes
  ``(insuree_id, id)``; Django keeps ``id`` as the model's primary key, unique in practice (a
  sequence or a UUID). Django 5.2's ``CompositePrimaryKey`` would say the same thing in the
  model, but such models cannot be registered in the admin nor be the target of a
  ``ForeignKey``, and Django cannot migrate an existing primary key to a composite one, so the
  Django-visible ``id`` is kept (as django-postgres-extra users and others do).
- **Lookups by id alone** (admin pages, batch updates of scans) have no global index on
  ``id``: a plain index on ``id`` in each partition keeps them at one probe per partition.
- **Identity.** PostgreSQL 15 does not allow identity columns on partitioned tables (17 does):
  a ``BigAutoField`` gets a sequence owned by the column instead, which Django's inserts
  (``RETURNING id``) and ``sqlsequencereset`` handle alike.
- **Foreign keys to the table** must include the insuree too; the operation refuses to run
  while one references ``id`` alone (drop it first, then add a composite one).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PARTITIONS = 16  # about 6M rows each for a province's 100M contribution records
# The partitioned tables and their key (migrations partition them; tests check the list).
PARTITIONED_TABLES = {
    "contributions_contributionrecord": "insuree_id",
    "healthcards_scanevent": "insuree_id",
    "notifications_notification": "insuree_id",
    "notifications_delivery": "insuree_id",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
        [table],
    )
    return cursor.fetchone() is not None


def _definitions(cursor: Any, table: str) -> dict[str, Any]:
    """What LIKE does not copy: indexes, unique and foreign-key constraints, identity."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    referencing = cursor.fetchall()
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> ''",
        [table],
    )
    identity = [row[0] for row in cursor.fetchall()]
    return {
        "primary": [c for c in constraints if c[1] == "p"],
        "unique": [c for c in constraints if c[1] == "u"],
        "foreign": [c for c in constraints if c[1] == "f"],
        "indexes": indexes,
        "referencing": referencing,
        "identity": identity,
    }


def partition_table(cursor: Any, table: str, key: str, partitions: int = PARTITIONS) -> None:
    """Rebuild ``table`` as ``PARTITION BY HASH (key)`` with ``partitions`` partitions."""
    if _is_partitioned(cursor, table):
        return
    found = _definitions(cursor, table)
    if found["referencing"]:
        raise RuntimeError(
            f"{table} is referenced by {found['referencing']}: replace those foreign keys by "
            f"composite ones including {key} before partitioning"
        )
    [(pk_name, _type, pk_def)] = found["primary"]
    pk_columns = pk_def[pk_def.index("(") + 1 : pk_def.index(")")]
    new = f"{table}__partitioned"
    cursor.execute(
        f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY HASH ({_q(key)})"
    )
    for remainder in range(partitions):
        cursor.execute(
            f"CREATE TABLE {_q(f'{table}_p{remainder}')} PARTITION OF {_q(new)} "
            f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
        )
    cursor.execute(f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}")  # noqa: S608
    cursor.execute(f"DROP TABLE {_q(table)}")
    cursor.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
    for column in found["identity"]:
        sequence = f"{table}_{column}_seq"
        cursor.execute(
            f"CREATE SEQUENCE {_q(sequence)} AS bigint OWNED BY {_q(table)}.{_q(column)}"
        )
        cursor.execute(
            f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(column)} "
            f"SET DEFAULT nextval('{_q(sequence)}'::regclass)"
        )
        highest = f"SELECT coalesce(max({_q(column)}), 0) + 1 FROM {_q(table)}"  # noqa: S608
        cursor.execute(f"SELECT setval('{_q(sequence)}'::regclass, ({highest}), false)")
    columns = ", ".join(dict.fromkeys([_q(key), *[c.strip() for c in pk_columns.split(",")]]))
    cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({columns})")
    if key not in pk_columns:
        # lookups by the Django primary key alone: one probe per partition
        cursor.execute(
            f"CREATE INDEX {_q(f'{table[:40]}_pk_lookup')} ON {_q(table)} ({pk_columns})"
        )
    for _name, definition in found["indexes"]:
        cursor.execute(definition)  # "CREATE [UNIQUE] INDEX name ON public.table ..."
    for name, _type, definition in [*found["unique"], *found["foreign"]]:
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    cursor.execute(f"ANALYZE {_q(table)}")


def unpartition_table(cursor: Any, table: str, key: str) -> None:
    """The reverse: a plain table again, primary key on the Django primary key alone."""
    if not _is_partitioned(cursor, table):
        return
    found = _definitions(cursor, table)
    [(pk_name, _type, pk_def)] = found["primary"]
    pk_columns = [c.strip() for c in pk_def[pk_def.index("(") + 1 : pk_def.index(")")].split(",")]
    own = [c for c in pk_columns if c.strip('"') != key] or pk_columns
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, own[0].strip('"')])
    sequence = cursor.fetchone()[0]
    new = f"{table}__plain"
    cursor.execute(
        f"CREATE TABLE {_q(new)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS)"
    )
    cursor.execute(f"INSERT INTO {_q(new)} SELECT * FROM {_q(table)}")  # noqa: S608
    cursor.execute(f"DROP TABLE {_q(table)} CASCADE")
    cursor.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
    if sequence:
        column = own[0].strip('"')
        cursor.execute(f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(column)} DROP DEFAULT")
        cursor.execute(
            f"ALTER TABLE {_q(table)} ALTER COLUMN {_q(column)} ADD GENERATED BY DEFAULT AS "
            f"IDENTITY"
        )
        highest = f"SELECT coalesce(max({_q(column)}), 0) + 1 FROM {_q(table)}"  # noqa: S608
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), ({highest}), false)", [table, column]
        )
    cursor.execute(
        f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({', '.join(own)})"
    )
    for name, definition in found["indexes"]:
        if not name.endswith("_pk_lookup"):
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
    for name, _type, definition in [*found["unique"], *found["foreign"]]:
        cursor.execute(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}")


class PartitionByHash(migrations.RunPython):
    """Partition ``table`` by hash of ``key`` on PostgreSQL; nothing elsewhere."""

    def __init__(self, table: str, key: str = "insuree_id", partitions: int = PARTITIONS) -> None:
        self.table, self.key, self.partitions = table, key, partitions
        super().__init__(self._forward, self._backward)

    def _forward(self, apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            partition_table(cursor, self.table, self.key, self.partitions)

    def _backward(self, apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            unpartition_table(cursor, self.table, self.key)

    def describe(self) -> str:
        return f"Partition {self.table} by hash of {self.key} (PostgreSQL)"


def partitioned_tables(cursor: Any) -> list[str]:
    """Names of the partitioned tables of this database (parents only)."""
    cursor.execute(
        "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE pg_table_is_visible(c.oid) ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]
