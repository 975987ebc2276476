"""Drawn lines move from a flag on the pool snapshot (PoolEntry.selected) to rows of their own
(DrawnLine), copied from the snapshot, so the snapshot is never written after the commitment.

Existing draws keep their drawn lines: the flagged rows are copied before the flag goes, and
going back sets the flag again from the copies.
"""

import django.db.models.deletion
from django.db import migrations, models

_COLUMNS = "draw_id, target_id, credit_code, stratum, weight, excluded, pi_units, profile"


def copy_flagged(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        f"INSERT INTO draws_drawnline ({_COLUMNS}) "
        f"SELECT {_COLUMNS} FROM draws_poolentry WHERE selected"
    )


def flag_copied(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        "UPDATE draws_poolentry SET selected = TRUE WHERE EXISTS (SELECT 1 FROM draws_drawnline d "
        "WHERE d.draw_id = draws_poolentry.draw_id AND d.credit_code = draws_poolentry.credit_code)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_supervision_own_key_industry_index"),
        ("draws", "0013_draw_proof_stored_as_json_bytes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DrawnLine",
            fields=[
                (
                    "draw",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="drawn_lines",
                        to="draws.draw",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="directory.target",
                    ),
                ),
                ("credit_code", models.CharField(max_length=18)),
                ("stratum", models.CharField(max_length=60)),
                ("weight", models.PositiveBigIntegerField()),
                ("profile", models.PositiveIntegerField(default=0)),
                ("excluded", models.CharField(blank=True, max_length=100)),
                ("pi_units", models.PositiveBigIntegerField(default=0)),
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "draw",
                        "credit_code",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
            options={
                "ordering": ["draw", "credit_code"],
            },
        ),
        migrations.RunPython(copy_flagged, flag_copied),
        migrations.RemoveIndex(
            model_name="poolentry",
            name="pool_drawn_lines",
        ),
        migrations.RemoveField(
            model_name="poolentry",
            name="selected",
        ),
    ]
