"""Art. 13's yearly cap counts the checks of every department of every bureau: a company
two districts both regulate is not checked a third time because the second district drew it."""

from __future__ import annotations

import pytest

from spotcheck.directory.models import Target
from spotcheck.draws.scope import YEARLY_CAP, capped_target_ids
from spotcheck.planning import services as planning
from tests.bureaus.conftest import Tree
from tests.factories import CheckItemFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def test_checks_by_another_bureau_count_towards_the_cap(tree: Tree, world: World) -> None:
    world.fill_yearly_cap()  # 甲区 drew every one of its targets twice this year
    shared = world.targets[0]
    shared.departments.add(tree.dept_b)
    item_b = CheckItemFactory(department=tree.dept_b, target_kinds=["enterprise"])
    start, end = world.window
    task_b = planning.task_create(
        actor=tree.section_b,
        name="乙区专项抽查",
        mode="undirected",
        items=[item_b],
        window_start=start,
        window_end=end,
        sample={"mode": "count", "values": {"*": 1}},
    )
    assert shared.check_slots.filter(year=start.year).count() == YEARLY_CAP
    scope = Target.objects.filter(departments=tree.dept_b)
    assert capped_target_ids(scope, start.year, task_b) == {shared.pk}
