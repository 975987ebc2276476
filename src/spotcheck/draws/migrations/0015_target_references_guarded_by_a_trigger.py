"""Check slots and team members name their target without a database-level foreign key; a
trigger refuses to delete a target that either names.

The foreign keys' check at commit locked every drawn target's row (FOR KEY SHARE: a heap
write on a page of its own, with its WAL), 3·10^5 rows for a draw over 10^7 lines, about
8 s of the execution together with the other checks (docs/operations.md §9b). Targets are
never deleted by the application (the ORM's PROTECT still refuses it); the trigger keeps
a raw ``DELETE`` from orphaning a draw's record, at the cost of two index probes per deleted
target instead of one lock per inserted row.

PostgreSQL only. On SQLite, the embedded single-host default whose database is one file in
the operator's hands, the trigger would break the test runner's flush (SQLite has no
TRUNCATE: the flush deletes table by table, targets before slots) and the ORM's PROTECT is
the guard (``tests/draws/test_target_guard.py`` tries both).
"""

import django.db.models.deletion
from django.db import migrations, models

_MESSAGE = "target is named by a draw's check slots or teams and cannot be deleted"
_IN_USE = (
    "EXISTS (SELECT 1 FROM draws_checkslot WHERE target_id = OLD.id) "
    "OR EXISTS (SELECT 1 FROM draws_teammember WHERE target_id = OLD.id)"
)

_POSTGRESQL = f"""
CREATE FUNCTION spotcheck_target_in_use() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_IN_USE} THEN
        -- No percent sign anywhere: Django passes this text through the driver formatting.
        RAISE EXCEPTION USING
            MESSAGE = '{_MESSAGE.replace("'", "''")} (id ' || OLD.id || ')',
            ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER target_in_use BEFORE DELETE ON directory_target
    FOR EACH ROW EXECUTE FUNCTION spotcheck_target_in_use();
"""


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_POSTGRESQL)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS target_in_use ON directory_target")
        schema_editor.execute("DROP FUNCTION IF EXISTS spotcheck_target_in_use()")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_supervision_own_key_industry_index"),
        ("draws", "0014_drawn_lines_in_their_own_table"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkslot",
            name="target",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="check_slots",
                to="directory.target",
            ),
        ),
        migrations.AlterField(
            model_name="teammember",
            name="target",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.target",
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
