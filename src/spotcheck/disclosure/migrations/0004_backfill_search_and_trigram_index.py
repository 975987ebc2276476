"""Fill the search columns of publications drafted before they existed, and on PostgreSQL
index ``search_text`` with trigrams so that substring search stays indexed.

The backfill mirrors ``disclosure.search`` with historical models (the live module may change
after this migration is written); item codes come from the same sources the service uses.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import migrations

SUBJECT_KINDS = {"inspection_result", "penalty_decision"}


def _text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def _code(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def _item_codes(apps: Any, pub: Any) -> list[str]:
    payload = pub.payload if isinstance(pub.payload, dict) else {}
    items = payload.get("items")
    codes = (
        [str(i["code"]) for i in items or [] if isinstance(i, dict) and i.get("code")]
        if isinstance(items, list)
        else []
    )
    if "items" in (pub.withheld_fields or []):
        return codes
    ItemResult = apps.get_model("inspections", "ItemResult")
    if pub.kind == "inspection_result":
        rows = ItemResult.objects.filter(
            inspection_id=pub.source_id, item__department_id=pub.department_id
        )
        codes += list(rows.values_list("item__code", flat=True))
    elif pub.kind == "penalty_decision":
        FollowUp = apps.get_model("inspections", "FollowUp")
        inspection_id = (
            FollowUp.objects.filter(pk=pub.source_id)
            .values_list("inspection_id", flat=True)
            .first()
        )
        rows = ItemResult.objects.filter(
            inspection_id=inspection_id, item__department_id=pub.department_id
        )
        codes += list(rows.values_list("item__code", flat=True))
    elif pub.kind in {"draw_commitment", "draw_proof"}:
        Draw = apps.get_model("draws", "Draw")
        draw = Draw.objects.filter(pk=pub.source_id).first()
        if draw is not None:
            codes += list(draw.task.items.values_list("code", flat=True))
    return list(dict.fromkeys(codes))


def backfill(apps: Any, schema_editor: Any) -> None:
    Publication = apps.get_model("disclosure", "Publication")
    PublicationItemCode = apps.get_model("disclosure", "PublicationItemCode")
    for pub in Publication.objects.filter(search_text="").iterator(chunk_size=500):
        payload = pub.payload if isinstance(pub.payload, dict) else {}
        target = payload.get("target") if pub.kind in SUBJECT_KINDS else None
        target = target if isinstance(target, dict) else {}
        name = str(target.get("name") or "")
        pub.search_text = _text(" ".join(p for p in (pub.title, name) if p))[:600]
        pub.search_credit_code = _code(str(target.get("credit_code") or ""))[:18]
        pub.save(update_fields=["search_text", "search_credit_code"])
        PublicationItemCode.objects.bulk_create(
            [PublicationItemCode(publication=pub, code=c) for c in _item_codes(apps, pub)],
            ignore_conflicts=True,
        )


def trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS publication_search_text_trgm "
        "ON disclosure_publication USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publication_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_publication_search_columns"),
        ("inspections", "0002_result_categories"),
        ("draws", "0003_advance_notice_exceptions"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
