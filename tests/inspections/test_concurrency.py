"""Races on PostgreSQL: one inspection per target, one penalty per decision number."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection

from spotcheck.core.errors import ServiceError
from spotcheck.inspections.models import FollowUp, Inspection
from spotcheck.inspections.services_followup import penalty_decide
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            calls[i]()
            outcomes[i] = "ok"
        except ServiceError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (the CI's second pass)")


def test_two_clerks_creating_the_same_inspection_get_one(scene: Scene) -> None:
    outcomes = _race(
        lambda: scene.save(actor=scene.p.section, summary="甲"),
        lambda: scene.save(actor=scene.section2, summary="乙"),
    )
    assert outcomes == ["ok", "ok"]
    assert Inspection.objects.filter(draw=scene.draw, target=scene.target).count() == 1


def test_racing_penalties_with_one_number_leave_one(scene: Scene) -> None:
    accepted = []
    for target in scene.drawn_targets()[:2]:
        inspection = inspection_submit(actor=scene.p.section, inspection=scene.save(target=target))
        accepted.append(inspection_review(actor=scene.section2, inspection=inspection, accept=True))

    def decide(inspection: Inspection) -> Callable[[], Any]:
        return lambda: penalty_decide(
            actor=scene.p.section,
            inspection=inspection,
            decision_no="金商合罚〔2026〕3号",
            penalty_kind="warning",
            decided_on=scene.today,
        )

    outcomes = _race(decide(accepted[0]), decide(accepted[1]))
    assert sorted(map(str, outcomes)).count("ok") == 1, outcomes
    assert "已存在" in str(next(o for o in outcomes if o != "ok"))
    assert FollowUp.objects.filter(decision_no="金商合罚〔2026〕3号").count() == 1
