"""Issue 4 acceptance in a real browser: directed task → approval → witnesses' dice → teams →
recusal → verifiable proof; and a joint task of two departments (one visit, mixed teams)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from spotcheck.draws.models import Draw, DrawnLine, TeamMember
from spotcheck.engine.verify import verify_proof
from spotcheck.planning.models import SpotCheckTask, TaskState
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def _window() -> tuple[str, str]:
    """An inspection window opening a week from today, two weeks long."""
    start = timezone.localdate() + dt.timedelta(days=7)
    return start.isoformat(), (start + dt.timedelta(days=14)).isoformat()


def _world(personas: Personas) -> dict[str, object]:
    item = CheckItemFactory(
        department=personas.dept, name="单用途商业预付卡检查", target_kinds=["enterprise"]
    )
    for i in range(30):
        TargetFactory(departments=[personas.dept], credit_class="ABCD"[i % 4])
    for _ in range(8):
        InspectorFactory(department=personas.dept)
    return {"item": item}


def _create_task(page: Page, base: str, name: str, fill: Callable[[Page], None]) -> int:
    page.goto(f"{base}/planning/tasks/new/")
    page.fill("input[name=name]", name)
    fill(page)
    page.fill("input[name=sample_all]", "3")
    page.select_option("select[name=sample_mode]", "count")
    start, end = _window()
    page.fill("input[name=window_start]", start)
    page.fill("input[name=window_end]", end)
    page.click("#task-submit")
    expect(page.locator("#task-state")).to_have_text("草稿")
    return SpotCheckTask.objects.get(name=name).pk


def _approve(page: Page, base: str, task_pk: int) -> None:
    page.goto(f"{base}/planning/tasks/{task_pk}/")
    page.click("#task-approve")
    expect(page.locator("#task-state")).to_have_text("已批准")
    expect(page.locator("#transitions")).to_contain_text("草稿 → 已批准")


def _commit_and_draw(page: Page, base: str, task_pk: int) -> int:
    page.goto(f"{base}/planning/tasks/{task_pk}/")
    page.fill("#commit-form textarea[name=names]", "王五\n赵六")
    page.click("#commit-submit")
    draw = Draw.objects.get(task_id=task_pk)
    expect(page.locator("#commitment-digest")).to_have_text(draw.commitment_digest)
    expect(page.locator("#pool-root")).to_have_text(draw.commitment["pool"]["root"])
    # A wrong entry first: a clear message, nothing drawn.
    page.fill("input[name=value_0]", "12345")
    page.fill("input[name=value_1]", "611243")
    page.click("#execute-submit")
    expect(page.locator("#execute")).to_contain_text("骰子点数格式错误")
    page.fill("input[name=value_0]", "352614")
    page.fill("input[name=value_1]", "611243")
    page.click("#execute-submit")
    expect(page.locator("h1")).to_contain_text("抽取结果与检查组")
    return draw.pk


def test_directed_task_ceremony_recusal_and_proof(
    new_page: Callable[[], Page], live_server: object, personas: Personas, tmp_path: Path
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    world = _world(personas)
    section = new_page()
    login(section, base, "section")

    def directed(page: Page) -> None:
        page.select_option("select[name=mode]", "directed")
        page.check(f"input[name=items][value='{world['item'].pk}']")  # type: ignore[attr-defined]
        page.select_option("select[name=credit_class]", "D")

    # A directed task without any limit is refused with a clear message first.
    section.goto(f"{base}/planning/tasks/new/")
    section.fill("input[name=name]", "无条件的定向任务")
    section.check(f"input[name=items][value='{world['item'].pk}']")  # type: ignore[attr-defined]
    start, end = _window()
    section.fill("input[name=window_start]", start)
    section.fill("input[name=window_end]", end)
    section.click("#task-submit")
    expect(section.locator("#task-form-errors")).to_contain_text("定向抽查需要至少一个限定条件")

    task_pk = _create_task(section, base, "预付卡定向抽查（D类）", directed)
    expect(section.locator("#preview-table tbody tr")).to_have_count(7)  # 30 targets, D = 7
    expect(section.locator("#strata-table")).to_contain_text("3")

    leader = new_page()
    login(leader, base, "leader")
    _approve(leader, base, task_pk)

    draw_pk = _commit_and_draw(section, base, task_pk)
    rows = section.locator("#results-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator(".member")).to_have_count(2)

    # One recusal: the replacement appears in the team history.
    section.select_option("#recusal-form select[name=member]", index=0)
    section.select_option("#recusal-form select[name=reason_code]", "kinship")
    section.fill("#recusal-form input[name=reason]", "与该企业负责人为近亲属")
    section.click("#recusal-submit")
    history = section.locator("#results-table td.history")
    expect(history.filter(has_text="与该企业负责人为近亲属")).to_have_count(1)
    expect(history.locator(".recusal-code")).to_have_text("近亲属关系")
    replacement = TeamMember.objects.exclude(replaces=None).select_related("inspector").get()
    expect(history.filter(has_text="与该企业负责人为近亲属")).to_contain_text(
        replacement.inspector.name
    )

    section.goto(f"{base}/draws/{draw_pk}/")
    expect(section.locator("#verify-help")).to_contain_text(
        f"python spotcheck_verify.py draw-{draw_pk}-proof.json "
        f"--commitment draw-{draw_pk}-commitment.json"
    )
    saved = {}
    for button in ("#proof-download", "#commitment-download"):
        with section.expect_download() as info:
            section.click(button)
        saved[button] = tmp_path / info.value.suggested_filename
        info.value.save_as(saved[button])
    path = saved["#proof-download"]
    assert path.name == f"draw-{draw_pk}-proof.json"
    proof = json.loads(path.read_text(encoding="utf-8"))
    problems, _ = verify_proof(proof)
    assert problems == []
    # The standalone verifier accepts the downloads as they are, proof against commitment.
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "spotcheck.engine.verify",
            str(path),
            "--commitment",
            str(saved["#commitment-download"]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout
    assert proof["recusals"][0]["replacement"] == replacement.inspector.cert_no
    # The public proof names the reason code; the note stays on the staff page.
    assert proof["recusals"][0]["reason"] == "kinship"
    assert "与该企业负责人为近亲属" not in path.read_text(encoding="utf-8")
    # ... and any edit makes it fail.
    proof["randomness"][0]["value"] = "111111"
    tampered, _ = verify_proof(proof)
    assert tampered


def test_joint_task_one_visit_mixed_teams(
    new_page: Callable[[], Page], live_server: object, personas: Personas
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    world = _world(personas)
    other_item = CheckItemFactory(
        department=personas.other_dept, name="再生资源回收检查", target_kinds=["enterprise"]
    )
    for _ in range(4):
        InspectorFactory(department=personas.other_dept)
    for target in list(personas.dept.targets.all())[:12]:  # type: ignore[attr-defined]
        target.departments.add(personas.other_dept)
    section = new_page()
    login(section, base, "section")

    def joint(page: Page) -> None:
        page.select_option("select[name=mode]", "joint")
        # A partner's items appear once that partner is ticked.
        page.check(f"input[name=partner_departments][value='{personas.other_dept.pk}']")
        for item in (world["item"], other_item):
            page.check(f"input[name=items][value='{item.pk}']")  # type: ignore[attr-defined]

    task_pk = _create_task(section, base, "预付卡与再生资源联合抽查", joint)
    leader = new_page()
    login(leader, base, "leader")
    _approve(leader, base, task_pk)
    draw_pk = _commit_and_draw(section, base, task_pk)

    rows = section.locator("#results-table tbody tr")
    expect(rows).to_have_count(3)
    selected = list(DrawnLine.objects.filter(draw_id=draw_pk))
    assert len({e.target_id for e in selected}) == 3  # one visit per target
    for entry in selected:
        expect(section.locator(f'tr[data-target="{entry.credit_code}"]')).to_have_count(1)
        row = section.locator(f'tr[data-target="{entry.credit_code}"] td.team')
        expect(row).to_contain_text(personas.dept.name)
        expect(row).to_contain_text(personas.other_dept.name)
    assert SpotCheckTask.objects.get(pk=task_pk).state == TaskState.DRAWN
