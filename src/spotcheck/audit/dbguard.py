"""Is the append-only guard of migration 0003 in place on this database?

Used by ``verify_audit`` (a warning when it is missing) and by the tests. Note: on SQLite a
migration that rebuilds an audit table (Django's way to alter a column there) drops the
table's triggers; ``tests/audit/test_append_only.py`` fails if that ever happens.
"""

from __future__ import annotations

from django.db import connection

from spotcheck.core import partitions

TABLES = ("audit_auditevent", "audit_auditcheckpoint", "audit_auditsigningkey")


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname LIKE 'spotcheck_append_only%' AND tgenabled <> 'D'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'spotcheck_append_only%'"
            )
        return {row[0] for row in cursor.fetchall()}


def _partitions() -> list[str]:
    """The audit log's yearly partitions (PostgreSQL, audit migration 0005): a DELETE or
    TRUNCATE aimed at a partition does not fire the parent's statement triggers, so each
    partition carries its own."""
    with connection.cursor() as cursor:
        if not partitions.is_partitioned(cursor, partitions.AUDIT_EVENTS.table):
            return []
        return partitions.partitions(cursor, partitions.AUDIT_EVENTS.table)


def expected_triggers(vendor: str | None = None) -> set[str]:
    vendor = vendor or connection.vendor
    if vendor == "postgresql":
        return {
            name
            for table in (*TABLES, *(_partitions() if connection.vendor == vendor else []))
            for name in (
                f"spotcheck_append_only_{table}",
                f"spotcheck_append_only_truncate_{table}",
            )
        }
    return {
        f"spotcheck_append_only_{op}_{table}" for table in TABLES for op in ("update", "delete")
    }


def guard_installed() -> bool:
    return expected_triggers() <= installed_triggers()
