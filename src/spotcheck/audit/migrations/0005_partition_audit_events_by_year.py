"""PostgreSQL: the audit log becomes a table partitioned by year of ``at``.

One partition per year that has events, plus this year and the next, plus a DEFAULT partition;
every row, the id sequence's position, every index, constraint, foreign key, grant and the
append-only triggers (on the parent and on each partition) are kept. Unique constraints gain
``at`` (PostgreSQL requires the partition key in them): what that leaves to the application and
to the chain verification is written in ``spotcheck.core.partitions``. Django's model state does
not change. SQLite keeps its plain table (nothing to do).

The rebuild rewrites the whole table inside the migration's transaction, during which nothing
can be audited (so nothing written): migrate in a quiet hour. ``manage.py ensure_partitions``
(daily) adds the following years' partitions.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

from spotcheck.core import partitions


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        partitions.to_partitioned(cursor, partitions.AUDIT_EVENTS, today=timezone.localdate())


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        partitions.to_plain(cursor, partitions.AUDIT_EVENTS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_schedule_hourly_checkpoint")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
