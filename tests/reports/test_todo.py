"""待办: each kind of item reaches the person who acts on it and nobody else; the home page and
the API show the same list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.draws import services as draws
from spotcheck.draws.services_abort import draw_abort_request
from spotcheck.inspections.models import FollowUp, Inspection
from spotcheck.reports.todo import OVERDUE, SOON, WAITING, todo_list
from tests.factories import InspectorFactory
from tests.inspections.conftest import DICE, Scene, scene  # noqa: F401 (fixture)
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def kinds_by_person(p: Any) -> dict[str, set[str]]:
    return {name: {i.kind for i in todo_list(user=u)} for name, u in p.all().items()}


def who_has(p: Any, kind: str) -> set[str]:
    return {name for name, kinds in kinds_by_person(p).items() if kind in kinds}


def test_a_draft_task_waits_for_the_leader_of_its_department(world: World) -> None:
    task = world.task()
    assert who_has(world.p, "task_approval") == {"leader"}
    (item,) = [i for i in todo_list(user=world.p.leader) if i.kind == "task_approval"]
    assert item.url == reverse("planning:task_detail", args=[task.pk])
    assert item.title == task.name


def test_an_approved_task_waits_for_its_lead_section_to_commit(world: World) -> None:
    world.approved_task()
    assert who_has(world.p, "draw_commit") == {"section"}
    assert who_has(world.p, "task_approval") == set()


def test_a_committed_draw_waits_to_be_executed_then_leaves_the_list(world: World) -> None:
    task = world.approved_task()
    draw = draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    assert who_has(world.p, "draw_execute") == {"section"}
    assert who_has(world.p, "draw_commit") == set()
    draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert who_has(world.p, "draw_execute") == set()


def test_an_abort_request_waits_for_the_leader_not_the_clerk_who_asked(world: World) -> None:
    task = world.approved_task()
    draw = draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    draw_abort_request(actor=world.p.section, draw=draw, reason="见证人未到场")
    assert who_has(world.p, "abort_request") == {"leader"}
    (item,) = [i for i in todo_list(user=world.p.leader) if i.kind == "abort_request"]
    assert item.url == reverse("draws:draw_detail", args=[draw.pk])


def test_the_inspector_on_a_team_is_asked_to_record_the_result(scene: Scene) -> None:  # noqa: F811
    assert who_has(scene.p, "result_record") == {"inspector"}
    mine = [i for i in todo_list(user=scene.p.inspector) if i.kind == "result_record"]
    assert reverse("inspections:record", args=[scene.draw.pk, scene.target.pk]) in {
        i.url for i in mine
    }


def test_a_major_penalty_waits_for_the_legal_reviewer(scene: Scene) -> None:  # noqa: F811
    inspection = Inspection.objects.create(
        draw=scene.draw, target=scene.target, created_by=scene.p.section
    )
    fu = FollowUp.objects.create(
        inspection=inspection,
        department=scene.p.dept,
        kind="penalty",
        state="pending_legal_review",
        decision_no="金商罚〔2099〕1号",
        major=True,
        created_by=scene.p.section,
    )
    assert who_has(scene.p, "legal_review") == {"legal_reviewer"}
    (item,) = todo_list(user=scene.p.legal_reviewer)
    assert item.url == reverse("inspections:legal_review", args=[fu.pk])


def test_expiring_certificates_reach_their_section_and_the_holder(
    personas: Any, today: dt.date
) -> None:
    soon = InspectorFactory(
        department=personas.dept,
        cert_valid_to=today + dt.timedelta(days=3),
        user=personas.inspector,
    )
    InspectorFactory(department=personas.dept, cert_valid_to=today + dt.timedelta(days=400))
    assert who_has(personas, "certificate") == {"section", "inspector"}
    (item,) = todo_list(user=personas.section)
    assert item.title == str(soon)
    assert item.urgency == SOON
    assert item.due_on == soon.cert_valid_to


def test_an_expired_certificate_says_expired_not_expiring(
    client: Any, personas: Any, today: dt.date
) -> None:
    InspectorFactory(
        department=personas.dept,
        cert_valid_to=today - dt.timedelta(days=2),
        user=personas.inspector,
    )
    assert who_has(personas, "certificate_expired") == {"section", "inspector"}
    assert who_has(personas, "certificate") == set()
    (item,) = todo_list(user=personas.section)
    assert item.kind_label == "执法证已过期" and item.urgency == OVERDUE
    client.force_login(personas.section)
    page = client.get("/").content.decode()
    assert "执法证已过期" in page and "执法证即将到期" not in page


def test_overdue_first_then_due_soon_then_the_rest(personas: Any, today: dt.date) -> None:
    InspectorFactory(department=personas.dept, cert_valid_to=today + dt.timedelta(days=20))
    InspectorFactory(department=personas.dept, cert_valid_to=today - dt.timedelta(days=1))
    InspectorFactory(department=personas.dept, cert_valid_to=today + dt.timedelta(days=2))
    assert [i.urgency for i in todo_list(user=personas.section)] == [OVERDUE, SOON, WAITING]


def test_oversight_roles_have_an_empty_list(world: World) -> None:
    world.task()
    for user in (world.p.auditor, world.p.admin):
        assert todo_list(user=user) == []


def test_the_home_page_counts_and_links_each_item(client: Client, world: World) -> None:
    task = world.task()
    client.force_login(world.p.leader)
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("planning:task_detail", args=[task.pk]) in body
    assert 'data-kind="task_approval"' in body
    assert "抽查任务待批准 <b>1</b>" in body
    client.force_login(world.p.auditor)
    assert "目前没有需要您办理的事项" in client.get(reverse("core:home")).content.decode()


def test_the_api_returns_the_same_list(client: Client, world: World) -> None:
    world.task()
    world.approved_task(name="第二个任务")
    client.force_login(world.p.leader)
    data = client.get(reverse("api:todo")).json()
    expected = todo_list(user=world.p.leader)
    assert data["count"] == len(expected) >= 1
    assert [(r["kind"], r["title"], r["url"]) for r in data["results"]] == [
        (i.kind, i.title, i.url) for i in expected
    ]


def test_the_api_wants_a_login(client: Client) -> None:
    assert client.get(reverse("api:todo")).status_code == 401


def test_the_api_schema_documents_the_todo_endpoint(client: Client) -> None:
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/v1/todo/" in schema["paths"]
