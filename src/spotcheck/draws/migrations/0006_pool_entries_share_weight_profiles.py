"""Pool lines point at a per-draw list of weight-reason profiles instead of each carrying its
own JSON copy: at a million lines the copies were most of the snapshot's bytes."""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations, models


def to_profiles(apps: Any, schema_editor: Any) -> None:
    Draw = apps.get_model("draws", "Draw")
    PoolEntry = apps.get_model("draws", "PoolEntry")
    for draw in Draw.objects.all().iterator():
        index: dict[str, int] = {}
        profiles: list[Any] = []
        changed = []
        for entry in PoolEntry.objects.filter(draw=draw).only("pk", "factors").iterator():
            key = json.dumps(entry.factors, sort_keys=True, ensure_ascii=False)
            if key not in index:
                index[key] = len(profiles)
                profiles.append(entry.factors)
            entry.profile = index[key]
            changed.append(entry)
        PoolEntry.objects.bulk_update(changed, ["profile"], batch_size=2000)
        draw.weight_profiles = profiles
        draw.save(update_fields=["weight_profiles"])


def to_factors(apps: Any, schema_editor: Any) -> None:
    Draw = apps.get_model("draws", "Draw")
    PoolEntry = apps.get_model("draws", "PoolEntry")
    for draw in Draw.objects.all().iterator():
        profiles = draw.weight_profiles or []
        changed = []
        for entry in PoolEntry.objects.filter(draw=draw).only("pk", "profile").iterator():
            entry.factors = profiles[entry.profile] if entry.profile < len(profiles) else []
            changed.append(entry)
        PoolEntry.objects.bulk_update(changed, ["factors"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("draws", "0005_draw_conflict_key_and_recusal_reason_code")]

    operations = [
        migrations.AddField(
            model_name="draw",
            name="weight_profiles",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="poolentry",
            name="profile",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(to_profiles, to_factors),
        migrations.RemoveField(model_name="poolentry", name="factors"),
    ]
