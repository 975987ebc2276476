"""A drawn task whose inspection window is open today, with an inspector user on a team."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps

from spotcheck.accounts.models import Role, User
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.draws import services as draws
from spotcheck.draws.models import Draw, DrawnLine, TeamMember
from spotcheck.inspections.models import Inspection, ResultCategory
from spotcheck.inspections.services_inspection import ItemResultInput, inspection_save
from spotcheck.planning import services as planning
from spotcheck.planning.models import SpotCheckTask
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory, UserFactory

DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}


def window_around(today: dt.date) -> tuple[dt.date, dt.date]:
    """An inspection window that opened ten days ago and closes in ten: results may be
    recorded today, and dates just outside it are refused."""
    return today - dt.timedelta(days=10), today + dt.timedelta(days=10)


def run_draw(section: User, task: SpotCheckTask) -> Draw:
    task = planning.task_approve(actor=_leader_of(task), task=task)
    draw = draws.draw_commit(
        actor=section, task=task, randomness_kind="witnesses", randomness_names=["王五", "赵六"]
    )
    return draws.draw_execute(actor=section, draw=draw, entries=DICE)


def _leader_of(task: SpotCheckTask) -> User:
    return User.objects.get(role=Role.LEADER, department=task.lead_department)


@dataclass
class Scene:
    p: Any
    section2: User  # a second clerk of the lead department, to review what `section` submits
    item: CheckItem
    task: SpotCheckTask
    draw: Draw
    target: Target
    team: list[Inspector]
    today: dt.date
    cats: dict[str, ResultCategory] = field(default_factory=dict)

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        return self.task.window_start, self.task.window_end

    def drawn_targets(self) -> list[Target]:
        return [e.target for e in DrawnLine.objects.filter(draw=self.draw).select_related("target")]

    def team_of(self, target: Target) -> list[Inspector]:
        return [
            m.inspector
            for m in TeamMember.objects.filter(draw=self.draw, target=target, active=True)
        ]

    def other_target(self) -> Target:
        """A drawn target whose team the inspector user is not on.

        With 5 inspectors the same pair can (rarely) form every team; a recusal then makes room.
        """
        me = self.p.inspector.inspector
        for t in self.drawn_targets():
            if me not in self.team_of(t):
                return t
        other = next(t for t in self.drawn_targets() if t != self.target)
        draws.draw_recuse(
            actor=self.p.section,
            draw=self.draw,
            inspector=me,
            target=other,
            reason_code="kinship",
            reason="测试",
        )
        return other

    def save(
        self, actor: User | None = None, target: Target | None = None, **kw: Any
    ) -> Inspection:
        target = target or self.target
        kwargs: dict[str, Any] = {
            "actor": actor or self.p.section,
            "draw": self.draw,
            "target": target,
            "inspected_on": self.today,
            "inspectors": self.team_of(target),
            "overall_category": self.cats["no_problem"],
            "item_results": [ItemResultInput(self.item, self.cats["no_problem"])],
        }
        kwargs.update(kw)
        return inspection_save(**kwargs)


def ensure_result_categories() -> None:
    """The data migration's rows; a transactional test's flush removes them for later tests."""
    migration = importlib.import_module("spotcheck.inspections.migrations.0002_result_categories")
    migration.load(django_apps, None)


@pytest.fixture
def scene(personas: Any, today: dt.date) -> Scene:
    ensure_result_categories()
    item = CheckItemFactory(
        department=personas.dept,
        name="单用途商业预付卡发卡企业备案检查",
        target_kinds=["enterprise"],
    )
    for _ in range(8):
        TargetFactory(departments=[personas.dept])
    for _ in range(5):
        InspectorFactory(department=personas.dept)
    start, end = window_around(today)
    task = planning.task_create(
        actor=personas.section,
        name="预付卡专项抽查",
        mode="undirected",
        items=[item],
        window_start=start,
        window_end=end,
        sample={"mode": "count", "values": {"*": 3}},
    )
    draw = run_draw(personas.section, task)
    # The inspector user is the team member with the fewest assignments: 6 places over at most
    # 5 people means at most 2 of the 3 targets, so another team without them always exists.
    members = list(
        TeamMember.objects.filter(draw=draw, active=True).order_by("target_id", "position")
    )
    load = Counter(m.inspector_id for m in members)
    first = min(members, key=lambda m: (load[m.inspector_id], m.target_id, m.position))
    first.inspector.user = personas.inspector
    first.inspector.save()
    task.refresh_from_db()
    scene = Scene(
        p=personas,
        section2=UserFactory(username="section2", role=Role.SECTION, department=personas.dept),
        item=item,
        task=task,
        draw=draw,
        target=first.target,
        team=[],
        today=today,
        cats={c.code: c for c in ResultCategory.objects.all()},
    )
    scene.team = scene.team_of(first.target)
    return scene


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
