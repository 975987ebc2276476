"""What the PostgreSQL benchmarks share: a scratch database they may drop, Django pointed at
it, and targets written through the real table with COPY (10^6 rows in well under a minute,
where the ORM would take an hour).

Used by draw_app.py, directory_list.py and import_targets.py; import it with ``benchmarks/`` on
``sys.path`` (each script runs from that folder).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_RESERVED = ("postgres", "template0", "template1")

# Every column of directory_target a seeder fills, in the order of the rows it writes.
TARGET_COLUMNS = (
    "credit_code, code_warning_confirmed, name, kind, legal_representative, address, "
    "industry_code, industry_name, region, affiliation, scale, project_progress, "
    "credit_class, supervision_grade, key_industry, complaint_count, blacklisted, "
    "abnormal_list, serious_violation, status, updated_at"
)


def unsafe_name(name: str) -> bool:
    """True unless ``name`` is a plain identifier of a database nobody needs: it is dropped."""
    return not SAFE_NAME.fullmatch(name) or name in _RESERVED


def recreate(pg: str, name: str) -> str:
    """Drop and create the scratch database ``name`` on server ``pg``; its URL."""
    import psycopg

    assert not unsafe_name(name), name
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{pg}/{name}"


def drop(pg: str, name: str) -> None:
    import psycopg

    assert not unsafe_name(name), name
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup_django(url: str, home: Path) -> None:
    """Point this process's Django at ``url``, files under ``home``."""
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "spotcheck.config.settings",
            "SPOTCHECK_HOME": str(home),
            "MEDIA_ROOT": str(home / "media"),
        }
    )
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def copy_targets(rows: Iterable[tuple[Any, ...]]) -> float:
    """COPY ``rows`` (values in TARGET_COLUMNS order) into the target table, then VACUUM it.
    Bypasses the model: no history rows, no options-cache bump (a fresh database has none).

    The name/code grams index (directory migration 0002) is dropped for the COPY and built
    again afterwards, several times faster than updating it row by row; returns the seconds
    the build took."""
    import importlib

    from django.db import connection

    from spotcheck.directory.models import Target

    migration = importlib.import_module(
        "spotcheck.directory.migrations.0002_target_search_grams_index"
    )
    table = Target._meta.db_table
    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS target_search_grams")
        with cur.cursor.copy(f"COPY {table} ({TARGET_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        started = time.perf_counter()
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute(migration.INDEX)
        built = time.perf_counter() - started
        # As autovacuum would soon: statistics, and a visibility map for index-only scans.
        cur.execute(f"VACUUM ANALYZE {table}")
    return built
