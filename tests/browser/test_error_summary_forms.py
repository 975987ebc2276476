"""Issue 15: on the long pages where a refusal used to sit far below the fold — the witnesses'
dice entry, evidence upload and the penalty decision date — the page comes back with the error
summary at the top, focused and in view, and its link leads to the field concerned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from spotcheck.draws import services as draws
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from spotcheck.planning import services as planning
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory
from tests.inspections.conftest import Scene, scene  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def _summary_leads_to(page: Page, field_id: str, text: str) -> None:
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    link = summary.locator(f"a[data-field-id='{field_id}']")
    expect(link).to_contain_text(text)
    link.click()
    expect(page.locator(f"#{field_id}")).to_be_focused()


def test_dice_entry(
    new_page: Callable[[], Page], live_server: Any, personas: Personas, today: dt.date
) -> None:
    item = CheckItemFactory(department=personas.dept, target_kinds=["enterprise"])
    for _ in range(6):
        TargetFactory(departments=[personas.dept])
        InspectorFactory(department=personas.dept)
    start = today + dt.timedelta(days=7)
    task = planning.task_create(
        actor=personas.section,
        name="预付卡专项抽查",
        mode="undirected",
        items=[item],
        window_start=start,
        window_end=start + dt.timedelta(days=14),
        sample={"mode": "count", "values": {"*": 2}},
    )
    task = planning.task_approve(actor=personas.leader, task=task)
    draw = draws.draw_commit(
        actor=personas.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    page = new_page()
    login(page, str(live_server.url), "section")
    page.goto(f"{live_server.url}/draws/{draw.pk}/")
    page.fill("input[name=value_0]", "12345")
    page.fill("input[name=value_1]", "611243")
    page.click("#execute-submit")
    _summary_leads_to(page, "id_value_0", "骰子点数格式错误")


def test_evidence_upload(
    new_page: Callable[[], Page],
    live_server: Any,
    scene: Scene,  # noqa: F811
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scene.save()
    page = new_page()
    login(page, str(live_server.url), "section")
    page.goto(f"{live_server.url}/inspections/draws/{scene.draw.pk}/targets/{scene.target.pk}/")
    page.set_input_files(
        "#evidence-form input[name=file]",
        files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"not a photo"}],
    )
    page.click("#evidence-submit")
    _summary_leads_to(page, "evidence-file", "只能上传照片")


def test_penalty_date(
    new_page: Callable[[], Page],
    live_server: Any,
    scene: Scene,  # noqa: F811
) -> None:
    problem = scene.cats["pending_follow_up"]
    from spotcheck.inspections.services_inspection import ItemResultInput

    inspection = scene.save(
        overall_category=problem,
        item_results=[ItemResultInput(scene.item, problem, "预收资金未按规定存管")],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    page = new_page()
    login(page, str(live_server.url), "section")
    page.goto(f"{live_server.url}/inspections/draws/{scene.draw.pk}/targets/{scene.target.pk}/")
    form = page.locator("#penalty-form")
    form.locator("input[name=decision_no]").fill(f"金商罚〔{scene.today.year}〕1号")
    form.locator("input[name=amount]").fill("5000")
    # Tomorrow: a decision cannot be dated in the future.
    form.locator("input[name=decided_on]").fill((scene.today + dt.timedelta(days=1)).isoformat())
    page.click("#penalty-submit")
    _summary_leads_to(page, "penalty-decided_on", "处罚决定日期不能晚于今天")
