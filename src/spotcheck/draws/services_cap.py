"""Art. 13's yearly cap, overridden: a clerk asks for a third check of a target in a year, a
leader over the lead department approves; the override is then what lets the draw take the
target's third slot (``CheckSlot``'s check constraint)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import Target
from spotcheck.draws.models import CapOverride
from spotcheck.draws.services import _require_lead_section
from spotcheck.planning.models import SpotCheckTask, TaskState


@transaction.atomic
def cap_override_request(
    *, actor: User, task: SpotCheckTask, target: Target, reason: str
) -> CapOverride:
    _require_lead_section(actor, task)
    if not reason.strip():
        raise ServiceError(gettext("超过年度检查次数上限必须说明理由"))
    if task.state not in {TaskState.DRAFT, TaskState.APPROVED}:
        raise ServiceError(gettext("只能在承诺抽取前申请突破年度检查次数上限"))
    if CapOverride.objects.filter(task=task, target=target).exists():
        raise ServiceError(gettext("已为该检查对象提出过申请"))
    override = CapOverride.objects.create(
        task=task,
        target=target,
        year=task.window_start.year,
        reason=reason.strip(),
        requested_by=actor,
    )
    record(
        events.CapOverrideRequested(
            object_id=str(override.pk),
            summary=f"申请 {target.name} 在 {override.year} 年超过 2 次检查：{override.reason}",
            target=target.credit_code,
            year=override.year,
            reason=override.reason,
        ),
        actor=actor,
    )
    return override


@transaction.atomic
def cap_override_approve(*, actor: User, override: CapOverride) -> CapOverride:
    override = (
        CapOverride.objects.select_for_update().select_related("task", "target").get(pk=override.pk)
    )
    if actor.role != Role.LEADER or override.task.lead_department_id not in actor.department_ids():
        raise NotAllowed(gettext("只有分管领导可以批准突破年度检查次数上限"))
    if override.approved_at is not None:
        raise ServiceError(gettext("该申请已批准"))
    override.approved_by = actor
    override.approved_at = timezone.now()
    override.save()
    record(
        events.CapOverrideApproved(
            object_id=str(override.pk),
            summary=f"批准 {override.target.name} 在 {override.year} 年超过 2 次检查：{override.reason}",
            target=override.target.credit_code,
            year=override.year,
            reason=override.reason,
        ),
        actor=actor,
    )
    return override
