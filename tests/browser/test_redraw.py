"""Issue 11 in a real browser: the commitment is on the portal as soon as it is made; a clerk
asks to abort, a leader approves; the portal shows the voided commitment and the re-draw
chained to it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from spotcheck.draws.models import Draw, DrawState
from spotcheck.planning import services as planning
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.workflow_fixtures import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_abort_needs_the_leader_and_the_portal_shows_the_redraw(
    new_page: Callable[[], Page], live_server: object, personas: Personas, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    task = world.task(name="预付卡专项抽查（重抽演示）")
    planning.task_approve(actor=personas.leader, task=task)

    section = new_page()
    login(section, base, "section")
    section.goto(f"{base}/planning/tasks/{task.pk}/")
    section.fill("#commit-form textarea[name=names]", "王五\n王　五")
    section.click("#commit-submit")
    expect(section.locator("#commit-form")).to_contain_text("不能重复")
    section.fill("#commit-form textarea[name=names]", "王五\n赵六")
    section.click("#commit-submit")
    first = Draw.objects.get(task=task)
    expect(section.locator("#commitment-publication")).to_contain_text("已于")

    # Anyone can read the commitment on the portal before any die is thrown.
    citizen = new_page()
    citizen.goto(f"{base}/public/draws/tasks/{task.pk}/")
    expect(citizen.locator("#draw-history")).to_contain_text(first.commitment_digest)

    section.goto(f"{base}/draws/{first.pk}/")
    section.fill("#abort-form input[name=reason]", "见证人赵六未能到场")
    section.click("#abort-submit")
    expect(section.locator("#abort-requests")).to_contain_text("待分管领导审批")
    assert Draw.objects.get(pk=first.pk).state == DrawState.COMMITTED
    expect(section.locator("#execute")).to_have_count(0)

    leader = new_page()
    login(leader, base, "leader")
    leader.goto(f"{base}/planning/tasks/{task.pk}/")
    leader.click("#draw-table a:has-text('作废申请待审批')")
    leader.check("#abort-decide-form input[value=approve]")
    leader.click("#abort-decide-submit")
    expect(leader.locator("#task-state")).to_have_text("已批准")
    assert Draw.objects.get(pk=first.pk).state == DrawState.ABORTED

    section.goto(f"{base}/planning/tasks/{task.pk}/")
    section.fill("#commit-form textarea[name=names]", "王五\n钱七")
    section.fill("#commit-form input[name=reason]", "见证人到场后重新抽取")
    section.click("#commit-submit")
    second = Draw.objects.exclude(pk=first.pk).get(task=task)
    expect(section.locator("#previous-digest")).to_contain_text(first.commitment_digest)

    citizen.goto(f"{base}/public/draws/tasks/{task.pk}/")
    citizen.reload()  # the portal's pages are cacheable for a minute
    rows = citizen.locator("#draw-history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("作废")
    expect(rows.nth(0)).to_contain_text("见证人赵六未能到场")
    expect(rows.nth(1)).to_contain_text(second.commitment_digest)
    expect(rows.nth(1)).to_contain_text(first.commitment_digest)
    citizen.click(f"#draw-history a:has-text('#{first.pk}')")
    expect(citizen.locator("#voided")).to_contain_text("见证人赵六未能到场")
