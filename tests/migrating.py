"""Moving one app's migrations back and forth inside a test (with the ``restore_migrations``
fixture, which puts every app back at its latest migration afterwards)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_app(targets: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets`` (one app's); the registry of that state, every other app at
    its latest migration, for writing and reading rows as they were then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    apps = {app for app, _name in targets}
    others = [n for n in executor.loader.graph.leaf_nodes() if n[0] not in apps]
    return executor.loader.project_state([*targets, *others]).apps
