"""A small world for workflow tests: one department item, 30 targets, 6 inspectors.

Shared by the draws, inspections, reports and UI tests (registered in tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.planning import services as planning
from spotcheck.planning.models import SpotCheckTask
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

# The default inspection window opens a week after today and lasts three weeks: "before the
# window" (Art. 18) holds for every test that does not move it, on whatever day the suite runs.
WINDOW_OPENS_IN_DAYS = 7
WINDOW_LENGTH_DAYS = 19


def window_after(today: dt.date) -> tuple[dt.date, dt.date]:
    start = today + dt.timedelta(days=WINDOW_OPENS_IN_DAYS)
    return start, start + dt.timedelta(days=WINDOW_LENGTH_DAYS)


@dataclass
class World:
    p: Any
    item: CheckItem
    targets: list[Target]
    inspectors: list[Inspector]
    today: dt.date

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The default task's inspection window: it has not opened yet."""
        return window_after(self.today)

    def task(self, **overrides: Any) -> SpotCheckTask:
        start, end = self.window
        kwargs: dict[str, Any] = {
            "actor": self.p.section,
            "name": f"{start.year}年单用途预付卡专项抽查",
            "mode": "undirected",
            "items": [self.item],
            "window_start": start,
            "window_end": end,
            "sample": {"mode": "count", "values": {"*": 5}},
        }
        kwargs.update(overrides)
        return planning.task_create(**kwargs)

    def staff_for_full_draws(self) -> None:
        """Tests that draw all 30 targets twice need more than 6 inspectors: with 60 teams of
        2 the workload cap leaves so little slack that the last team can fail to fill."""
        self.inspectors += [InspectorFactory(department=self.p.dept) for _ in range(6)]

    def approved_task(self, **overrides: Any) -> SpotCheckTask:
        task = self.task(**overrides)
        return planning.task_approve(actor=self.p.leader, task=task)

    def fill_yearly_cap(self) -> None:
        """Draw every target twice this year (Art. 13's cap): a third check needs an override."""
        from spotcheck.draws import services as draws

        self.staff_for_full_draws()
        for _ in range(2):
            task = self.approved_task(sample={"mode": "count", "values": {"*": 30}})
            draw = draws.draw_commit(
                actor=self.p.section,
                task=task,
                randomness_kind="witnesses",
                randomness_names=["王五", "赵六"],
            )
            draws.draw_execute(
                actor=self.p.section,
                draw=draw,
                entries={"见证人：王五": "352614", "见证人：赵六": "611243"},
            )


@pytest.fixture
def world(personas: Any, today: dt.date) -> World:
    item = CheckItemFactory(department=personas.dept, target_kinds=["enterprise"])
    targets = [
        TargetFactory(departments=[personas.dept], credit_class="ABCD"[i % 4]) for i in range(30)
    ]
    inspectors = [InspectorFactory(department=personas.dept) for _ in range(6)]
    return World(personas, item, targets, inspectors, today)
