"""A failed execution keeps the randomness it was given, and binds every later attempt.

The operator's trick this guards against: arrange that drawing a chosen company makes the draw
fail (conflict declarations against all but one inspector, so no team of two can be formed),
then, when the dice draw it, let the failure roll back and type in other dice until it is
spared. The failed attempt's values are now in the audit chain and a second attempt must use
them, which gives the same selection and the same failure: the draw can only be aborted, with
the leader's approval and in public.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain
from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import ConflictDeclaration
from spotcheck.draws import services as draws
from spotcheck.draws.models import CheckSlot, Draw, DrawnLine, DrawState, TeamMember
from spotcheck.draws.services_abort import draw_abort_decide, draw_abort_request
from tests.draws.test_workflow import DICE
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

OTHER_DICE = {"见证人：王五": "111111", "见证人：赵六": "611243"}


def _committed(world: World) -> Draw:
    return draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )


def _no_team_possible(world: World) -> None:
    # Every target has one inspector left who may check it: no draw can form teams of two.
    for target in world.targets:
        for inspector in world.inspectors[1:]:
            ConflictDeclaration.objects.create(
                inspector=inspector, target=target, relation="kin", declared_by=world.p.section
            )


def _failures(draw: Draw) -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(
            event_type="draws.execution_failed", object_id=str(draw.pk)
        ).values_list("payload", flat=True)
    )


def test_other_dice_after_a_failure_are_refused(world: World) -> None:
    _no_team_possible(world)
    draw = _committed(world)
    with pytest.raises(ServiceError, match="组成 2 人检查组") as failed:
        draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert "已记入审计日志" in failed.value.message
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED and draw.proof is None
    assert not TeamMember.objects.filter(draw=draw).exists()
    assert not CheckSlot.objects.filter(draw=draw).exists()
    assert not DrawnLine.objects.filter(draw=draw).exists()
    (failure,) = _failures(draw)
    assert {i["name"]: i["value"] for i in failure["randomness"]} == DICE
    assert "组成 2 人检查组" in failure["reason"]
    assert list(verify_chain()) == []

    with pytest.raises(ServiceError, match="必须录入相同的数值") as refused:
        draws.draw_execute(actor=world.p.section, draw=draw, entries=OTHER_DICE)
    assert "见证人：王五" in refused.value.message
    assert "见证人：赵六" not in refused.value.message.split("不同：")[1]
    # The same values fail the same way; the first record stands, nothing else changes.
    with pytest.raises(ServiceError, match="组成 2 人检查组"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert len(_failures(draw)) == 1
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED

    # The way out is the public one: an abort the leader approves.
    request = draw_abort_request(actor=world.p.section, draw=draw, reason="无法组成检查组")
    draw_abort_decide(actor=world.p.leader, request=request, approve=True)
    draw.refresh_from_db()
    assert draw.state == DrawState.ABORTED


def test_the_same_values_go_through_once_the_cause_is_gone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    draw = _committed(world)
    real = draws._take_slots
    calls = {"n": 0}

    def lose_once(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ServiceError("有检查对象在此期间被其他抽取占用了本年度检查次数（每年最多2次）")
        real(*args)

    monkeypatch.setattr(draws, "_take_slots", lose_once)
    with pytest.raises(ServiceError, match="每年最多2次"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    (failure,) = _failures(draw)
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert draw.state == DrawState.EXECUTED
    # The proof carries the first entry, time included: the values were fixed then.
    assert draw.randomness == failure["randomness"]
    assert len(_failures(draw)) == 1
    assert list(verify_chain()) == []


def test_refusals_before_the_values_are_accepted_leave_no_binding(world: World) -> None:
    draw = _committed(world)
    with pytest.raises(ServiceError, match="格式错误"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries={**DICE, "见证人：王五": "12"})
    assert _failures(draw) == []
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=OTHER_DICE)
    assert draw.state == DrawState.EXECUTED


def test_the_draw_page_shows_the_earlier_values_and_offers_them(
    client: Client, world: World
) -> None:
    _no_team_possible(world)
    draw = _committed(world)
    client.force_login(world.p.section)
    url = reverse("draws:execute", args=[draw.pk])
    page = client.post(url, {"value_0": "352614", "value_1": "611243"}).content.decode()
    assert "组成 2 人检查组" in page and "已记入审计日志" in page
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert 'id="earlier-randomness"' in page
    assert 'value="352614"' in page and 'value="611243"' in page
    page = client.post(url, {"value_0": "111111", "value_1": "611243"}).content.decode()
    assert "必须录入相同的数值" in page
    assert Draw.objects.get(pk=draw.pk).state == DrawState.COMMITTED
    # The leader, who decides on the abort, sees the note but cannot run the draw.
    client.force_login(world.p.leader)
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert 'id="earlier-randomness"' in page and "<code>352614</code>" in page
    assert "execute-form" not in page
    response = client.post(url, {"value_0": "352614", "value_1": "611243"})
    assert response.status_code == 403
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert "Randomness entered, draw not completed" in page
    assert "a new attempt must enter the same values" in page.lower()
