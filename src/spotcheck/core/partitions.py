"""Yearly range partitions for the tables that grow without bound (PostgreSQL only).

The audit log (``audit_auditevent``, partitioned by ``at``) and the publications
(``disclosure_publication``, by ``created_at``: set once when the version is drafted and never
changed, unlike ``published_at`` which is empty for drafts) are ``PARTITION BY RANGE`` tables
with one partition per calendar year in ``settings.TIME_ZONE`` (``<table>_y2026`` holds the
rows of 2026-01-01 00:00 to 2027-01-01 00:00 Beijing time) and a DEFAULT partition
(``<table>_default``), so that no insert ever fails for want of a partition. An old year can
then be detached, dumped and archived on its own (docs/operations.md, section 7a).

What partitioning costs, and why it is acceptable here: PostgreSQL requires every PRIMARY KEY
and UNIQUE constraint of a partitioned table to contain the partition key, so the database now
enforces
- ``PRIMARY KEY (id, <key>)`` instead of ``(id)``: ids still come from the one identity
  sequence (so they stay unique unless someone inserts ids by hand), and Django still treats
  ``id`` alone as the primary key;
- ``UNIQUE (seq, at)`` and ``UNIQUE (hash, at)`` on audit events instead of ``seq`` and ``hash``
  alone: a duplicate ``seq`` is prevented by the application (``audit.services.record`` takes
  ``seq`` from the locked chain head) and detected by the chain verification (``verify_audit``
  reports a sequence that does not continue);
- ``UNIQUE (supersedes_id, created_at)`` on publications instead of one successor per version:
  ``publication_correct`` checks for an existing successor under a row lock;
- no foreign key *into* a partitioned table (it would have to name the partition key): the
  publication's ``supersedes`` and ``PublicationItemCode.publication`` are ``db_constraint=False``
  in the models; the ORM still applies PROTECT and CASCADE. Foreign keys *from* the
  partitioned tables (actor, author, department, …) stay in the database.
NOT NULL, CHECK constraints, the outgoing foreign keys and the audit log's append-only triggers
(on the parent and on every partition) are unchanged.

The migrations that convert the tables (audit 0005, disclosure 0008) and ``manage.py
ensure_partitions`` share this module, so both always name and bound partitions alike. SQLite
keeps its plain tables: every function here is for PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

# The audit guard's function (audit migration 0003); each audit partition gets its triggers.
GUARD_FUNCTION = "spotcheck_refuse_audit_change()"


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    key: str
    # The audit log's partitions get the append-only triggers too: a statement-level trigger on
    # the parent does not fire for a DELETE or TRUNCATE aimed at a partition directly.
    append_only: bool = False

    def partition(self, year: int) -> str:
        return f"{self.table}_y{year}"

    @property
    def default(self) -> str:
        return f"{self.table}_default"


AUDIT_EVENTS = PartitionedTable("audit_auditevent", "at", append_only=True)
PUBLICATIONS = PartitionedTable("disclosure_publication", "created_at")
TABLES = (AUDIT_EVENTS, PUBLICATIONS)


@dataclass(frozen=True)
class Created:
    """A partition ``ensure`` created, with the rows it moved out of the DEFAULT partition."""

    table: str
    year: int
    moved: int


def year_bounds(year: int) -> tuple[str, str]:
    """Local midnight of 1 January of ``year`` and of the next, as timestamptz literals."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime(year, 1, 1, tzinfo=tz).isoformat(),
        dt.datetime(year + 1, 1, 1, tzinfo=tz).isoformat(),
    )


