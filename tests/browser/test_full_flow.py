"""Issue 4 acceptance, end to end in a real browser, as the people who do it: annual plan →
directed task → approval → commit → witnesses' dice → draw → a team with one recusal → the
inspector records results with a photo and submits → the section accepts → a major penalty →
the legal reviewer approves → the credit record shows on the target page."""

from __future__ import annotations

import datetime as dt
import importlib
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import FilePayload, Page, expect

from spotcheck.accounts.models import Role
from spotcheck.draws.models import Draw, DrawnLine, TeamMember
from spotcheck.inspections.models import (
    Evidence,
    FollowUp,
    FollowUpState,
    Inspection,
    InspectionState,
)
from spotcheck.planning.models import AnnualPlan, SpotCheckTask
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

DECISION_NO = "金商合罚〔2026〕12号"


def _png() -> bytes:
    """A real 1×1 PNG, built here so the test needs no fixture file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _world(personas: Personas) -> dict[str, object]:
    # A transactional test's flush removes the data migration's result categories: put them back.
    importlib.import_module("spotcheck.inspections.migrations.0002_result_categories").load(
        django_apps, None
    )
    item = CheckItemFactory(
        department=personas.dept, name="单用途商业预付卡检查", target_kinds=["enterprise"]
    )
    for i in range(12):
        TargetFactory(departments=[personas.dept], credit_class="ABCD"[i % 4])
    for i in range(6):
        user = UserFactory(username=f"insp{i}", role=Role.INSPECTOR, department=personas.dept)
        InspectorFactory(department=personas.dept, user=user)
    return {"item": item}


def _plan_and_task(section: Page, leader: Page, base: str, item_pk: int, today: dt.date) -> int:
    section.goto(f"{base}/planning/plans/new/")
    section.fill("input[name=year]", str(today.year))
    section.check(f"input[name=items][value='{item_pk}']")
    section.click("#plan-form button[type=submit]")
    expect(section.locator("#plan-state")).to_have_text("草稿")
    plan = AnnualPlan.objects.get()
    leader.goto(f"{base}/planning/plans/{plan.pk}/")
    leader.click("#plan-approve")
    expect(leader.locator("#plan-state")).to_have_text("已批准")

    section.reload()
    section.click("#plan-new-task")
    section.fill("input[name=name]", "预付卡定向抽查（D类）")
    section.select_option("select[name=mode]", "directed")
    section.check(f"input[name=items][value='{item_pk}']")
    section.select_option("select[name=credit_class]", "D")
    section.fill("input[name=sample_all]", "2")
    section.select_option("select[name=sample_mode]", "count")
    # The window opened a few days ago: results may be recorded today, dated today.
    section.fill("input[name=window_start]", (today - dt.timedelta(days=3)).isoformat())
    section.fill("input[name=window_end]", (today + dt.timedelta(days=14)).isoformat())
    section.click("#task-submit")
    expect(section.locator("#task-state")).to_have_text("草稿")
    task = SpotCheckTask.objects.get()
    assert task.plan_id == plan.pk

    leader.goto(f"{base}/planning/tasks/{task.pk}/")
    leader.click("#task-approve")
    expect(leader.locator("#task-state")).to_have_text("已批准")
    return task.pk


def _commit_and_draw(section: Page, base: str, task_pk: int) -> int:
    section.goto(f"{base}/planning/tasks/{task_pk}/")
    section.fill("#commit-form textarea[name=names]", "王五\n赵六")
    section.click("#commit-submit")
    draw = Draw.objects.get(task_id=task_pk)
    expect(section.locator("#commitment-digest")).to_have_text(draw.commitment_digest)
    section.fill("input[name=value_0]", "352614")
    section.fill("input[name=value_1]", "611243")
    section.click("#execute-submit")
    expect(section.locator("h1")).to_contain_text("抽取结果与检查组")
    return draw.pk


def test_full_flow_to_the_credit_record(
    new_page: Callable[[], Page],
    live_server: object,
    personas: Personas,
    settings: Any,
    tmp_path: Path,
    today: dt.date,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # the live server runs in this process: the photo lands here
    base = str(live_server.url)  # type: ignore[attr-defined]
    world = _world(personas)
    item_pk = world["item"].pk  # type: ignore[attr-defined]
    section, leader = new_page(), new_page()
    login(section, base, "section")
    login(leader, base, "leader")

    task_pk = _plan_and_task(section, leader, base, item_pk, today)
    draw_pk = _commit_and_draw(section, base, task_pk)
    expect(section.locator("#results-table tbody tr")).to_have_count(2)

    # One recusal; the replacement takes the place in the same random order.
    section.select_option("#recusal-form select[name=member]", index=0)
    section.select_option("#recusal-form select[name=reason_code]", "kinship")
    section.fill("#recusal-form input[name=reason]", "与该企业负责人为近亲属")
    section.click("#recusal-submit")
    history = section.locator("#results-table td.history", has_text="与该企业负责人为近亲属")
    expect(history).to_have_count(1)
    recused = TeamMember.objects.get(draw_id=draw_pk, active=False)
    target = recused.target
    team = list(
        TeamMember.objects.filter(draw_id=draw_pk, target=target, active=True)
        .select_related("inspector__user")
        .order_by("position")
    )
    assert len(team) == 2 and recused.inspector not in [m.inspector for m in team]
    assert DrawnLine.objects.filter(draw_id=draw_pk, target=target).exists()

    # The inspector of the new team records the visit from "my assignments".
    inspector = new_page()
    login(inspector, base, team[0].inspector.user.username)  # type: ignore[union-attr]
    inspector.goto(f"{base}/draws/mine/")
    inspector.locator(
        f"a.record-link[href='/inspections/draws/{draw_pk}/targets/{target.pk}/']"
    ).click()
    expect(inspector.locator("h1")).to_contain_text(target.name)
    # The recused inspector is not offered as present; the current team is.
    present = inspector.locator("#field-inspectors")
    expect(present).not_to_contain_text(recused.inspector.cert_no)
    for member in team:
        expect(present).to_contain_text(member.inspector.cert_no)
    inspector.fill("input[name=inspected_on]", today.isoformat())
    inspector.select_option(f"select[name=category_{item_pk}]", label="发现问题待后续处理")
    inspector.fill(f"textarea[name=findings_{item_pk}]", "预收资金未按规定存管")
    inspector.select_option("select[name=overall_category]", label="发现问题待后续处理")
    inspector.fill("textarea[name=summary]", "现场检查发卡备案及资金存管情况")
    inspector.click("#record-save")
    expect(inspector.locator(".messages")).to_contain_text("检查结果草稿已保存")

    photo = _png()
    inspector.set_input_files(
        "#evidence-form input[name=file]",
        files=FilePayload(name="门店外景.png", mimeType="image/png", buffer=photo),
    )
    inspector.fill("#evidence-form input[name=description]", "门店外景")
    inspector.click("#evidence-submit")
    evidence = Evidence.objects.get()
    expect(inspector.locator("#evidence-table")).to_contain_text(evidence.sha256)
    expect(inspector.locator("#evidence-table")).to_contain_text(f"{len(photo)} 字节")
    inspector.click("#inspection-submit")
    expect(inspector.locator("#inspection-state")).to_have_text("已提交待审核")

    # The lead section accepts it from the review queue.
    section.goto(f"{base}/inspections/review/")
    section.locator(f'#review-table tr[data-target="{target.credit_code}"] a').click()
    section.check("input[name=decision][value=accept]")
    section.click("#review-submit")
    expect(section.locator(".messages")).to_contain_text("已审核通过")
    assert Inspection.objects.get().state == InspectionState.ACCEPTED

    # A major penalty decision: it waits for legal review.
    section.goto(f"{base}/inspections/draws/{draw_pk}/targets/{target.pk}/")
    section.fill("#penalty-form input[name=decision_no]", DECISION_NO)
    section.select_option("#penalty-form select[name=penalty_kind]", "fine")
    section.fill("#penalty-form input[name=amount]", "50000")
    section.fill("#penalty-form input[name=decided_on]", today.isoformat())
    section.check("#penalty-form input[name=major]")
    section.click("#penalty-submit")
    expect(section.locator("#follow-up-table")).to_contain_text("待法制审核")

    legal = new_page()
    login(legal, base, "legal")
    legal.click("#nav-legal")
    legal.locator("#legal-table a", has_text="审核").click()
    expect(legal.locator("#penalty-fields")).to_contain_text(DECISION_NO)
    expect(legal.locator("#item-results")).to_contain_text("预收资金未按规定存管")
    legal.check("input[name=decision][value=approve]")
    legal.fill("#legal-form textarea[name=comment]", "事实清楚，证据确凿，依据充分")
    legal.click("#legal-submit")
    expect(legal.locator(".messages")).to_contain_text("决定生效")
    assert FollowUp.objects.get().state == FollowUpState.EFFECTIVE

    # The credit record shows on the target page.
    section.goto(f"{base}/directory/targets/{target.pk}/")
    credit = section.locator("#credit-table")
    expect(credit).to_contain_text(DECISION_NO)
    expect(credit).to_contain_text("行政处罚")
    expect(credit).to_contain_text("发现问题待后续处理")
