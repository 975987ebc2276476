"""PostgreSQL: publications become a table partitioned by year of ``created_at``.

``created_at`` is set once when a version is drafted and never changed (``published_at`` is
empty for drafts and set later, so it cannot decide a row's partition). One partition per year
that has publications, plus this year and the next, plus a DEFAULT partition; rows, the id
sequence, indexes (the search grams and the covering index of migrations 0005/0006 included),
check constraints, outgoing foreign keys and grants are kept (``spotcheck.core.partitions``).

The two foreign keys *into* the table (``supersedes`` and ``PublicationItemCode.publication``)
cannot stay in the database, which needs the partition key in a referenced key: the models
say ``db_constraint=False`` (the ORM keeps PROTECT and CASCADE). SQLite keeps its tables and
their foreign keys as they are; only Django's model state changes there.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from spotcheck.core import partitions

# (model, field) pairs whose foreign keys into the publications go and, reversed, come back.
INCOMING = (("publication", "supersedes"), ("publicationitemcode", "publication"))


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Drops the incoming foreign keys too (they reference the old table).
        partitions.to_partitioned(cursor, partitions.PUBLICATIONS, today=timezone.localdate())


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        partitions.to_plain(cursor, partitions.PUBLICATIONS)
    # Back under the names Django gave them (the field's db_constraint is not consulted).
    for model_name, field_name in INCOMING:
        model = apps.get_model("disclosure", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(
            schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0007_draw_commitments_are_voided_not_withdrawn")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="publication",
                    name="supersedes",
                    field=models.OneToOneField(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="superseded_by",
                        to="disclosure.publication",
                        verbose_name="更正的版本",
                    ),
                ),
                migrations.AlterField(
                    model_name="publicationitemcode",
                    name="publication",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="item_codes",
                        to="disclosure.publication",
                    ),
                ),
            ],
        )
    ]
