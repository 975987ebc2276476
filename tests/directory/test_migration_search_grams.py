"""Directory migration 0002 (the target list's grams index) undone and done again: nothing
left behind going back, everything there going forward (PostgreSQL; a no-op elsewhere)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

BEFORE = [("directory", "0001_directories_with_history")]
AFTER = [("directory", "0002_target_search_grams_index")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _objects() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = 'target_search_grams' "
            "UNION ALL SELECT proname FROM pg_proc WHERE proname = 'spotcheck_query_grams' "
            "UNION ALL SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'target_upper_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_grams_index_migrates_both_ways() -> None:
    expected = (
        {
            "target_search_grams",
            "spotcheck_query_grams",
            "target_upper_name",
            "target_upper_credit_code",
        }
        if connection.vendor == "postgresql"
        else set()
    )
    assert _objects() == expected
    _migrate(BEFORE)
    try:
        assert _objects() == set()
    finally:
        _migrate(AFTER)
    assert _objects() == expected
