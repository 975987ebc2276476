"""Replace the trigram index on ``search_text`` with an index of its 1- and 2-character pieces.

Chinese names are searched by two-character fragments (a brand such as "恒禾"), which have no
trigrams: pg_trgm then scans the whole table. The grams index answers any fragment: a term's
2-character pieces (or its single character) must all be in a row's grams, and ``LIKE``
rechecks the exact substring. ``selectors.search_published`` writes the same expression. On
other databases nothing is created and search falls back to ``LIKE`` alone.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION spotcheck_search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) AS pieces
$$
"""


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS publication_search_grams ON disclosure_publication "
        "USING gin (spotcheck_search_grams(search_text::text))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS publication_search_text_trgm")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS publication_search_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS spotcheck_search_grams(text)")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS publication_search_text_trgm "
        "ON disclosure_publication USING gin (search_text gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_backfill_search_and_trigram_index")]

    operations = [migrations.RunPython(forwards, backwards)]
