"""A GIN index over the 1- and 2-character pieces of each target's name and credit code.

The staff target list searches ``name`` and ``credit_code`` with ``icontains``: a
``LIKE '%term%'`` that scans the whole table (0.5–0.8 s a page at 10^6 targets). Like the
portal's publications (disclosure migration 0005), the grams of the upper-cased columns find
the rows containing every 2-character piece of the upper-cased term (its one character, for a
1-character term) and ``icontains`` rechecks the exact substring. ``spotcheck_query_grams``
computes the term's pieces in the database, after the database's own ``upper()``, so the
pieces always agree with the case-folding ``icontains`` applies; Python's ``str.upper``
differs on some characters (``ß`` becomes ``SS``). ``directory.selectors.target_list``
writes the same expression. On other databases nothing is created and the list keeps
``LIKE`` alone.

Statistics on the upper-cased columns let the planner see how many rows a ``LIKE`` keeps:
without them it takes a common fragment ("商贸", one name in twelve) for a rare one and reads
every row the index names (0.2 s at 10^6) instead of walking the credit-code order until it
has a page (20 ms). ``ANALYZE`` fills them at once rather than at autovacuum's next visit.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

QUERY_FUNCTION = """
CREATE OR REPLACE FUNCTION spotcheck_query_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(t) < 2 THEN ARRAY[t] ELSE ARRAY(
    SELECT DISTINCT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) END
$$
"""

INDEX = (
    "CREATE INDEX IF NOT EXISTS target_search_grams ON directory_target USING gin "
    "(array_cat(spotcheck_search_grams(upper(name::text)), "
    "spotcheck_search_grams(upper(credit_code::text))))"
)


STATISTICS = {
    "target_upper_name": "upper(name::text)",
    "target_upper_credit_code": "upper(credit_code::text)",
}


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(QUERY_FUNCTION)
    schema_editor.execute(INDEX)
    for name, expression in STATISTICS.items():
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM directory_target"
        )
    schema_editor.execute("ANALYZE directory_target")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS target_search_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS spotcheck_query_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_directories_with_history"),
        # spotcheck_search_grams(text) is created there.
        ("disclosure", "0005_search_grams_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