def _rows(cursor: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def is_partitioned(cursor: Any, table: str) -> bool:
    rows = _rows(cursor, "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", (table,))
    return bool(rows) and rows[0][0] == "p"


def partitions(cursor: Any, table: str) -> list[str]:
    return [
        r[0]
        for r in _rows(
            cursor,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            (table,),
        )
    ]


def _years(cursor: Any, table: str, key: str) -> set[int]:
    rows = _rows(
        cursor,
        f'SELECT DISTINCT extract(year FROM "{key}" AT TIME ZONE %s)::int FROM "{table}"',
        (settings.TIME_ZONE,),
    )
    return {int(r[0]) for r in rows}


def _guard(cursor: Any, partition: str) -> None:
    """The append-only triggers of audit migration 0003, on one partition."""
    cursor.execute(
        f'CREATE TRIGGER "spotcheck_append_only_{partition}" BEFORE UPDATE OR DELETE ON '
        f'"{partition}" FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}'
    )
    cursor.execute(
        f'CREATE TRIGGER "spotcheck_append_only_truncate_{partition}" BEFORE TRUNCATE ON '
        f'"{partition}" FOR EACH STATEMENT EXECUTE FUNCTION {GUARD_FUNCTION}'
    )


def _create_partition(cursor: Any, spec: PartitionedTable, year: int) -> None:
    lo, hi = year_bounds(year)
    name = spec.partition(year)
    cursor.execute(
        f"CREATE TABLE \"{name}\" PARTITION OF \"{spec.table}\" FOR VALUES FROM ('{lo}') TO ('{hi}')"
    )
    if spec.append_only:
        _guard(cursor, name)


def _create_default(cursor: Any, spec: PartitionedTable) -> None:
    cursor.execute(f'CREATE TABLE "{spec.default}" PARTITION OF "{spec.table}" DEFAULT')
    if spec.append_only:
        _guard(cursor, spec.default)


def _move_out_of_default(cursor: Any, spec: PartitionedTable, year: int) -> int:
    """Create ``year``'s partition for rows that landed in DEFAULT and move them into it.

    PostgreSQL refuses a new partition while DEFAULT holds rows of its range, so the rows are
    copied into a standalone table, deleted from DEFAULT and the table attached, all in the
    caller's transaction with the parent locked: nobody sees the rows twice or not at all.
    The audit log's DEFAULT partition refuses DELETE (append-only); its triggers are disabled
    for this one statement and re-enabled before commit, which only the table's owner can do.
    """
    lo, hi = year_bounds(year)
    name, default, key = spec.partition(year), spec.default, spec.key
    where = f"\"{key}\" >= '{lo}' AND \"{key}\" < '{hi}'"
    # ALTER TABLE refuses while this transaction has deferred constraint checks pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f'LOCK TABLE "{spec.table}" IN ACCESS EXCLUSIVE MODE')
    # CHECK constraints (and NOT NULL) must match the parent's for ATTACH.
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{spec.table}" INCLUDING CONSTRAINTS)')
    cursor.execute(f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE {where}')
    moved = int(cursor.rowcount)
    triggers = (
        [f"spotcheck_append_only_{default}", f"spotcheck_append_only_truncate_{default}"]
        if spec.append_only
        else []
    )
    for trigger in triggers:
        cursor.execute(f'ALTER TABLE "{default}" DISABLE TRIGGER "{trigger}"')
    cursor.execute(f'DELETE FROM "{default}" WHERE {where}')
    for trigger in triggers:
        cursor.execute(f'ALTER TABLE "{default}" ENABLE TRIGGER "{trigger}"')
    # ATTACH builds the parent's indexes and foreign keys on the new partition.
    cursor.execute(
        f'ALTER TABLE "{spec.table}" ATTACH PARTITION "{name}" FOR VALUES FROM (\'{lo}\') '
        f"TO ('{hi}')"
    )
    if spec.append_only:
        _guard(cursor, name)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return moved


def ensure(cursor: Any, spec: PartitionedTable, *, today: dt.date) -> list[Created]:
    """Partitions for this year and the next, and for every year with rows in DEFAULT.

    Idempotent. Run inside one transaction per table (``manage.py ensure_partitions``).
    Returns what it created; nothing when the table is not partitioned (not migrated yet).
    """
    if not is_partitioned(cursor, spec.table):
        return []
    existing = set(partitions(cursor, spec.table))
    if spec.default not in existing:
        _create_default(cursor, spec)
    stray = _years(cursor, spec.default, spec.key)
    created = []
    for year in sorted({today.year, today.year + 1} | stray):
        if spec.partition(year) in existing:
            continue
        if year in stray:
            created.append(Created(spec.table, year, _move_out_of_default(cursor, spec, year)))
        else:
            _create_partition(cursor, spec, year)
            created.append(Created(spec.table, year, 0))
    return created


# --- Converting a plain table into a partitioned one and back (the migrations) ---------------


@dataclass
class _Shape:
    """What a table carries besides its columns, read from the catalog before rebuilding it."""

    columns: list[str]
    identity: str | None
    constraints: list[tuple[str, str, str, list[str], bool]]  # name, type, definition, cols, self
    indexes: list[str]  # CREATE INDEX statements of indexes that back no constraint
    triggers: list[str]
    grants: list[tuple[str, str]]  # grantee, privilege


def _grants(cursor: Any, relation: str) -> list[tuple[str, str]]:
    """Privileges others hold on a table or sequence (the owner's are implicit)."""
    return [
        (r[0], r[1])
        for r in _rows(
            cursor,
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, "
            "a.privilege_type FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
            "LEFT JOIN pg_roles r ON r.oid = a.grantee "
            "WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
            (relation,),
        )
    ]


def _shape(cursor: Any, table: str) -> _Shape:
    cols = _rows(
        cursor,
        "SELECT attname, attidentity FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (table,),
    )
    constraints = _rows(
        cursor,
        "SELECT con.conname, con.contype, pg_get_constraintdef(con.oid), "
        "ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), "
        "con.confrelid = con.conrelid "
        "FROM pg_constraint con WHERE con.conrelid = %s::regclass "
        "AND con.contype IN ('p', 'u', 'c', 'f') ORDER BY con.contype DESC, con.conname",
        (table,),
    )
    indexes = _rows(
        cursor,
        "SELECT pg_get_indexdef(x.indexrelid), x.indisunique FROM pg_index x "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid) ORDER BY x.indexrelid",
        (table,),
    )
    if any(unique for _, unique in indexes):
        # A unique index outside a constraint would need the key added by hand; none exists.
        raise RuntimeError(f"{table}: unique index without a constraint, cannot partition")
    triggers = _rows(
        cursor,
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND NOT tgisinternal ORDER BY tgname",
        (table,),
    )
    grants = _grants(cursor, table)
    return _Shape(
        columns=[c[0] for c in cols],
        identity=next((c[0] for c in cols if c[1]), None),
        constraints=[(c[0], c[1], c[2], list(c[3]), bool(c[4])) for c in constraints],
        # A partitioned parent's index reads "ON ONLY t"; on the rebuilt table it must recurse.
        indexes=[i[0].replace(" ON ONLY ", " ON ") for i in indexes],
        triggers=[t[0] for t in triggers],
        grants=grants,
    )


def _rebuild(cursor: Any, spec: PartitionedTable, *, partitioned: bool, years: list[int]) -> None:
    """Recreate ``spec.table`` partitioned by its key (or plain again), with the same data.

    The old table is renamed, a new one made LIKE it (columns, defaults, identity), rows and
    the identity sequence's position copied, the old table dropped, then every constraint,
    index, trigger and grant re-created under its old name. Primary keys and unique
    constraints gain the key (or lose it again when made plain).
    """
    table, key = spec.table, spec.key
    shape = _shape(cursor, table)
    old = f"{table}__old"
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
    partition_by = f' PARTITION BY RANGE ("{key}")' if partitioned else ""
    cursor.execute(
        f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY '
        f"INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS){partition_by}"
    )
    if partitioned:
        for year in sorted(set(years) | _years(cursor, old, key)):
            _create_partition(cursor, spec, year)
        _create_default(cursor, spec)
    columns = ", ".join(f'"{c}"' for c in shape.columns)
    cursor.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{old}"')
    seq_name, seq_grants = None, []
    if shape.identity:
        old_seq = _rows(cursor, "SELECT pg_get_serial_sequence(%s, %s)", (old, shape.identity))
        seq_name = old_seq[0][0]
        seq_grants = _grants(cursor, seq_name)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), s.last_value, s.is_called) "
            f"FROM {seq_name} s",
            (table, shape.identity),
        )
    # Foreign keys into the old table (from other tables) go: a foreign key cannot point at a
    # partitioned table without its key. When made plain again, the migration re-creates them
    # from the model (schema_editor), under Django's names.
    for referrer, name in _rows(
        cursor,
        "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
        "AND confrelid = %s::regclass AND conrelid <> confrelid",
        (old,),
    ):
        cursor.execute(f'ALTER TABLE {referrer} DROP CONSTRAINT "{name}"')
    cursor.execute(f'DROP TABLE "{old}"')  # and its partitions, indexes, triggers
    if seq_name:
        # Keep the sequence's name (dumps, docs and the flush's sequence reset see the same).
        new_seq = _rows(cursor, "SELECT pg_get_serial_sequence(%s, %s)", (table, shape.identity))
        cursor.execute(f"ALTER SEQUENCE {new_seq[0][0]} RENAME TO {seq_name.split('.')[-1]}")
        for grantee, privilege in seq_grants:
            cursor.execute(f"GRANT {privilege} ON SEQUENCE {seq_name} TO {grantee}")
    for name, kind, definition, cols, self_ref in shape.constraints:
        if kind in ("p", "u"):
            if partitioned and key not in cols:
                cols = [*cols, key]
            elif not partitioned and len(cols) > 1 and cols[-1] == key:
                cols = cols[:-1]
            word = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            quoted = ", ".join(f'"{c}"' for c in cols)
            definition = f"{word} ({quoted})"
        elif kind == "f" and self_ref:
            continue  # a foreign key into itself: see above
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for statement in shape.indexes + shape.triggers:
        cursor.execute(statement)
    for grantee, privilege in shape.grants:
        cursor.execute(f'GRANT {privilege} ON "{table}" TO {grantee}')
    # Autovacuum never analyses a partitioned parent; give the planner its statistics now.
    cursor.execute(f'ANALYZE "{table}"')


def to_partitioned(cursor: Any, spec: PartitionedTable, *, today: dt.date) -> None:
    """Convert ``spec.table``: partitions for each year of its rows, this year and the next."""
    if not is_partitioned(cursor, spec.table):
        _rebuild(cursor, spec, partitioned=True, years=[today.year, today.year + 1])


def to_plain(cursor: Any, spec: PartitionedTable) -> None:
    """Back to one plain table with the original constraints (the migrations' reverse)."""
    if is_partitioned(cursor, spec.table):
        _rebuild(cursor, spec, partitioned=False, years=[])
