"""The draw ceremony through the services: commit, randomness, execute, recusal, abort."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from spotcheck.audit.verify import verify_chain
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import TargetStatus
from spotcheck.draws import services as draws
from spotcheck.draws.models import CheckSlot, DrawnLine, DrawState, PoolEntry, TeamMember
from spotcheck.draws.services_abort import draw_abort_decide, draw_abort_request
from spotcheck.draws.services_cap import cap_override_approve, cap_override_request
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine.verify import verify_proof
from spotcheck.planning.models import TaskState
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}


def _commit(world: World, task: Any, **kw: Any) -> Any:
    return draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
        **kw,
    )


def test_full_ceremony_produces_a_verifiable_draw(world: World) -> None:
    task = world.approved_task()
    draw = _commit(world, task)
    task.refresh_from_db()
    assert task.state == TaskState.COMMITTED
    assert draw.commitment["pool"]["count"] == 30
    assert PoolEntry.objects.filter(draw=draw).count() == 30
    # π is known before any randomness: exactly n = 5 over the pool.
    assert sum(PoolEntry.objects.filter(draw=draw).values_list("pi_units", flat=True)) == 5 * 2**32

    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    task.refresh_from_db()
    assert task.state == TaskState.DRAWN and draw.state == DrawState.EXECUTED
    assert DrawnLine.objects.filter(draw=draw).count() == 5
    teams = TeamMember.objects.filter(draw=draw)
    assert teams.count() == 10
    assert CheckSlot.objects.filter(draw=draw, year=task.window_start.year, slot=1).count() == 5
    problems, _ = verify_proof(json.loads(json.dumps(proof_document(draw))))
    assert problems == []
    assert list(verify_chain()) == []


def test_higher_risk_targets_get_higher_probability(world: World) -> None:
    draw = _commit(world, world.approved_task())
    by_class: dict[str, list[int]] = {}
    for entry in PoolEntry.objects.filter(draw=draw).select_related("target"):
        by_class.setdefault(entry.target.credit_class, []).append(entry.pi_units)
    assert max(by_class["A"]) < min(by_class["D"])
    entry = PoolEntry.objects.filter(draw=draw, target__credit_class="D").first()
    assert entry is not None and any(f["code"] == "credit_class" for f in entry.factors)


def test_wrong_dice_format_changes_nothing(world: World) -> None:
    draw = _commit(world, world.approved_task())
    with pytest.raises(ServiceError, match="骰子点数格式错误"):
        draws.draw_execute(
            actor=world.p.section,
            draw=draw,
            entries={"见证人：王五": "12", "见证人：赵六": "611243"},
        )
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED and not TeamMember.objects.exists()


def test_a_single_witness_is_not_enough(world: World) -> None:
    with pytest.raises(ServiceError, match="至少需要 2 名不同的见证人"):
        draws.draw_commit(
            actor=world.p.section,
            task=world.approved_task(),
            randomness_kind="witnesses",
            randomness_names=["王五"],
        )


def test_beacon_must_be_in_the_future(world: World) -> None:
    with pytest.raises(ServiceError, match="晚于现在"):
        draws.draw_commit(
            actor=world.p.section,
            task=world.approved_task(),
            randomness_kind="beacon",
            randomness_names=["beacon round 1"],
            not_before=timezone.now() - dt.timedelta(hours=1),
        )


def test_unapproved_task_cannot_be_committed(world: World) -> None:
    with pytest.raises(ServiceError, match="批准"):
        _commit(world, world.task())


@pytest.mark.parametrize("who", ["other_section", "leader", "auditor", "inspector"])
def test_only_the_lead_section_runs_the_draw(world: World, who: str) -> None:
    task = world.approved_task()
    with pytest.raises(NotAllowed):
        draws.draw_commit(
            actor=getattr(world.p, who),
            task=task,
            randomness_kind="witnesses",
            randomness_names=["王五", "赵六"],
        )


def test_stratum_asking_for_more_than_eligible_is_refused(world: World) -> None:
    # Approval refuses such a task (planning tests); the commit re-checks, since the pool can
    # shrink between approval and draw.
    task = world.approved_task(sample={"mode": "count", "values": {"*": 30}})
    world.targets[0].status = TargetStatus.DEREGISTERED
    world.targets[0].save()
    with pytest.raises(ServiceError, match="只有 29 个符合条件"):
        _commit(world, task)


def test_too_few_qualified_inspectors(world: World) -> None:
    for inspector in world.inspectors[1:]:
        inspector.cert_valid_to = world.today - dt.timedelta(days=1)
        inspector.save()
    with pytest.raises(ServiceError, match="不足每组 2 名"):
        _commit(world, world.approved_task())


def test_recusal_replaces_from_the_same_order(world: World) -> None:
    draw = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, world.approved_task()), entries=DICE
    )
    member = TeamMember.objects.filter(draw=draw, active=True).first()
    assert member is not None
    new = draws.draw_recuse(
        actor=world.p.section,
        draw=draw,
        inspector=member.inspector,
        target=member.target,
        reason_code="kinship",
        reason="与该企业负责人为近亲属",
    )
    assert new.replaces == member and new.inspector != member.inspector
    assert TeamMember.objects.filter(draw=draw, target=member.target, active=True).count() == 2
    draw.refresh_from_db()
    assert (
        draw.proof is not None and draw.proof["recusals"][0]["replacement"] == new.inspector.cert_no
    )
    problems, _ = verify_proof(json.loads(json.dumps(proof_document(draw))))
    assert problems == []


def test_abort_keeps_the_record_and_redo_needs_a_reason(world: World) -> None:
    task = world.approved_task()
    first = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    with pytest.raises(ServiceError, match="说明原因"):
        draw_abort_request(actor=world.p.section, draw=first, reason=" ")
    request = draw_abort_request(actor=world.p.section, draw=first, reason="检查组成员名单有误")
    draw_abort_decide(actor=world.p.leader, request=request, approve=True)
    first.refresh_from_db()
    assert first.state == DrawState.ABORTED and first.proof is not None
    assert not CheckSlot.objects.filter(draw=first).exists()
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED
    with pytest.raises(ServiceError, match="重新抽取必须说明原因"):
        _commit(world, task)
    second = _commit(world, task, reason="首次抽取作废后重抽")
    assert second.pk > first.pk and second.replaces == first


def test_yearly_cap_excludes_targets_checked_twice(world: World) -> None:
    world.staff_for_full_draws()
    # Approved while the targets were still free; the cap fills up before its draw.
    task = world.approved_task(sample={"mode": "count", "values": {"*": 1}})
    for _ in range(2):
        full = world.approved_task(sample={"mode": "count", "values": {"*": 30}})
        draws.draw_execute(actor=world.p.section, draw=_commit(world, full), entries=DICE)
    assert CheckSlot.objects.filter(slot=2).count() == 30
    with pytest.raises(ServiceError, match="只有 0 个符合条件"):
        _commit(world, task)


def test_cap_override_needs_leader_approval(world: World) -> None:
    world.fill_yearly_cap()
    task = world.task(sample={"mode": "count", "values": {"*": 1}})
    target = world.targets[0]
    override = cap_override_request(
        actor=world.p.section, task=task, target=target, reason="群众集中投诉，需再次检查"
    )
    with pytest.raises(NotAllowed):
        cap_override_approve(actor=world.p.section, override=override)
    cap_override_approve(actor=world.p.leader, override=override)
    from spotcheck.planning.services import task_approve

    task = task_approve(actor=world.p.leader, task=task)
    draw = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    slot = CheckSlot.objects.get(draw=draw)
    assert slot.slot == 3 and slot.override == override


def test_joint_task_mixes_departments(world: World) -> None:
    from tests.factories import CheckItemFactory, InspectorFactory

    other_item = CheckItemFactory(department=world.p.other_dept, target_kinds=["enterprise"])
    for _ in range(4):
        InspectorFactory(department=world.p.other_dept)
    for target in world.targets[:10]:
        target.departments.add(world.p.other_dept)
    task = world.approved_task(
        mode="joint",
        items=[world.item, other_item],
        partner_departments=[world.p.other_dept],
    )
    draw = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    for entry in DrawnLine.objects.filter(draw=draw):
        depts = set(
            TeamMember.objects.filter(draw=draw, target=entry.target).values_list(
                "inspector__department", flat=True
            )
        )
        assert depts == {world.p.dept.pk, world.p.other_dept.pk}
        # One visit per target however many departments take part: one cap slot.
        assert CheckSlot.objects.filter(draw=draw, target=entry.target).count() == 1
