"""The audit tables refuse UPDATE, DELETE and TRUNCATE at the database level.

PostgreSQL: statement-level BEFORE triggers raise, so even an UPDATE or DELETE matching no row
fails, and TRUNCATE too. SQLite: BEFORE UPDATE/DELETE triggers (SQLite has no TRUNCATE; a
``DELETE FROM`` without WHERE still fires them because the table has triggers). There is no
switch that turns the guard off: only a role that may ALTER the table (its owner, a superuser)
can disable or drop the triggers, which is DDL and visible as such. The application's own role
also loses the privileges (docs/operations.md). The test harness lifts the guard for its
table flushes in tests/audit_guard.py, inside the flush's own transaction.

The SQL is written out here (not imported from the app) so this migration never changes.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditcheckpoint", "audit_auditsigningkey")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION spotcheck_refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'insufficient_privilege',
    MESSAGE = 'spotcheck: ' || TG_OP || ' on ' || TG_TABLE_NAME
              || ' refused: the audit log is append-only',
    HINT = 'See docs/operations.md, section "The audit log".';
END
$body$
"""


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER spotcheck_append_only_{table} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_refuse_audit_change()"
            )
            schema_editor.execute(
                f"CREATE TRIGGER spotcheck_append_only_truncate_{table} BEFORE TRUNCATE ON "
                f"{table} FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_refuse_audit_change()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER spotcheck_append_only_{op.lower()}_{table} BEFORE {op} ON "
                    f"{table} BEGIN SELECT RAISE(ABORT, 'spotcheck: {op} on {table} refused: "
                    "the audit log is append-only'); END"
                )
    else:  # pragma: no cover - settings refuse other engines
        raise RuntimeError(f"no append-only guard for database vendor {vendor}")


def uninstall(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS spotcheck_append_only_{table} ON {table}")
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS spotcheck_append_only_truncate_{table} ON {table}"
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS spotcheck_refuse_audit_change()")
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS spotcheck_append_only_{op}_{table}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_checkpoints_and_signing_keys"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
