"""The test harness's one way past the audit tables' append-only triggers (migration 0003).

pytest-django empties the database after every transactional test with Django's ``flush``:
``DELETE FROM`` each table on SQLite, one ``TRUNCATE`` on PostgreSQL. The triggers refuse both,
on purpose. There is no runtime switch in the triggers (a setting any session can SET would be
a switch the application's role could flip too). Instead the harness does what only the table's
owner can do, and only inside the flush's own transaction: PostgreSQL disables the named
triggers (``ALTER TABLE … DISABLE TRIGGER``) and re-enables them before commit; SQLite, which
cannot disable a trigger, drops them and re-creates them from their stored SQL. If anything
fails, the transaction rolls back with the triggers as they were. Tests that simulate a database
administrator rewriting history use the same context manager.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection
from django.db import transaction


@contextmanager
def guard_lifted(connection: Any = None) -> Iterator[None]:
    connection = connection or default_connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no one but refuses while deferred foreign-key checks of
            # this transaction are pending: run them now (as commit would).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE 'spotcheck_append_only%'"
            )
            triggers = cursor.fetchall()
            for name, table in triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
            yield
            for name, table in triggers:
                cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'spotcheck_append_only%'"
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)


def install_flush_hook() -> Any:
    """Make Django's flush lift the guard; returns the original to restore."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
        with guard_lifted(self.connection):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    return original
