"""Settings for several hosts (operations.md, "Several hosts") and the replica router."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from spotcheck.accounts.models import Department, User
from spotcheck.core import db_router
from spotcheck.jobs.models import Job


def _settings(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, spotcheck.config.settings as s; print(json.dumps({"
        "'databases': sorted(s.DATABASES), 'replica': s.DATABASES.get('replica'),"
        "'routers': getattr(s, 'DATABASE_ROUTERS', []), 'middleware': s.MIDDLEWARE,"
        "'session': getattr(s, 'SESSION_ENGINE', 'django.contrib.sessions.backends.db'),"
        "'q': s.Q_CLUSTER}, default=str))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": "src", **env},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def test_defaults_are_one_database_orm_queue_and_db_sessions() -> None:
    s = _settings({})
    assert s["databases"] == ["default"] and s["routers"] == []
    assert "spotcheck.core.db_router.PublicReadsMiddleware" not in s["middleware"]
    assert s["session"] == "django.contrib.sessions.backends.db"
    assert s["q"]["orm"] == "default" and "redis" not in s["q"]


def test_several_hosts_settings() -> None:
    s = _settings(
        {
            "DATABASE_URL": "postgres://app@db1:5432/spotcheck",
            "DATABASE_REPLICA_URL": "postgres://app@db2:5432/spotcheck",
            "CACHE_URL": "redis://cache:6379/1",
            "JOB_BROKER_URL": "redis://cache:6379/2",
        }
    )
    assert s["databases"] == ["default", "replica"]
    assert s["replica"]["HOST"] == "db2" and s["replica"]["TEST"] == {"MIRROR": "default"}
    assert s["routers"] == ["spotcheck.core.db_router.ReplicaRouter"]
    assert s["middleware"][1] == "spotcheck.core.db_router.PublicReadsMiddleware"
    assert s["session"] == "django.contrib.sessions.backends.cached_db"
    assert s["q"]["redis"] == "redis://cache:6379/2" and "orm" not in s["q"]
    # A task is killed at its timeout before the ORM broker could ever re-offer it.
    assert s["q"]["retry"] > s["q"]["timeout"] and s["q"]["max_attempts"] == 1


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DATABASE_REPLICA_URL": "postgres://app@db2/x"}, "DATABASE_REPLICA_URL"),
        ({"JOB_BROKER_URL": "amqp://mq"}, "JOB_BROKER_URL"),
    ],
)
def test_bad_several_hosts_settings_fail_loudly(env: dict[str, str], needle: str) -> None:
    # A replica of an SQLite file makes no sense; a broker we do not configure is refused.
    proc = subprocess.run(
        [sys.executable, "-c", "import spotcheck.config.settings"],
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": "src", **env},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and needle in proc.stderr


@pytest.fixture
def router(monkeypatch: pytest.MonkeyPatch) -> db_router.ReplicaRouter:
    # The test database has no replica: pretend there is one, served by the same connection.
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "REPLICA", "default")
    return db_router.ReplicaRouter()


def test_router_sends_only_marked_reads_to_the_replica(router: db_router.ReplicaRouter) -> None:
    assert router.db_for_read(Department) is None  # not a public request
    with db_router.public_reads():
        assert not db_router.replica_was_used()
        assert router.db_for_read(Department) == db_router.REPLICA
        assert db_router.replica_was_used()
        # Sessions, the logged-in user and the job queue always come from the primary.
        assert router.db_for_read(User) is None and router.db_for_read(Job) is None
        # Writes never go to the replica.
        assert router.db_for_write(Department) == "default"
    assert router.db_for_read(Department) is None


@pytest.mark.django_db
def test_router_reads_inside_a_transaction_from_the_primary(
    router: db_router.ReplicaRouter,
) -> None:
    with db_router.public_reads(), transaction.atomic():
        assert router.db_for_read(Department) is None


def test_router_does_nothing_without_a_replica() -> None:
    router = db_router.ReplicaRouter()
    with db_router.public_reads():
        assert router.db_for_read(Department) is None
        assert router.db_for_write(Department) is None
    # The replica gets its schema by streaming; only the primary is migrated.
    assert router.allow_migrate("replica", "directory") is False
    assert router.allow_migrate("default", "directory") is None


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a real request runs
def test_middleware_marks_public_reads_only(
    client: Client, settings: Any, router: db_router.ReplicaRouter
) -> None:
    header = db_router.PublicReadsMiddleware.header
    settings.MIDDLEWARE = ["spotcheck.core.db_router.PublicReadsMiddleware", *settings.MIDDLEWARE]
    with override_settings(DATABASE_ROUTERS=["spotcheck.core.db_router.ReplicaRouter"]):
        response = client.get("/public/draws/")
        assert response.status_code == 200 and response[header] == "replica"
        assert header not in client.get("/accounts/login/")
        assert header not in client.post("/public/draws/")
        # A streamed body is read from the replica while it is pulled, and only then.
        seen: list[bool] = []
        original = db_router.ReplicaRouter.db_for_read

        def spy(self: db_router.ReplicaRouter, model: type[Any], **hints: Any) -> str | None:
            seen.append(db_router._public_read.get())
            return original(self, model, **hints)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(db_router.ReplicaRouter, "db_for_read", spy)
            response = client.get("/public/data/publications.csv")
            assert seen == [] or all(seen)
            seen.clear()
            b"".join(response.streaming_content)
            assert seen and all(seen) and not db_router._public_read.get()
