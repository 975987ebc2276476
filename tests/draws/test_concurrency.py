"""Art. 13 cap under concurrency: racing draws never give a target a third check in a year."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.db.models import Count

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import ConflictDeclaration, Target
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


def _committed(world: World) -> Draw:
    return draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(sample={"mode": "count", "values": {"*": 30}}),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )


@pytest.mark.django_db
def test_slots_are_taken_in_one_order_whatever_order_they_were_drawn(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two draws that insert the same targets' slots in different orders wait on each other's
    # index entries crosswise and PostgreSQL kills one at random; one order for all avoids it.
    draw = _committed(world)
    seen: list[list[int]] = []
    real = draws.insert_columns

    def spy(model: Any, columns: dict[str, Any]) -> int:
        if model is CheckSlot:
            seen.append(list(columns["target_id"]))
        return real(model, columns)

    monkeypatch.setattr(draws, "insert_columns", spy)
    ids = list(Target.objects.order_by("-pk").values_list("pk", flat=True)[:5])
    draws._take_slots(draw, ids, world.window[0].year)
    assert seen == [sorted(ids)]
    assert set(CheckSlot.objects.values_list("target_id", flat=True)) == set(ids)


class _Deadlock(Exception):
    sqlstate = "40P01"


class _Other(Exception):
    sqlstate = "53300"


@pytest.mark.django_db
@pytest.mark.parametrize("cause", [_Deadlock, _Other])
def test_a_deadlock_while_taking_slots_is_the_clear_lost_race_message(
    world: World, monkeypatch: pytest.MonkeyPatch, cause: type[Exception]
) -> None:
    draw = _committed(world)

    def fail(model: Any, columns: dict[str, Any]) -> int:
        try:
            raise cause()
        except Exception as inner:
            raise OperationalError("database said no") from inner

    monkeypatch.setattr(draws, "insert_columns", fail)
    ids = list(Target.objects.values_list("pk", flat=True)[:3])
    if cause is _Deadlock:
        with pytest.raises(ServiceError, match="每年最多2次"):
            draws._take_slots(draw, ids, world.window[0].year)
    else:
        # Anything else (out of connections, disk full) is not a lost race: it stays an error.
        with pytest.raises(OperationalError):
            draws._take_slots(draw, ids, world.window[0].year)


@pytest.mark.django_db(transaction=True)
def test_two_tabs_with_different_dice_cannot_both_try(world: World) -> None:
    # The failure is recorded before the draw's lock is released: the tab that waited on the
    # lock finds the first tab's values and is refused, rather than drawing with its own.
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (the CI's second pass)")
    for target in world.targets:
        for inspector in world.inspectors[1:]:
            ConflictDeclaration.objects.create(
                inspector=inspector, target=target, relation="kin", declared_by=world.p.section
            )
    draw = _committed(world)
    tabs = [DICE, {**DICE, "见证人：王五": "111111"}]
    barrier = threading.Barrier(len(tabs))
    outcomes: list[str] = [""] * len(tabs)

    def run(i: int) -> None:
        close_old_connections()
        try:
            barrier.wait()
            draws.draw_execute(actor=world.p.section, draw=draw, entries=tabs[i])
            outcomes[i] = "drawn"
        except ServiceError as exc:
            outcomes[i] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tabs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum("组成 2 人检查组" in o for o in outcomes) == 1, outcomes
    assert sum("必须录入相同的数值" in o for o in outcomes) == 1, outcomes
    assert (
        AuditEvent.objects.filter(
            event_type="draws.execution_failed", object_id=str(draw.pk)
        ).count()
        == 1
    )
