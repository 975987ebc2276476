"""Issue 13 part 2: the database itself refuses to change or remove audit rows."""

from __future__ import annotations

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from spotcheck.audit import dbguard, events
from spotcheck.audit.models import AuditCheckpoint, AuditEvent, AuditSigningKey
from spotcheck.audit.services import record
from tests.audit_guard import guard_lifted

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record(
                events.RecordCreated(object_id=str(i), model="Target", natural_key=f"K{i}"),
                actor=None,
            )


def _refused(sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if connection.vendor == "postgresql":
            # Else TRUNCATE stops at this test transaction's pending foreign-key checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


def test_guard_is_installed_after_all_migrations() -> None:
    # A later migration that rebuilds an audit table on SQLite would drop its triggers.
    assert dbguard.guard_installed()
    assert dbguard.expected_triggers() <= dbguard.installed_triggers()


@pytest.mark.parametrize(
    "table", ["audit_auditevent", "audit_auditcheckpoint", "audit_auditsigningkey"]
)
def test_update_and_delete_are_refused_in_sql(table: str) -> None:
    _write(2)
    _key_and_checkpoint()  # SQLite's triggers are per row: give every table one
    _refused(f"UPDATE {table} SET id = id")
    _refused(f"DELETE FROM {table}")
    if connection.vendor == "postgresql":
        _refused(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 2


def test_update_and_delete_are_refused_through_the_orm() -> None:
    _write(3)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(summary="改写")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).delete()
    ev = AuditEvent.objects.get(seq=1)
    ev.summary = "改写"
    with pytest.raises(DatabaseError), transaction.atomic():
        ev.save()
    assert list(AuditEvent.objects.order_by("seq").values_list("summary", flat=True)) == [""] * 3


def test_inserting_stays_possible() -> None:
    _write(1)
    _key_and_checkpoint()
    assert AuditEvent.objects.count() == 1


def _key_and_checkpoint() -> None:
    AuditSigningKey.objects.create(key_id="a" * 64, public_key="x", registered_at=timezone.now())
    AuditCheckpoint.objects.create(
        log_id="t",
        tree_size=1,
        head="b" * 64,
        hash_algorithm="sha256",
        timestamp=1,
        key_id="a" * 64,
        signature="s",
        created_at=timezone.now(),
    )


def test_the_harness_lifts_the_guard_only_inside_its_transaction() -> None:
    _write(2)
    with guard_lifted():
        AuditEvent.objects.filter(seq=2).update(summary="管理员改写")
    assert dbguard.guard_installed()
    _refused("DELETE FROM audit_auditevent")


def _run_flush_sql(sql_list: list[str]) -> None:
    """What Django's ``flush`` does (BaseDatabaseOperations.execute_sql_flush), unwrapped."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in sql_list:
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_flush_without_the_harness_is_refused() -> None:
    """Django's own flush (pytest-django's reset after transactional tests) is refused by the
    triggers; tests/conftest.py wraps it with guard_lifted, so the suite can reset."""
    _write(1)
    flush_sql = connection.ops.sql_flush(
        no_style(), [AuditEvent._meta.db_table], reset_sequences=False, allow_cascade=True
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _run_flush_sql(flush_sql)
    assert AuditEvent.objects.count() == 1
    with guard_lifted():
        _run_flush_sql(flush_sql)
    assert AuditEvent.objects.count() == 0
    assert dbguard.guard_installed()
