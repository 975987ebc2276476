"""Recording, submitting and reviewing inspection results, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import CreditRecord
from spotcheck.draws import services as draws
from spotcheck.draws.models import DrawnLine, PoolEntry
from spotcheck.inspections.models import InspectionState, ItemResult
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_save,
    inspection_submit,
)
from spotcheck.planning import services as planning
from spotcheck.planning.models import TaskState
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory
from tests.inspections.conftest import Scene, run_draw

pytestmark = pytest.mark.django_db


def test_record_submit_accept(scene: Scene) -> None:
    inspection = scene.save(summary="现场检查备案及资金存管情况")
    assert inspection.state == InspectionState.DRAFT
    scene.task.refresh_from_db()
    assert scene.task.state == TaskState.INSPECTING  # the first result starts the inspecting phase
    inspection = inspection_submit(actor=scene.p.section, inspection=inspection)
    assert inspection.state == InspectionState.SUBMITTED
    assert inspection.submitted_by == scene.p.section
    inspection = inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    assert inspection.state == InspectionState.ACCEPTED and inspection.reviewed_by == scene.section2
    credit = CreditRecord.objects.get(target=scene.target)
    assert credit.source == "inspection" and credit.problem_found is False
    assert credit.occurred_on == scene.today
    types = list(AuditEvent.objects.values_list("event_type", flat=True))
    for t in (
        "inspections.saved",
        "inspections.submitted",
        "inspections.reviewed",
        "credit.record_added",
    ):
        assert t in types
    assert [s for s in inspection.transitions.values_list("to_state", flat=True)] == [
        "submitted",
        "accepted",
    ]
    # Full change history, attributed (执法全过程记录).
    assert {h.history_user for h in inspection.history.all()} == {scene.p.section, scene.section2}
    result = inspection.item_results.get()
    assert result.history.get().history_user == scene.p.section
    assert list(verify_chain()) == []


def test_assigned_inspector_records_and_submits_own(scene: Scene) -> None:
    inspection = scene.save(actor=scene.p.inspector)
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    assert inspection.submitted_by == scene.p.inspector
    # ... but not the target of another team.
    other = scene.other_target()
    with pytest.raises(NotAllowed):
        scene.save(actor=scene.p.inspector, target=other)


@pytest.mark.parametrize("who", ["leader", "auditor", "legal_reviewer", "other_section", "admin"])
def test_wrong_roles_cannot_record(scene: Scene, who: str) -> None:
    with pytest.raises(NotAllowed):
        scene.save(actor=getattr(scene.p, who))
    assert not ItemResult.objects.exists()


def test_recused_inspector_can_no_longer_record(scene: Scene) -> None:
    me = scene.p.inspector.inspector
    draws.draw_recuse(
        actor=scene.p.section,
        draw=scene.draw,
        inspector=me,
        target=scene.target,
        reason_code="kinship",
        reason="近亲属",
    )
    with pytest.raises(NotAllowed):
        scene.save(actor=scene.p.inspector)


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("day before the window", "检查期"),
        ("day after the window", "检查期"),
        ("tomorrow", "不能晚于今天"),
    ],
)
def test_date_outside_window_or_future(scene: Scene, which: str, message: str) -> None:
    day = {
        "day before the window": scene.window[0] - dt.timedelta(days=1),
        "day after the window": scene.window[1] + dt.timedelta(days=1),
        "tomorrow": scene.today + dt.timedelta(days=1),
    }[which]
    with pytest.raises(ServiceError, match=message):
        scene.save(inspected_on=day)
    assert not scene.draw.inspections.exists()


def test_inspector_not_on_team_is_refused(scene: Scene) -> None:
    outsider = InspectorFactory(department=scene.p.dept)
    with pytest.raises(ServiceError, match=r"不是.*检查组的成员"):
        scene.save(inspectors=[scene.team[0], outsider])


def test_inspector_recused_after_saving_blocks_submit(scene: Scene) -> None:
    inspection = scene.save()
    draws.draw_recuse(
        actor=scene.p.section,
        draw=scene.draw,
        inspector=scene.team[1],
        target=scene.target,
        reason_code="kinship",
        reason="曾在该企业任职",
    )
    with pytest.raises(ServiceError, match="已回避"):
        inspection_submit(actor=scene.p.section, inspection=inspection)


def test_fewer_than_two_present_blocks_submit(scene: Scene) -> None:
    inspection = scene.save(inspectors=scene.team[:1])
    with pytest.raises(ServiceError, match="至少应记录两名"):
        inspection_submit(actor=scene.p.section, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT


def test_missing_item_results_block_submit(scene: Scene) -> None:
    inspection = scene.save(item_results=[])
    with pytest.raises(ServiceError, match=f"尚未录入检查结果：{scene.item.name}"):
        inspection_submit(actor=scene.p.section, inspection=inspection)


def test_missing_date_and_overall_block_submit(scene: Scene) -> None:
    inspection = scene.save(inspected_on=None, overall_category=None)
    with pytest.raises(ServiceError, match="请填写检查日期"):
        inspection_submit(actor=scene.p.section, inspection=inspection)
    scene.save(overall_category=None)
    with pytest.raises(ServiceError, match="请选择总体检查结果"):
        inspection_submit(actor=scene.p.section, inspection=inspection)


def test_problem_needs_findings_and_a_matching_overall(scene: Scene) -> None:
    problem = scene.cats["pending_follow_up"]
    with pytest.raises(ServiceError, match="请填写检查发现"):
        scene.save(item_results=[ItemResultInput(scene.item, problem)])
    inspection = scene.save(item_results=[ItemResultInput(scene.item, problem, "未按规定存管资金")])
    with pytest.raises(ServiceError, match="总体检查结果不能为“未发现问题”"):
        inspection_submit(actor=scene.p.section, inspection=inspection)


def test_inactive_category_and_foreign_item_are_refused(scene: Scene) -> None:
    cat = scene.cats["no_activity"]
    cat.active = False
    cat.save()
    with pytest.raises(ServiceError, match="已停用"):
        scene.save(overall_category=cat)
    foreign = CheckItemFactory(department=scene.p.dept)
    with pytest.raises(ServiceError, match="不属于本任务"):
        scene.save(item_results=[ItemResultInput(foreign, scene.cats["no_problem"])])


def test_undrawn_target_is_refused(scene: Scene) -> None:
    drawn = DrawnLine.objects.filter(draw=scene.draw).values("credit_code")
    undrawn = PoolEntry.objects.filter(draw=scene.draw).exclude(credit_code__in=drawn).first()
    assert undrawn is not None
    with pytest.raises(ServiceError, match=r"不是第.*号抽取抽中的检查对象"):
        scene.save(target=undrawn.target, inspectors=[])


def test_cannot_record_before_the_window_opens(personas: object, scene: Scene) -> None:
    task = planning.task_create(
        actor=scene.p.section,
        name="下月抽查",
        mode="undirected",
        items=[scene.item],
        window_start=scene.today + dt.timedelta(days=5),
        window_end=scene.today + dt.timedelta(days=20),
        sample={"mode": "count", "values": {"*": 1}},
    )
    draw = run_draw(scene.p.section, task)
    entry = DrawnLine.objects.get(draw=draw)
    with pytest.raises(ServiceError, match="尚不能录入"):
        inspection_save(actor=scene.p.section, draw=draw, target=entry.target)


def test_review_rules(scene: Scene) -> None:
    inspection = scene.save()
    with pytest.raises(ServiceError, match="不在待审核状态"):
        inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    inspection = inspection_submit(actor=scene.p.section, inspection=inspection)
    with pytest.raises(ServiceError, match="不能提交"):
        inspection_submit(actor=scene.p.section, inspection=inspection)
    with pytest.raises(ServiceError, match="不能修改"):
        scene.save()
    with pytest.raises(NotAllowed, match="本人提交"):
        inspection_review(actor=scene.p.section, inspection=inspection, accept=True)
    for who in ("other_section", "leader", "inspector", "auditor", "legal_reviewer"):
        with pytest.raises(NotAllowed):
            inspection_review(actor=getattr(scene.p, who), inspection=inspection, accept=True)
    with pytest.raises(ServiceError, match="请填写审核意见"):
        inspection_review(actor=scene.section2, inspection=inspection, accept=False)
    assert not CreditRecord.objects.exists()


def test_returned_then_edited_and_resubmitted(scene: Scene) -> None:
    inspection = inspection_submit(actor=scene.p.inspector, inspection=scene.save())
    inspection = inspection_review(
        actor=scene.p.section, inspection=inspection, accept=False, comment="请补充检查发现"
    )
    assert inspection.state == InspectionState.RETURNED
    assert inspection.review_comment == "请补充检查发现"
    assert not CreditRecord.objects.exists()
    scene.save(actor=scene.p.inspector, summary="已补充：资金存管账户余额与台账一致")
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    inspection = inspection_review(actor=scene.p.section, inspection=inspection, accept=True)
    assert inspection.state == InspectionState.ACCEPTED
    assert list(inspection.transitions.values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    with pytest.raises(ServiceError, match="审核通过，不能修改"):
        scene.save()


def test_all_accepted_moves_task_to_results_in(scene: Scene) -> None:
    for target in scene.drawn_targets():
        inspection = scene.save(target=target)
        inspection = inspection_submit(actor=scene.p.section, inspection=inspection)
        scene.task.refresh_from_db()
        assert scene.task.state == TaskState.INSPECTING
        inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    scene.task.refresh_from_db()
    assert scene.task.state == TaskState.RESULTS_IN
    assert CreditRecord.objects.filter(source="inspection").count() == 3


def test_joint_task_needs_each_departments_items(personas: object, scene: Scene) -> None:
    p = scene.p
    other_item = CheckItemFactory(department=p.other_dept, target_kinds=["enterprise"])
    for _ in range(4):
        InspectorFactory(department=p.other_dept)
    target = TargetFactory(departments=[p.dept, p.other_dept])
    task = planning.task_create(
        actor=p.section,
        name="联合抽查",
        mode="joint",
        items=[scene.item, other_item],
        partner_departments=[p.other_dept],
        window_start=scene.window[0],
        window_end=scene.window[1],
        sample={"mode": "count", "values": {"*": 1}},
        filters={"q": target.credit_code},
    )
    draw = run_draw(p.section, task)
    entry = DrawnLine.objects.get(draw=draw)
    assert entry.target == target
    scene.draw = draw
    ok = scene.cats["no_problem"]
    # The partner's clerk records only its own department's items.
    with pytest.raises(NotAllowed, match="本部门事项"):
        scene.save(
            actor=p.other_section, target=target, item_results=[ItemResultInput(scene.item, ok)]
        )
    inspection = scene.save(
        actor=p.other_section, target=target, item_results=[ItemResultInput(other_item, ok)]
    )
    with pytest.raises(ServiceError, match=f"尚未录入检查结果：{scene.item.name}"):
        inspection_submit(actor=p.section, inspection=inspection)
    scene.save(target=target, item_results=[ItemResultInput(scene.item, ok)])
    inspection = inspection_submit(actor=p.section, inspection=inspection)
    assert inspection.item_results.count() == 2
    present = set(inspection.inspectors.values_list("department", flat=True))
    assert present == {p.dept.pk, p.other_dept.pk}
    # One visit per target even with two departments.
    assert draw.inspections.count() == 1
