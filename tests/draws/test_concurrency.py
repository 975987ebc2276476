"""Art. 13 cap under concurrency: racing draws never give a target a third check in a year."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.db.models import Count

from spotcheck.core.errors import ServiceError
from spotcheck.draws import services as draws
from spotcheck.draws.models import CheckSlot, Draw
from tests.draws.test_workflow import DICE
from tests.workflow_fixtures import World


@pytest.mark.django_db(transaction=True)
def test_racing_draws_respect_the_yearly_cap(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (the CI's second pass)")
    everyone = {"mode": "count", "values": {"*": 30}}
    world.staff_for_full_draws()

    def committed() -> Draw:
        task = world.approved_task(sample=everyone)
        return draws.draw_commit(
            actor=world.p.section,
            task=task,
            randomness_kind="witnesses",
            randomness_names=["王五", "赵六"],
        )

    # One check already this year for every target; two more draws are committed over them.
    first = committed()
    draws.draw_execute(actor=world.p.section, draw=first, entries=DICE)
    racers = [committed(), committed()]
    barrier = threading.Barrier(len(racers))
    outcomes: list[Any] = [None] * len(racers)

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            draws.draw_execute(actor=world.p.section, draw=racers[i], entries=DICE)
            outcomes[i] = "ok"
        except ServiceError as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(racers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(str, outcomes)).count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert "每年最多2次" in str(loser)
    worst = CheckSlot.objects.values("target", "year").annotate(n=Count("id")).order_by("-n")[0]
    assert worst["n"] == 2
