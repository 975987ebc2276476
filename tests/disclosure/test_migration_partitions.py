"""The partitioning migrations (audit 0005, disclosure 0008) undone and done again with rows in
the tables: every row, the id sequences and the audit chain survive both ways, and a year that
only the data knows gets its own partition (PostgreSQL; a no-op on SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from spotcheck.audit import dbguard, events
from spotcheck.audit.services import record
from spotcheck.audit.verify import verify_chain
from spotcheck.core import partitions
from tests.inspections.conftest import Scene
from tests.portal.helpers import accepted_individual, correct, publish

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

PLAIN = [
    ("audit", "0004_schedule_hourly_checkpoint"),
    ("disclosure", "0007_draw_commitments_are_voided_not_withdrawn"),
]
TABLES = ("audit_auditevent", "disclosure_publication", "disclosure_publicationitemcode")


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _snapshot() -> dict[str, object]:
    """Every row of the tables, and where their id sequences stand."""
    out: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM {table} t")
            out[table] = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {table}_id_seq")
            out[f"{table} sequence"] = cursor.fetchone()
    return out


def _partitioned(table: str) -> bool:
    with connection.cursor() as cursor:
        return partitions.is_partitioned(cursor, table)


def test_rows_survive_the_migrations_both_ways(scene: Scene, today: dt.date) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the partitioning migrations change nothing on SQLite")
    first = publish(scene, "inspection_result", accepted_individual(scene))
    correct(scene, first, "更正检查结论")
    # An event of a year the migration made no partition for (last year: DEFAULT today).
    earlier = dt.datetime(today.year - 1, 6, 15, 10, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(earlier, tick=False), transaction.atomic():
        record(events.RecordCreated(object_id="x", model="Target", natural_key="X"), actor=None)
    with transaction.atomic():
        record(events.RecordCreated(object_id="y", model="Target", natural_key="Y"), actor=None)
    before = _snapshot()
    try:
        _migrate(PLAIN)
        assert not _partitioned("audit_auditevent") and not _partitioned("disclosure_publication")
        assert _snapshot() == before
        assert dbguard.guard_installed()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert _partitioned("audit_auditevent") and _partitioned("disclosure_publication")
    assert _snapshot() == before
    assert list(verify_chain()) == []
    assert dbguard.guard_installed()
    with connection.cursor() as cursor:
        names = partitions.partitions(cursor, "audit_auditevent")
        cursor.execute(f"SELECT count(*) FROM {partitions.AUDIT_EVENTS.default}")
        in_default = cursor.fetchone()[0]
    # The migration made a partition for the year present in the data; DEFAULT stays empty.
    assert partitions.AUDIT_EVENTS.partition(today.year - 1) in names
    assert in_default == 0
