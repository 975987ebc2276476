"""Follow-up decisions (Art. 6) and legal review of major decisions (Art. 4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import CreditRecord
from spotcheck.inspections.models import FollowUp, FollowUpState, Inspection, LegalReview
from spotcheck.inspections.services_followup import (
    legal_review_decide,
    penalty_decide,
    penalty_resubmit,
    rectification_order,
    rectification_verify,
    transfer_record,
)
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_submit,
)
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db


def _accepted(scene: Scene) -> Inspection:
    problem = scene.cats["pending_follow_up"]
    inspection = scene.save(
        overall_category=problem,
        item_results=[ItemResultInput(scene.item, problem, "预收资金未按规定存管")],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    return inspection_review(actor=scene.p.section, inspection=inspection, accept=True)


def _penalty(scene: Scene, inspection: Inspection, **kw: Any) -> FollowUp:
    args: dict[str, Any] = {
        "actor": scene.p.section,
        "inspection": inspection,
        "decision_no": "金商合罚〔2026〕1号",
        "penalty_kind": "fine",
        "amount": Decimal("5000.00"),
        "decided_on": scene.today,
    }
    args.update(kw)
    return penalty_decide(**args)


def test_follow_ups_need_an_accepted_inspection(scene: Scene) -> None:
    inspection = inspection_submit(actor=scene.p.section, inspection=scene.save())
    with pytest.raises(ServiceError, match="审核通过后才能登记后续处置"):
        rectification_order(
            actor=scene.p.section, inspection=inspection, order_text="限期整改", due_on=scene.today
        )
    with pytest.raises(ServiceError, match="审核通过后"):
        _penalty(scene, inspection)


@pytest.mark.parametrize(
    "who", ["inspector", "other_section", "leader", "legal_reviewer", "auditor"]
)
def test_wrong_roles_cannot_add_follow_ups(scene: Scene, who: str) -> None:
    inspection = _accepted(scene)
    with pytest.raises(NotAllowed):
        _penalty(scene, inspection, actor=getattr(scene.p, who))
    with pytest.raises(NotAllowed):
        transfer_record(
            actor=getattr(scene.p, who),
            inspection=inspection,
            transfer_to="agency",
            receiving_body="金凤区市场监督管理局",
            transferred_on=scene.today,
            description="涉嫌无照经营",
        )


def test_rectification_order_and_verification(scene: Scene) -> None:
    inspection = _accepted(scene)
    with pytest.raises(ServiceError, match="整改期限不能早于检查日期"):
        rectification_order(
            actor=scene.p.section,
            inspection=inspection,
            order_text="限期存管",
            due_on=scene.today - dt.timedelta(days=30),
        )
    with pytest.raises(ServiceError, match="请填写责令改正的内容"):
        rectification_order(
            actor=scene.p.section, inspection=inspection, order_text=" ", due_on=scene.today
        )
    order = rectification_order(
        actor=scene.p.section,
        inspection=inspection,
        order_text="30日内将预收资金存入存管账户",
        due_on=scene.today + dt.timedelta(days=30),
    )
    assert order.state == FollowUpState.OPEN and order.department == scene.p.dept
    with pytest.raises(NotAllowed):
        rectification_verify(actor=scene.p.other_section, follow_up=order, rectified=True, note="x")
    with pytest.raises(ServiceError, match="请填写核查情况"):
        rectification_verify(actor=scene.p.section, follow_up=order, rectified=True, note="")
    # A team member may verify on site.
    order = rectification_verify(
        actor=scene.p.inspector, follow_up=order, rectified=True, note="已存管，账户余额一致"
    )
    assert order.state == FollowUpState.VERIFIED and order.rectified is True
    assert order.verified_by == scene.p.inspector and order.verified_at is not None
    with pytest.raises(ServiceError, match="已核查"):
        rectification_verify(actor=scene.p.section, follow_up=order, rectified=True, note="再次")


def test_non_major_penalty_is_effective_and_enters_credit(scene: Scene) -> None:
    inspection = _accepted(scene)
    penalty = _penalty(scene, inspection)
    assert penalty.state == FollowUpState.EFFECTIVE and penalty.effective_at is not None
    records = CreditRecord.objects.filter(target=scene.target).order_by("id")
    assert [(r.source, r.problem_found) for r in records] == [
        ("inspection", True),
        ("penalty", True),
    ]
    assert "金商合罚〔2026〕1号" in records[1].summary


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"amount": None}, "罚款须填写金额"),
        ({"amount": Decimal("-1")}, "金额不能为负数"),
        ({"amount": Decimal("1.005")}, "两位小数"),
        ({"penalty_kind": "jail"}, "处罚种类无效"),
        ({"decision_no": "  "}, "请填写处罚决定书文号"),
        # Days from today: before the inspection (which is today), and tomorrow.
        ({"decided_on": -40}, "不能早于检查日期"),
        ({"decided_on": 1}, "不能晚于今天"),
    ],
)
def test_bad_penalty_input(scene: Scene, kw: dict[str, Any], message: str) -> None:
    if "decided_on" in kw:
        kw = {"decided_on": scene.today + dt.timedelta(days=kw["decided_on"])}
    inspection = _accepted(scene)
    with pytest.raises(ServiceError, match=message):
        _penalty(scene, inspection, **kw)
    assert not inspection.follow_ups.exists()


def test_warning_needs_no_amount_and_numbers_are_unique(scene: Scene) -> None:
    inspection = _accepted(scene)
    _penalty(scene, inspection, penalty_kind="warning", amount=None)
    with pytest.raises(ServiceError, match="已存在"):
        _penalty(scene, inspection)


def test_major_penalty_waits_for_legal_review(scene: Scene) -> None:
    inspection = _accepted(scene)
    penalty = _penalty(scene, inspection, major=True, amount=Decimal("200000"))
    assert penalty.state == FollowUpState.PENDING_LEGAL_REVIEW
    assert not CreditRecord.objects.filter(source="penalty").exists()
    for who in ("section", "leader", "auditor", "inspector"):
        with pytest.raises(NotAllowed):
            legal_review_decide(actor=getattr(scene.p, who), follow_up=penalty, approve=True)
    with pytest.raises(ServiceError, match="只有被法制审核退回"):
        penalty_resubmit(
            actor=scene.p.section,
            follow_up=penalty,
            decision_no="金商合罚〔2026〕1号",
            penalty_kind="fine",
            amount=Decimal("1"),
            decided_on=scene.today,
        )
    legal = scene.p.legal_reviewer
    with pytest.raises(ServiceError, match="请填写审核意见"):
        legal_review_decide(actor=legal, follow_up=penalty, approve=False)
    legal_review_decide(
        actor=legal,
        follow_up=penalty,
        approve=False,
        comment="罚款金额适用裁量基准有误",
    )
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.RETURNED
    assert not CreditRecord.objects.filter(source="penalty").exists()
    with pytest.raises(ServiceError, match="不在待审核状态"):
        legal_review_decide(actor=legal, follow_up=penalty, approve=True)
    with pytest.raises(NotAllowed):
        penalty_resubmit(
            actor=scene.p.other_section,
            follow_up=penalty,
            decision_no="金商合罚〔2026〕1号",
            penalty_kind="fine",
            amount=Decimal("50000"),
            decided_on=scene.today,
        )
    penalty = penalty_resubmit(
        actor=scene.section2,
        follow_up=penalty,
        decision_no="金商合罚〔2026〕1号",
        penalty_kind="fine",
        amount=Decimal("50000"),
        decided_on=scene.today,
    )
    assert penalty.state == FollowUpState.PENDING_LEGAL_REVIEW and penalty.major
    review = legal_review_decide(actor=legal, follow_up=penalty, approve=True, comment="同意")
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.EFFECTIVE and penalty.effective_at is not None
    assert penalty.amount == Decimal("50000.00")
    assert [r.decision for r in LegalReview.objects.filter(follow_up=penalty)] == [
        "returned",
        "approved",
    ]
    assert review.reviewer == legal
    credit = CreditRecord.objects.get(source="penalty")
    assert credit.target == scene.target and credit.created_by == scene.section2
    with pytest.raises(ServiceError, match="不在待审核状态"):
        legal_review_decide(actor=legal, follow_up=penalty, approve=True)
    kinds = list(AuditEvent.objects.values_list("event_type", flat=True))
    assert kinds.count("inspections.legal_review") == 2
    assert "inspections.follow_up_changed" in kinds
    assert list(verify_chain()) == []


def test_non_major_penalty_needs_no_legal_review(scene: Scene) -> None:
    penalty = _penalty(scene, _accepted(scene))
    with pytest.raises(ServiceError, match="只有标记为重大执法决定"):
        legal_review_decide(actor=scene.p.legal_reviewer, follow_up=penalty, approve=True)


def test_transfers(scene: Scene) -> None:
    inspection = _accepted(scene)
    with pytest.raises(ServiceError, match="请填写接收机关"):
        transfer_record(
            actor=scene.p.section,
            inspection=inspection,
            transfer_to="judicial",
            receiving_body="",
            transferred_on=scene.today,
            description="涉嫌非法吸收公众存款",
        )
    with pytest.raises(ServiceError, match="移送去向无效"):
        transfer_record(
            actor=scene.p.section,
            inspection=inspection,
            transfer_to="court",
            receiving_body="x",
            transferred_on=scene.today,
            description="x",
        )
    transfer = transfer_record(
        actor=scene.p.section,
        inspection=inspection,
        transfer_to="judicial",
        receiving_body="银川市公安局金凤区分局",
        transferred_on=scene.today,
        description="涉嫌非法吸收公众存款",
    )
    assert transfer.state == FollowUpState.EFFECTIVE
    assert transfer.get_transfer_to_display() == "移送司法机关"
    event = AuditEvent.objects.filter(event_type="inspections.follow_up_added").get()
    assert event.payload["details"]["receiving_body"] == "银川市公安局金凤区分局"
