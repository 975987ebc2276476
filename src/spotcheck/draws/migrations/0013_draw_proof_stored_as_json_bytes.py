"""A draw's proof is stored as the bytes of its JSON text, not as jsonb.

The proof is only ever written once and read back whole. As jsonb, PostgreSQL parsed it into
its binary form on every write: at 10^7 targets (a 186 MB proof) storing it took about 10 s
of the execution (docs/operations.md §9b); see ``core.fields.JSONBytesField``. The column
keeps the lz4 compression migration 0012 chose; existing proofs are converted in place (their
text as PostgreSQL prints jsonb, still the same JSON). On SQLite the table is rebuilt with a
binary column and the stored text copied as it is; the field reads text or bytes alike.
"""

from django.db import migrations, models

import spotcheck.core.fields

_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _alter(to_bytes: bool):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            if to_bytes:
                using = "bytea USING convert_to(proof::text, 'UTF8')"
            else:
                using = "jsonb USING convert_from(proof, 'UTF8')::jsonb"
            schema_editor.execute(f"ALTER TABLE draws_draw ALTER COLUMN proof TYPE {using}")
            with connection.cursor() as cursor:
                cursor.execute(_LZ4)
                row = cursor.fetchone()
            if row and row[0]:
                schema_editor.execute(
                    "ALTER TABLE draws_draw ALTER COLUMN proof SET COMPRESSION lz4"
                )
            return
        model = apps.get_model("draws", "Draw")
        json_field = models.JSONField(null=True, blank=True)
        bytes_field = spotcheck.core.fields.JSONBytesField(null=True, blank=True)
        for field in (json_field, bytes_field):
            field.set_attributes_from_name("proof")
            field.model = model
        old, new = (json_field, bytes_field) if to_bytes else (bytes_field, json_field)
        schema_editor.alter_field(model, old, new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0012_draw_proof_lz4_compression"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="draw",
                    name="proof",
                    field=spotcheck.core.fields.JSONBytesField(
                        blank=True, null=True, verbose_name="抽取证明"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_alter(True), _alter(False))],
        ),
    ]
