"""Shared fixtures: named personas, one per role, across two departments.

Like healthchecks' test base: every view test can ask "does the outsider see nothing?".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import timezone

from spotcheck.accounts.models import Department, Role, User
from tests.factories import DepartmentFactory, UserFactory

pytest_plugins = ["tests.workflow_fixtures"]


@dataclass
class Personas:
    dept: Department
    other_dept: Department
    admin: User
    section: User
    other_section: User
    inspector: User
    legal_reviewer: User
    leader: User
    auditor: User

    def all(self) -> dict[str, User]:
        return {
            name: getattr(self, name)
            for name in (
                "admin",
                "section",
                "other_section",
                "inspector",
                "legal_reviewer",
                "leader",
                "auditor",
            )
        }


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_audit_guard() -> Iterator[None]:
    """Transactional tests end with Django's flush, which the audit tables' append-only
    triggers refuse; the harness lifts them inside the flush (see tests/audit_guard.py)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from tests.audit_guard import install_flush_hook

    original = install_flush_hook()
    yield
    BaseDatabaseOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture
def restore_migrations() -> Iterator[None]:
    """For tests that migrate an app backwards: afterwards every app is at its latest
    migration again. Migrating one app back also unapplies what depends on it, in other
    apps and later in the same app, so going "forward" to the migration under test alone
    would leave the database without them for every test this worker runs next."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def personas(db: None) -> Personas:
    dept = DepartmentFactory(code="market", name="市场建设科")
    other = DepartmentFactory(code="trade", name="商贸流通科")
    leader = UserFactory(username="leader", role=Role.LEADER, department=dept)
    return Personas(
        dept=dept,
        other_dept=other,
        admin=UserFactory(
            username="admin", role=Role.ADMIN, department=None, is_staff=True, is_superuser=True
        ),
        section=UserFactory(username="section", role=Role.SECTION, department=dept),
        other_section=UserFactory(username="other_section", role=Role.SECTION, department=other),
        inspector=UserFactory(username="inspector", role=Role.INSPECTOR, department=dept),
        legal_reviewer=UserFactory(username="legal", role=Role.LEGAL_REVIEWER, department=None),
        leader=leader,
        auditor=UserFactory(username="auditor", role=Role.AUDITOR, department=None),
    )


@pytest.fixture
def today() -> dt.date:
    """The one notion of "today" in tests: the bureau's local date when the test starts.

    Build windows, certificates, plan years, decision dates and deadlines from it, so that no
    outcome depends on the day the suite runs (tests/test_fixed_dates.py enforces this). A test
    that needs a particular calendar day freezes the clock with ``time_machine.travel`` and
    says why.
    """
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests that check hashing restore it themselves.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _no_axes_lockouts(settings: pytest.FixtureRequest) -> None:
    # Most tests log in with client.force_login; the throttling test turns axes back on.
    settings.AXES_ENABLED = False  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The local-memory cache outlives a test's database: never let one test see another's
    # cached portal filter options (or throttle counters).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request in English (the language cookie) leaves English active in the thread; a later
    # test in the same worker calling code directly would then get English words.
    yield
    from django.utils import translation

    translation.deactivate()
