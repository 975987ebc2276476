"""A draw that fails after the dice were entered, in a real browser: the clerk sees why, the
values stay on the draw page (pre-filled), other dice are refused, and the leader sees the
same note before deciding on the abort."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from spotcheck.directory.models import ConflictDeclaration
from spotcheck.draws import services as draws
from spotcheck.draws.models import Draw, DrawState
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.workflow_fixtures import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_a_failed_draw_keeps_its_dice(
    new_page: Callable[[], Page], live_server: object, personas: Personas, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    for target in world.targets:
        for inspector in world.inspectors[1:]:
            ConflictDeclaration.objects.create(
                inspector=inspector, target=target, relation="kin", declared_by=personas.section
            )
    draw = draws.draw_commit(
        actor=personas.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    section = new_page()
    login(section, base, "section")
    section.goto(f"{base}/draws/{draw.pk}/")
    section.fill("input[name=value_0]", "352614")
    section.fill("input[name=value_1]", "611243")
    section.click("#execute-submit")
    expect(section.locator("#execute")).to_contain_text("组成 2 人检查组")
    expect(section.locator("#execute")).to_contain_text("已记入审计日志")

    section.goto(f"{base}/draws/{draw.pk}/")
    expect(section.locator("#earlier-randomness")).to_contain_text("352614")
    expect(section.locator("input[name=value_0]")).to_have_value("352614")
    section.fill("input[name=value_0]", "111111")
    section.click("#execute-submit")
    expect(section.locator("#execute")).to_contain_text("必须录入相同的数值")
    assert Draw.objects.get(pk=draw.pk).state == DrawState.COMMITTED

    leader = new_page()
    login(leader, base, "leader")
    leader.goto(f"{base}/draws/{draw.pk}/")
    expect(leader.locator("#earlier-randomness")).to_contain_text("611243")
    expect(leader.locator("#execute-form")).to_have_count(0)
