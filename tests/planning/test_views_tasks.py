"""抽查任务 pages: create (directed/joint), bad input, approval, preview of 抽查概率, cap override."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.draws import services as draws
from spotcheck.draws.models import CapOverride
from spotcheck.planning.models import SpotCheckTask, TaskState
from tests.factories import CheckItemFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def task_data(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": f"{world.window[0].year}年预付卡定向抽查",
        "mode": "directed",
        "items": [str(world.item.pk)],
        "credit_class": "D",
        "stratify_by": "",
        "sample_mode": "count",
        "sample_all": "3",
        "sample_strata": "",
        "sample_minimum": "0",
        "team_size": "2",
        "window_start": world.window[0].isoformat(),
        "window_end": world.window[1].isoformat(),
    }
    data.update(extra)
    return data


def test_section_creates_a_directed_task(client: Client, world: World) -> None:
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_create")).content.decode()
    # Items as checkboxes grouped by department (own first), with a filter box for the script.
    assert 'type="checkbox" name="items"' in page and "市场建设科" in page
    assert "data-picker-filter" in page
    response = client.post(reverse("planning:task_create"), task_data(world))
    task = SpotCheckTask.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/tasks/{task.pk}/")
    assert task.filters == {"credit_class": "D"} and task.sample["values"] == {"*": 3}
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "信用风险分类：D" in page and "task-approve" not in page
    assert "preview-table" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"credit_class": ""}, "定向抽查需要至少一个限定条件"),
        ({"credit_class": "Z"}, "credit_class"),
        ({"mode": "undirected"}, "不定向抽查不能设置限定条件"),
        ({"mode": "joint"}, "跨部门联合抽查至少需要两个部门参加"),
        ({"team_size": "1"}, "team_size"),
        ({"window_end": "before-start"}, "检查结束日期不能早于开始日期"),
        ({"sample_mode": "count", "sample_all": "0.5"}, "按数量抽取时应填写非负整数"),
        ({"sample_mode": "ratio", "sample_all": "2"}, "比例应在 0 与 1 之间"),
        ({"sample_strata": "D 0.5"}, "格式应为"),
        ({"items": []}, "items"),
    ],
)
def test_bad_task_input_changes_nothing(
    client: Client, world: World, extra: dict[str, Any], message: str
) -> None:
    client.force_login(world.p.section)
    if extra.get("window_end") == "before-start":
        extra = {"window_end": (world.window[0] - dt.timedelta(days=1)).isoformat()}
    response = client.post(reverse("planning:task_create"), task_data(world, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SpotCheckTask.objects.exists()


def test_joint_task_with_partner_department(client: Client, world: World) -> None:
    other_item = CheckItemFactory(department=world.p.other_dept)
    client.force_login(world.p.section)
    data = task_data(
        world,
        mode="joint",
        credit_class="",
        items=[str(world.item.pk), str(other_item.pk)],
        partner_departments=[str(world.p.other_dept.pk)],
    )
    assert client.post(reverse("planning:task_create"), data).status_code == 302
    task = SpotCheckTask.objects.get()
    assert set(task.departments.all()) == {world.p.dept, world.p.other_dept}
    # The partner department's section sees the task, but cannot run its draw.
    client.force_login(world.p.other_section)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert task.name in page and "commit-form" not in page


def test_leader_approves_and_history_is_visible(client: Client, world: World) -> None:
    task = world.task()
    url = reverse("planning:task_approve", args=[task.pk])
    for who in ("section", "other_section", "auditor", "inspector", "admin"):
        client.force_login(getattr(world.p, who))
        assert client.post(url).status_code == 403, who
    client.force_login(world.p.leader)
    assert (
        "task-approve"
        in client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    )
    client.post(url)
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "草稿 → 已批准" in page and str(world.p.leader) in page
    # Approving twice: a clear message, nothing changes.
    page = client.post(url, follow=True).content.decode()
    assert "不能变更为" in page


def test_preview_shows_weights_reasons_and_exact_probability(client: Client, world: World) -> None:
    task = world.task(sample={"mode": "count", "values": {"*": 5}}, stratify_by="credit_class")
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert page.count('<tr class="excluded">') == 0
    assert "信用" in page and "%" in page and "×" in page
    # Strata table: four credit classes, 5 drawn from each of 7-8 targets.
    assert page.count("<td>5</td>") >= 4


def test_preview_is_paginated_by_100(client: Client, world: World) -> None:
    from tests.factories import TargetFactory

    for _ in range(80):
        TargetFactory(departments=[world.p.dept])
    task = world.task()
    client.force_login(world.p.section)
    url = reverse("planning:task_detail", args=[task.pk])
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first.count('class="mono">91') + second.count('class="mono">91') >= 110
    assert client.get(url + "?page=abc").status_code == 200


def test_preview_error_is_shown_not_raised(client: Client, world: World) -> None:
    task = world.task(sample={"mode": "count", "values": {"*": 31}})
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "只有 30 个符合条件" in page


def test_task_pages_access(client: Client, world: World) -> None:
    task = world.task()
    url = reverse("planning:task_detail", args=[task.pk])
    for who, status in [
        ("other_section", 403),
        ("inspector", 403),
        ("legal_reviewer", 403),
        ("auditor", 200),
        ("admin", 200),
    ]:
        client.force_login(getattr(world.p, who))
        assert client.get(url).status_code == status, who
    client.force_login(world.p.other_section)
    assert task.name not in client.get(reverse("planning:task_list")).content.decode()
    client.force_login(world.p.inspector)
    assert client.get(reverse("planning:task_list")).status_code == 403
    client.force_login(world.p.section)
    assert client.get(reverse("planning:task_detail", args=[999999])).status_code == 404
    client.force_login(world.p.auditor)
    assert client.post(reverse("planning:task_create"), {}).status_code == 403


def test_cap_override_request_and_approval(client: Client, world: World) -> None:
    world.fill_yearly_cap()
    task = world.task(sample={"mode": "count", "values": {"*": 1}})
    client.force_login(world.p.section)
    url = reverse("planning:task_detail", args=[task.pk])
    page = client.get(url).content.decode()
    target = world.targets[0]
    assert "override-form" in page and target.credit_code in page
    req = reverse("planning:override_request", args=[task.pk])
    page = client.post(req, {"target": target.pk, "reason": " "}, follow=True).content.decode()
    assert "必须说明理由" in page and not CapOverride.objects.exists()
    client.post(req, {"target": target.pk, "reason": "群众集中投诉，需再次检查"})
    override = CapOverride.objects.get()
    approve = reverse("planning:override_approve", args=[override.pk])
    assert client.post(approve).status_code == 403
    client.force_login(world.p.auditor)
    assert client.post(approve).status_code == 403
    client.force_login(world.p.leader)
    client.post(approve)
    override.refresh_from_db()
    assert override.approved_by == world.p.leader
    page = client.get(url).content.decode()
    assert "群众集中投诉" in page


def test_task_pages_in_english(client: Client, world: World) -> None:
    from django.conf import settings

    task = world.task()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.p.section)
    assert "Spot-check tasks" in client.get(reverse("planning:task_list")).content.decode()
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "Inclusion probability preview" in page


def test_lead_section_moves_the_task_on_after_the_draw(client: Client, world: World) -> None:
    task = world.approved_task()
    dice = {"见证人：王五": "352614", "见证人：赵六": "611243"}
    draw = draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    draws.draw_execute(actor=world.p.section, draw=draw, entries=dice)
    url = reverse("planning:task_advance", args=[task.pk])
    client.force_login(world.p.leader)
    assert client.post(url, {"to": "inspecting"}).status_code == 403
    client.force_login(world.p.section)
    assert (
        "task-advance"
        in client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    )
    # A stale form cannot skip a state.
    page = client.post(url, {"to": "closed"}, follow=True).content.decode()
    assert "请刷新页面" in page
    client.post(url, {"to": "inspecting", "reason": "检查组已出发"})
    task.refresh_from_db()
    assert task.state == TaskState.INSPECTING
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "检查组已出发" in page
