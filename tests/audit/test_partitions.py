"""The audit log partitioned by year on PostgreSQL (audit migration 0005, core/partitions.py):
partitions for this year and the next, an event of a year without a partition caught by DEFAULT
and moved into its own partition by ``ensure_partitions``, with the chain and the append-only
guard intact. SQLite keeps a plain table: these tests skip there."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from spotcheck.audit import dbguard, events
from spotcheck.audit.models import AuditEvent
from spotcheck.audit.services import record
from spotcheck.audit.verify import verify_chain
from spotcheck.core import partitions

pytestmark = pytest.mark.django_db
SPEC = partitions.AUDIT_EVENTS


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the audit log is partitioned on PostgreSQL only")


def _write(n: int) -> list[AuditEvent]:
    out = []
    for i in range(n):
        with transaction.atomic():
            out.append(
                record(
                    events.RecordCreated(object_id=str(i), model="Target", natural_key=f"K{i}"),
                    actor=None,
                )
            )
    return out


def _home(ev: AuditEvent) -> str:
    """The partition the row is stored in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [ev.pk]
        )
        return str(cursor.fetchone()[0])


def _partitioned_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
        )
        return {row[0] for row in cursor.fetchall()}


def test_both_tables_are_partitioned_with_this_year_next_year_and_default(today: dt.date) -> None:
    assert {"audit_auditevent", "disclosure_publication"} <= _partitioned_tables()
    with connection.cursor() as cursor:
        for spec in partitions.TABLES:
            names = set(partitions.partitions(cursor, spec.table))
            assert {spec.partition(today.year), spec.partition(today.year + 1), spec.default} <= (
                names
            )


def test_an_event_lands_in_its_years_partition(today: dt.date) -> None:
    (ev,) = _write(1)
    assert _home(ev) == SPEC.partition(timezone.localdate(ev.at).year)


def test_a_year_without_partition_goes_to_default_and_is_moved_out(today: dt.date) -> None:
    _write(2)
    # Two years ahead no partition exists yet (the migration and the daily command make this
    # year's and next year's); mid-year, so no time zone puts it in a neighbouring year.
    later = dt.datetime(today.year + 2, 6, 15, 10, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(later, tick=False):
        (future,) = _write(1)
    _write(1)  # back today: the chain goes on after the event of the future
    assert _home(future) == SPEC.default

    out = StringIO()
    call_command("ensure_partitions", stdout=out)
    assert f"已建立分区 {SPEC.partition(today.year + 2)}，从默认分区移入 1 条记录" in out.getvalue()
    assert _home(future) == SPEC.partition(today.year + 2)
    assert AuditEvent.objects.count() == 4
    assert list(verify_chain()) == []
    # The new partition carries the append-only guard like every other.
    assert dbguard.guard_installed()
    for sql in (
        f"DELETE FROM {SPEC.partition(today.year + 2)}",
        f"UPDATE {SPEC.default} SET summary = ''",
        f"TRUNCATE {SPEC.partition(today.year)}",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)

    # Idempotent: a second run creates and moves nothing.
    again = StringIO()
    call_command("ensure_partitions", stdout=again)
    assert "已建立分区" not in again.getvalue()


def test_a_duplicated_seq_in_another_year_is_caught_by_the_chain(today: dt.date) -> None:
    """The database's unique constraint is (seq, at) now: a row copied with another time is
    accepted by the table and reported by the verification."""
    first, _second = _write(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (seq, at, actor_label, event_type, object_type, "
            "object_id, summary, payload, algorithm, prev_hash, hash) SELECT seq, "
            "at + interval '1 second', actor_label, event_type, object_type, object_id, summary, "
            "payload, algorithm, prev_hash, hash FROM audit_auditevent WHERE id = %s",
            [first.pk],
        )
    assert any("序号不连续" in p.message for p in verify_chain())
