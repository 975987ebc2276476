"""后续处置 (Art. 6) and 重大执法决定法制审核 (Art. 4): rectification, penalty, transfer.

Follow-ups exist only for accepted inspections: the finding they act on must be final first.
A penalty takes effect on creation unless marked major; a major one waits for a legal
reviewer's approval and goes back to the section when returned.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Department, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import CreditSource
from spotcheck.credit.services import credit_record_add
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
    LegalReview,
    LegalReviewDecision,
    PenaltyKind,
    TransferTo,
)

NOT_ACCEPTED = "检查结果审核通过后才能登记后续处置"


def _accepted(actor: User, inspection: Inspection) -> Inspection:
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("draw__task", "target")
        .defer("draw__proof")
        .get(pk=inspection.pk)
    )
    if not access.can_add_follow_up(actor, inspection.draw.task):
        raise NotAllowed(gettext("只有参与该任务的部门的业务科室人员可以登记后续处置"))
    if inspection.state != InspectionState.ACCEPTED:
        raise ServiceError(NOT_ACCEPTED)
    return inspection


def _department(actor: User) -> Department:
    # can_add_follow_up has already required a section user with a department.
    assert actor.department is not None
    return actor.department


def _check_day(day: dt.date, inspection: Inspection, what: str, field: str) -> None:
    assert inspection.inspected_on is not None
    if day < inspection.inspected_on:
        raise ServiceError(gettext("%(what)s不能早于检查日期") % {"what": what}, field=field)
    if day > timezone.localdate():
        raise ServiceError(gettext("%(what)s不能晚于今天") % {"what": what}, field=field)


def _added(follow_up: FollowUp, actor: User, summary: str, details: dict[str, Any]) -> None:
    record(
        events.FollowUpAdded(
            object_id=str(follow_up.pk),
            summary=summary,
            inspection=follow_up.inspection_id,
            target=follow_up.inspection.target.credit_code,
            kind=follow_up.kind,
            state=follow_up.state,
            details=details,
        ),
        actor=actor,
    )


# --- rectification (责令改正) ----------------------------------------------------------------


@transaction.atomic
def rectification_order(
    *,
    actor: User,
    inspection: Inspection,
    order_text: str,
    due_on: dt.date,
    description: str = "",
) -> FollowUp:
    inspection = _accepted(actor, inspection)
    order_text = order_text.strip()
    if not order_text:
        raise ServiceError(gettext("请填写责令改正的内容"))
    assert inspection.inspected_on is not None
    if due_on < inspection.inspected_on:
        raise ServiceError(gettext("整改期限不能早于检查日期"))
    follow_up = FollowUp(
        inspection=inspection,
        department=_department(actor),
        kind=FollowUpKind.RECTIFICATION,
        state=FollowUpState.OPEN,
        order_text=order_text,
        due_on=due_on,
        description=description.strip(),
        created_by=actor,
    )
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    _added(
        follow_up,
        actor,
        f"责令{inspection.target.name}限期改正（{due_on.isoformat()}前）",
        {"due_on": due_on.isoformat(), "order": order_text[:200]},
    )
    return follow_up


@transaction.atomic
def rectification_verify(
    *, actor: User, follow_up: FollowUp, rectified: bool, note: str
) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("inspection__draw", "inspection__target")
        .get(pk=follow_up.pk)
    )
    if not access.can_verify_rectification(actor, follow_up):
        raise NotAllowed(gettext("只有处置部门的业务科室人员或该对象的检查组成员可以核查整改情况"))
    if follow_up.kind != FollowUpKind.RECTIFICATION:
        raise ServiceError(gettext("只有责令改正需要核查整改情况"))
    if follow_up.state != FollowUpState.OPEN:
        raise ServiceError(gettext("该整改已核查"))
    note = note.strip()
    if not note:
        raise ServiceError(gettext("请填写核查情况"))
    follow_up.state = FollowUpState.VERIFIED
    follow_up.rectified = rectified
    follow_up.verification_note = note
    follow_up.verified_by = actor
    follow_up.verified_at = timezone.now()
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    record(
        events.FollowUpChanged(
            object_id=str(follow_up.pk),
            summary=f"核查{follow_up.inspection.target.name}整改情况："
            + ("整改到位" if rectified else "未整改到位"),
            kind=follow_up.kind,
            from_state=FollowUpState.OPEN,
            to_state=FollowUpState.VERIFIED,
            changes={"rectified": rectified, "note": note[:200]},
        ),
        actor=actor,
    )
    return follow_up


# --- penalty (行政处罚) and legal review -------------------------------------------------------


def _penalty_fields(
    *,
    inspection: Inspection,
    decision_no: str,
    penalty_kind: str,
    decided_on: dt.date,
    amount: Decimal | None,
    exclude_pk: int | None = None,
) -> tuple[str, Decimal | None]:
    decision_no = decision_no.strip()
    if not decision_no:
        raise ServiceError(gettext("请填写处罚决定书文号"))
    clash = FollowUp.objects.filter(kind=FollowUpKind.PENALTY, decision_no=decision_no)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ServiceError(
            gettext("处罚决定书文号“%(decision_no)s”已存在") % {"decision_no": decision_no}
        )
    if penalty_kind not in PenaltyKind.values:
        raise ServiceError(
            gettext(
                "处罚种类无效：应为警告、罚款、没收违法所得、责令停产停业、暂扣或吊销许可证或其他"
            )
        )
    if amount is not None:
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise ServiceError(gettext("金额“%(amount)s”无效") % {"amount": amount}) from exc
        if not amount.is_finite():
            raise ServiceError(gettext("金额无效"))
        if amount < 0:
            raise ServiceError(gettext("金额不能为负数"))
        if amount != amount.quantize(Decimal("0.01")):
            raise ServiceError(gettext("金额最多保留两位小数（元、角、分）"))
        if amount >= Decimal("1e12"):
            raise ServiceError(gettext("金额过大"))
    if penalty_kind == PenaltyKind.FINE and amount is None:
        raise ServiceError(gettext("罚款须填写金额"))
    _check_day(decided_on, inspection, gettext("处罚决定日期"), "decided_on")
    return decision_no, amount


def _take_effect(follow_up: FollowUp) -> None:
    """Effective → a credit record on the target (Art. 19).

    The record is entered in the name of the section user who submitted the decision: the
    credit service accepts only section users, and the decision is that department's act. The
    legal reviewer's approval is its own audit event in the same transaction.
    """
    follow_up.state = FollowUpState.EFFECTIVE
    follow_up.effective_at = timezone.now()
    assert follow_up.submitted_by is not None and follow_up.decided_on is not None
    credit_record_add(
        actor=follow_up.submitted_by,
        target=follow_up.inspection.target,
        source=CreditSource.PENALTY,
        problem_found=True,
        summary=f"行政处罚（{follow_up.get_penalty_kind_display()}）{follow_up.decision_no}",
        occurred_on=follow_up.decided_on,
        reference=f"penalty:{follow_up.decision_no}"[:100],
    )


@transaction.atomic
def penalty_decide(
    *,
    actor: User,
    inspection: Inspection,
    decision_no: str,
    penalty_kind: str,
    decided_on: dt.date,
    amount: Decimal | None = None,
    major: bool = False,
    description: str = "",
) -> FollowUp:
    """Record a penalty decision; a major one waits for legal review before it takes effect."""
    inspection = _accepted(actor, inspection)
    decision_no, amount = _penalty_fields(
        inspection=inspection,
        decision_no=decision_no,
        penalty_kind=penalty_kind,
        decided_on=decided_on,
        amount=amount,
    )
    follow_up = FollowUp(
        inspection=inspection,
        department=_department(actor),
        kind=FollowUpKind.PENALTY,
        state=FollowUpState.PENDING_LEGAL_REVIEW if major else FollowUpState.EFFECTIVE,
        decision_no=decision_no,
        penalty_kind=penalty_kind,
        amount=amount,
        decided_on=decided_on,
        major=major,
        description=description.strip(),
        created_by=actor,
        submitted_by=actor,
    )
    follow_up._history_user = actor  # type: ignore[attr-defined]
    try:
        # Savepoint: a concurrent duplicate number becomes a message, not a broken transaction.
        with transaction.atomic():
            follow_up.save()
    except IntegrityError as exc:
        raise ServiceError(
            gettext("处罚决定书文号“%(decision_no)s”已存在") % {"decision_no": decision_no}
        ) from exc
    _added(
        follow_up,
        actor,
        f"对{inspection.target.name}作出行政处罚 {decision_no}"
        + ("（重大执法决定，待法制审核）" if major else ""),
        {
            "decision_no": decision_no,
            "penalty_kind": penalty_kind,
            "amount": str(amount) if amount is not None else None,
            "decided_on": decided_on.isoformat(),
            "major": major,
        },
    )
    if not major:
        _take_effect(follow_up)
        follow_up.save(update_fields=["state", "effective_at"])
    return follow_up


@transaction.atomic
def penalty_resubmit(
    *,
    actor: User,
    follow_up: FollowUp,
    decision_no: str,
    penalty_kind: str,
    decided_on: dt.date,
    amount: Decimal | None = None,
    description: str = "",
) -> FollowUp:
    """After a legal reviewer returned it: the section corrects the decision and resubmits.

    "Major" cannot be switched off here: that would let a returned decision skip review.
    """
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("inspection__target", "inspection__draw__task")
        .get(pk=follow_up.pk)
    )
    if not access.can_add_follow_up(actor, follow_up.inspection.draw.task) or (
        actor.department_id != follow_up.department_id
    ):
        raise NotAllowed(gettext("只有作出处罚决定的部门的业务科室人员可以修改后重新提交"))
    if follow_up.kind != FollowUpKind.PENALTY or follow_up.state != FollowUpState.RETURNED:
        raise ServiceError(gettext("只有被法制审核退回的处罚决定可以修改后重新提交"))
    decision_no, amount = _penalty_fields(
        inspection=follow_up.inspection,
        decision_no=decision_no,
        penalty_kind=penalty_kind,
        decided_on=decided_on,
        amount=amount,
        exclude_pk=follow_up.pk,
    )
    changes: dict[str, Any] = {}
    new_values: dict[str, Any] = {
        "decision_no": decision_no,
        "penalty_kind": penalty_kind,
        "amount": amount,
        "decided_on": decided_on,
        "description": description.strip(),
    }
    for field, value in new_values.items():
        old = getattr(follow_up, field)
        if old != value:
            changes[field] = [str(old) if old is not None else None, str(value)]
            setattr(follow_up, field, value)
    follow_up.state = FollowUpState.PENDING_LEGAL_REVIEW
    follow_up.submitted_by = actor
    follow_up._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError as exc:
        raise ServiceError(
            gettext("处罚决定书文号“%(decision_no)s”已存在") % {"decision_no": decision_no}
        ) from exc
    record(
        events.FollowUpChanged(
            object_id=str(follow_up.pk),
            summary=f"修改后重新提交处罚决定 {decision_no} 法制审核",
            kind=follow_up.kind,
            from_state=FollowUpState.RETURNED,
            to_state=FollowUpState.PENDING_LEGAL_REVIEW,
            changes=changes,
        ),
        actor=actor,
    )
    return follow_up


@transaction.atomic
def legal_review_decide(
    *, actor: User, follow_up: FollowUp, approve: bool, comment: str = ""
) -> LegalReview:
    if not access.can_legal_review(actor):
        raise NotAllowed(gettext("只有法制审核人员可以审核重大执法决定"))
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("inspection__target", "submitted_by")
        .get(pk=follow_up.pk)
    )
    if not access.department_in_scope(actor, follow_up.department_id):
        raise NotAllowed(gettext("该执法决定不属于您所在机关及其下级机关"))
    if follow_up.kind != FollowUpKind.PENALTY or not follow_up.major:
        raise ServiceError(gettext("只有标记为重大执法决定的行政处罚需要法制审核"))
    if follow_up.state != FollowUpState.PENDING_LEGAL_REVIEW:
        raise ServiceError(
            gettext("该处罚决定当前为“%(state)s”，不在待审核状态")
            % {"state": follow_up.get_state_display()}
        )
    comment = comment.strip()
    if not approve and not comment:
        raise ServiceError(gettext("退回时请填写审核意见"))
    decision = LegalReviewDecision.APPROVED if approve else LegalReviewDecision.RETURNED
    review = LegalReview.objects.create(
        follow_up=follow_up, reviewer=actor, decision=decision, comment=comment
    )
    record(
        events.LegalReviewDecided(
            object_id=str(follow_up.pk),
            summary=f"法制审核{'通过' if approve else '退回'}处罚决定 {follow_up.decision_no}",
            follow_up=follow_up.pk,
            decision_no=follow_up.decision_no,
            decision=decision,
            comment=comment,
        ),
        actor=actor,
    )
    if approve:
        _take_effect(follow_up)
    else:
        follow_up.state = FollowUpState.RETURNED
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    return review


# --- transfer (移送) ----------------------------------------------------------------------------


@transaction.atomic
def transfer_record(
    *,
    actor: User,
    inspection: Inspection,
    transfer_to: str,
    receiving_body: str,
    transferred_on: dt.date,
    description: str,
) -> FollowUp:
    inspection = _accepted(actor, inspection)
    if transfer_to not in TransferTo.values:
        raise ServiceError(gettext("移送去向无效：应为移送司法机关或移送其他行政机关"))
    receiving_body = receiving_body.strip()
    if not receiving_body:
        raise ServiceError(gettext("请填写接收机关"))
    if not description.strip():
        raise ServiceError(gettext("请填写移送事由"))
    _check_day(transferred_on, inspection, gettext("移送日期"), "transferred_on")
    follow_up = FollowUp(
        inspection=inspection,
        department=_department(actor),
        kind=FollowUpKind.TRANSFER,
        state=FollowUpState.EFFECTIVE,
        transfer_to=transfer_to,
        receiving_body=receiving_body,
        transferred_on=transferred_on,
        description=description.strip(),
        created_by=actor,
    )
    follow_up._history_user = actor  # type: ignore[attr-defined]
    follow_up.save()
    _added(
        follow_up,
        actor,
        f"{TransferTo(transfer_to).label}：{inspection.target.name} → {receiving_body}",
        {
            "transfer_to": transfer_to,
            "receiving_body": receiving_body,
            "transferred_on": transferred_on.isoformat(),
        },
    )
    return follow_up
