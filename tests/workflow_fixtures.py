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

WINDOW = (dt.date(2026, 12, 1), dt.date(2026, 12, 20))


@dataclass
class World:
    p: Any
    item: CheckItem
    targets: list[Target]
    inspectors: list[Inspector]

    def task(self, **overrides: Any) -> SpotCheckTask:
        kwargs: dict[str, Any] = {
            "actor": self.p.section,
            "name": "2026年单用途预付卡专项抽查",
            "mode": "undirected",
            "items": [self.item],
            "window_start": WINDOW[0],
            "window_end": WINDOW[1],
            "sample": {"mode": "count", "values": {"*": 5}},
        }
        kwargs.update(overrides)
        return planning.task_create(**kwargs)

    def approved_task(self, **overrides: Any) -> SpotCheckTask:
        task = self.task(**overrides)
        return planning.task_approve(actor=self.p.leader, task=task)


@pytest.fixture
def world(personas: Any) -> World:
    item = CheckItemFactory(department=personas.dept, target_kinds=["enterprise"])
    targets = [
        TargetFactory(departments=[personas.dept], credit_class="ABCD"[i % 4]) for i in range(30)
    ]
    inspectors = [InspectorFactory(department=personas.dept) for _ in range(6)]
    return World(personas, item, targets, inspectors)
