"""Aborting a draw takes two people and leaves a public trace.

A section clerk of the lead department asks, with a reason; a leader over that department
approves (the draw is aborted, its published commitment marked 作废, the task goes back to
approved for a re-draw whose commitment chains to this one) or rejects. Without this, a clerk
who disliked a result could re-roll until it suited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.disclosure.draw_records import void_draw_commitment
from spotcheck.disclosure.redaction import mask_text
from spotcheck.draws.models import AbortRequest, CheckSlot, Draw, DrawState
from spotcheck.planning.models import SpotCheckTask, TaskState
from spotcheck.planning.services import _transition

ABORTABLE_TASK_STATES = {TaskState.COMMITTED, TaskState.DRAWN}


def can_request_abort(user: User, draw: Draw) -> bool:
    task = draw.task
    return bool(
        user.is_active
        and user.role == Role.SECTION
        and user.department_id == task.lead_department_id
    )


def can_decide_abort(user: User, draw: Draw) -> bool:
    return bool(
        user.is_active
        and user.role == Role.LEADER
        and draw.task.lead_department_id in user.department_ids()
    )


def _check_abortable(draw: Draw, task: SpotCheckTask) -> None:
    if draw.state == DrawState.ABORTED:
        raise ServiceError(gettext("该抽取已作废"))
    if task.state not in ABORTABLE_TASK_STATES:
        raise ServiceError(gettext("检查已开始，不能再作废抽取"))


@transaction.atomic
def draw_abort_request(*, actor: User, draw: Draw, reason: str) -> AbortRequest:
    draw = Draw.objects.select_for_update().select_related("task").get(pk=draw.pk)
    if not can_request_abort(actor, draw):
        raise NotAllowed(gettext("只有牵头部门的业务科室人员可以申请作废抽取"))
    reason = reason.strip()
    if not reason:
        raise ServiceError(gettext("申请作废抽取必须说明原因"))
    _check_abortable(draw, draw.task)
    if draw.abort_requests.filter(decided_at__isnull=True).exists():
        raise ServiceError(gettext("本次抽取已有待审批的作废申请"))
    request = AbortRequest.objects.create(
        draw=draw, reason=reason, requested_by=actor, requested_at=timezone.now()
    )
    record(
        events.DrawAbortRequested(
            object_id=str(draw.pk),
            summary=f"申请作废第{draw.pk}号抽取：{reason}",
            task=draw.task_id,
            reason=reason,
        ),
        actor=actor,
    )
    return request


@transaction.atomic
def draw_abort_decide(
    *, actor: User, request: AbortRequest, approve: bool, comment: str = ""
) -> AbortRequest:
    request = (
        AbortRequest.objects.select_for_update()
        .select_related("draw__task", "requested_by")
        .defer("draw__proof")
        .get(pk=request.pk)
    )
    draw = Draw.objects.select_for_update().select_related("task").get(pk=request.draw_id)
    task = SpotCheckTask.objects.select_for_update().get(pk=draw.task_id)
    if not can_decide_abort(actor, draw):
        raise NotAllowed(gettext("只有牵头部门的分管领导可以审批作废抽取"))
    if actor.pk == request.requested_by_id:
        raise NotAllowed(gettext("作废抽取须由申请人以外的分管领导批准"))
    if not request.pending:
        raise ServiceError(gettext("该作废申请已审批"))
    comment = comment.strip()
    now = timezone.now()
    request.decided_by = actor
    request.decided_at = now
    request.approved = approve
    request.decision_comment = comment
    if not approve:
        if not comment:
            raise ServiceError(gettext("驳回作废申请须填写意见"))
        request.save()
        record(
            events.DrawAbortRejected(
                object_id=str(draw.pk),
                summary=f"驳回作废第{draw.pk}号抽取的申请：{comment}",
                task=task.pk,
                reason=request.reason,
                comment=comment,
            ),
            actor=actor,
        )
        return request
    _check_abortable(draw, task)
    request.save()
    previous = draw.state
    # The reason goes public (portal, proof history): through the redaction rules first, so
    # an ID or phone number typed into it is masked; the request keeps the original.
    public_reason, _kinds = mask_text(request.reason)
    draw.state = DrawState.ABORTED
    draw.aborted_by = actor
    draw.aborted_at = now
    draw.abort_reason = public_reason
    draw.save()
    # The draw and its teams stay on record; only its claim on the yearly cap is released.
    CheckSlot.objects.filter(draw=draw).delete()
    draw.team_members.update(active=False)
    _transition(
        task, TaskState.APPROVED, actor=actor, reason=f"第{draw.pk}号抽取作废：{request.reason}"
    )
    void_draw_commitment(actor=actor, draw=draw, reason=public_reason, at=now)
    record(
        events.DrawAborted(
            object_id=str(draw.pk),
            summary=f"批准作废第{draw.pk}号抽取：{request.reason}",
            task=task.pk,
            reason=request.reason,
            previous_state=previous,
            requested_by=str(request.requested_by),
        ),
        actor=actor,
    )
    return request
