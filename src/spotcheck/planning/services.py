"""Annual plans and spot-check tasks: creation, validation, approval and state changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Department, Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.selectors import current_risk_model
from spotcheck.directory.models import CheckItem
from spotcheck.directory.selectors import TargetFilter, scope_value_errors
from spotcheck.draws.pool import pool_shortfall
from spotcheck.planning.models import (
    AnnualPlan,
    PlanState,
    SpotCheckTask,
    StratifyBy,
    TaskMode,
    TaskState,
    TaskTransition,
)

# Allowed forward moves; COMMITTED → APPROVED is the only way back (an aborted draw).
TRANSITIONS: dict[str, set[str]] = {
    TaskState.DRAFT: {TaskState.APPROVED},
    TaskState.APPROVED: {TaskState.COMMITTED},
    TaskState.COMMITTED: {TaskState.DRAWN, TaskState.APPROVED},
    TaskState.DRAWN: {TaskState.INSPECTING, TaskState.APPROVED},
    TaskState.INSPECTING: {TaskState.RESULTS_IN},
    TaskState.RESULTS_IN: {TaskState.CLOSED},
    TaskState.CLOSED: set(),
}


def _check_ratio(value: Any, where: str) -> None:
    if isinstance(value, (bool, float)):
        raise ServiceError(
            gettext("%(where)s：比例请填写如 0.05 的小数文本，数量请填写整数") % {"where": where}
        )
    if isinstance(value, int):
        if value < 0:
            raise ServiceError(gettext("%(where)s：数量不能为负数") % {"where": where})
        return
    try:
        r = Fraction(str(value))
    except (ValueError, ZeroDivisionError) as exc:
        raise ServiceError(
            gettext("%(where)s：“%(value)s”不是有效的比例") % {"where": where, "value": value}
        ) from exc
    if not 0 <= r <= 1:
        raise ServiceError(gettext("%(where)s：比例应在 0 与 1 之间") % {"where": where})


def validate_sample(sample: dict[str, Any]) -> None:
    """``{"mode": "ratio"|"count", "values": {stratum|"*": value}, "minimum": int}``."""
    mode = sample.get("mode")
    if mode not in {"ratio", "count"}:
        raise ServiceError(gettext("抽查比例设置无效：请选择按比例或按数量"))
    values = sample.get("values")
    if not isinstance(values, dict) or not values:
        raise ServiceError(gettext("请至少为一个分层（或“全部”）设置抽查比例或数量"))
    for stratum, value in values.items():
        where = gettext("分层“%(stratum)s”") % {
            "stratum": gettext("全部") if stratum == "*" else stratum
        }
        if mode == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ServiceError(gettext("%(where)s：抽取数量应为非负整数") % {"where": where})
        else:
            _check_ratio(str(value), where)
    minimum = sample.get("minimum", 0)
    if not isinstance(minimum, int) or minimum < 0:
        raise ServiceError(gettext("每层最少抽取数应为非负整数"))


def _transition(task: SpotCheckTask, to: str, *, actor: User, reason: str = "") -> None:
    if to not in TRANSITIONS[task.state]:
        raise ServiceError(
            gettext("任务当前状态为“%(state)s”，不能变更为“%(label)s”")
            % {"state": task.get_state_display(), "label": TaskState(to).label}
        )
    TaskTransition.objects.create(
        task=task, from_state=task.state, to_state=to, actor=actor, reason=reason
    )
    record(
        events.TaskStateChanged(
            object_id=str(task.pk),
            summary=f"任务“{task.name}”：{task.get_state_display()} → {TaskState(to).label}",
            from_state=task.state,
            to_state=to,
            reason=reason,
        ),
        actor=actor,
    )
    task.state = to
    task._history_user = actor  # type: ignore[attr-defined]
    task.save(update_fields=["state"])


def _lead_of(user: User, task: SpotCheckTask) -> bool:
    return user.role == Role.SECTION and user.department_id == task.lead_department_id


# --- annual plans ----------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User,
    year: int,
    items: Sequence[CheckItem],
    sectors: list[dict[str, Any]],
    notes: str = "",
) -> AnnualPlan:
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以编制年度抽查工作计划"))
    if not 2000 <= year <= 2100:
        raise ServiceError(gettext("年度无效"))
    if AnnualPlan.objects.filter(year=year, department=actor.department).exists():
        raise ServiceError(gettext("%(year)s 年度本部门的抽查计划已存在") % {"year": year})
    for i, sector in enumerate(sectors, start=1):
        if not sector.get("name"):
            raise ServiceError(gettext("第%(i)s个行业缺少名称") % {"i": i})
        _check_ratio(str(sector.get("ratio", "")), f"行业“{sector.get('name')}”")
        rounds = sector.get("rounds_per_year", 1)
        if not isinstance(rounds, int) or not 1 <= rounds <= 12:
            raise ServiceError(
                gettext("行业“%(name)s”：每年抽查频次应为 1–12 的整数") % {"name": sector["name"]}
            )
    foreign = [i for i in items if i.department_id != actor.department_id]
    if foreign:
        raise ServiceError(
            gettext("只能选择本部门的抽查事项：%(name)s") % {"name": foreign[0].name}
        )
    plan = AnnualPlan(
        year=year,
        department=actor.department,
        sectors=sectors,
        notes=notes,
        created_by=actor,
    )
    plan._history_user = actor  # type: ignore[attr-defined]
    plan.save()
    plan.items.set(items)
    record(
        events.PlanSaved(
            object_id=str(plan.pk),
            summary=f"编制 {year} 年度抽查工作计划",
            year=year,
            department=str(actor.department),
        ),
        actor=actor,
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: AnnualPlan) -> AnnualPlan:
    plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if actor.role != Role.LEADER or plan.department_id not in actor.department_ids():
        raise NotAllowed(gettext("只有分管该部门的领导可以批准计划"))
    if plan.state != PlanState.DRAFT:
        raise ServiceError(gettext("该计划已批准"))
    plan.state = PlanState.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan._history_user = actor  # type: ignore[attr-defined]
    plan.save()
    record(
        events.PlanApproved(
            object_id=str(plan.pk),
            summary=f"批准 {plan.year} 年度抽查工作计划",
            year=plan.year,
            department=str(plan.department),
        ),
        actor=actor,
    )
    return plan


# --- tasks -----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: User,
    name: str,
    mode: str,
    items: Sequence[CheckItem],
    window_start: dt.date,
    window_end: dt.date,
    sample: dict[str, Any],
    partner_departments: Sequence[Department] = (),
    filters: dict[str, Any] | None = None,
    stratify_by: str = "",
    team_size: int = 2,
    plan: AnnualPlan | None = None,
) -> SpotCheckTask:
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以制定抽查任务"))
    lead = actor.department
    assert lead is not None
    name = name.strip()
    if not name:
        raise ServiceError(gettext("请填写任务名称"))
    if mode not in TaskMode.values:
        raise ServiceError(gettext("抽查方式无效"))
    departments = {lead, *partner_departments}
    if mode == TaskMode.JOINT and len(departments) < 2:
        raise ServiceError(gettext("跨部门联合抽查至少需要两个部门参加"))
    if mode != TaskMode.JOINT and len(departments) > 1:
        raise ServiceError(gettext("只有跨部门联合抽查可以有其他参与部门"))
    parsed, errors = TargetFilter.from_params(filters or {})
    if errors:
        raise ServiceError(gettext("定向条件无效：%(errors)s") % {"errors": "；".join(errors)})
    unknown = scope_value_errors(parsed)
    if unknown:
        raise ServiceError(gettext("定向条件无效：%(errors)s") % {"errors": "；".join(unknown)})
    if mode == TaskMode.DIRECTED and not parsed.as_dict():
        raise ServiceError(gettext("定向抽查需要至少一个限定条件（行业、区域、规模等）"))
    if mode == TaskMode.UNDIRECTED and parsed.as_dict():
        raise ServiceError(gettext("不定向抽查不能设置限定条件"))
    if stratify_by not in StratifyBy.values:
        raise ServiceError(gettext("分层依据无效"))
    validate_sample(sample)
    if not isinstance(team_size, int) or team_size < 2:
        raise ServiceError(gettext("每个检查组至少需要两名执法检查人员（第十一条）"))
    if mode == TaskMode.JOINT and team_size < len(departments):
        raise ServiceError(gettext("联合抽查每组人数不能少于参与部门数（每个部门至少一人）"))
    if window_end < window_start:
        raise ServiceError(gettext("检查结束日期不能早于开始日期"))
    if not items:
        raise ServiceError(gettext("请至少选择一个抽查事项"))
    inactive = [i for i in items if not i.active]
    if inactive:
        raise ServiceError(
            gettext("抽查事项“%(name)s”已停用，不能列入新任务") % {"name": inactive[0].name}
        )
    item_depts = {i.department_id for i in items}
    if not item_depts <= {d.pk for d in departments}:
        raise ServiceError(gettext("所选抽查事项的检查主体必须是参与部门"))
    if mode == TaskMode.JOINT and item_depts != {d.pk for d in departments}:
        raise ServiceError(gettext("联合抽查中每个参与部门都应带入本部门的抽查事项"))
    if plan is not None and plan.department_id != lead.pk:
        raise ServiceError(gettext("只能依据本部门的年度计划制定任务"))
    task = SpotCheckTask(
        name=name,
        plan=plan,
        lead_department=lead,
        mode=mode,
        filters=parsed.as_dict() | ({"flags": list(parsed.flags)} if parsed.flags else {}),
        stratify_by=stratify_by,
        sample=sample,
        team_size=team_size,
        window_start=window_start,
        window_end=window_end,
        risk_model=current_risk_model(),
        created_by=actor,
    )
    task._history_user = actor  # type: ignore[attr-defined]
    task.save()
    task.departments.set(departments)
    task.items.set(items)
    record(
        events.TaskCreated(
            object_id=str(task.pk),
            summary=f"制定抽查任务“{name}”",
            mode=mode,
            departments=sorted(d.code for d in departments),
        ),
        actor=actor,
    )
    return task


@transaction.atomic
def task_approve(*, actor: User, task: SpotCheckTask) -> SpotCheckTask:
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    if actor.role != Role.LEADER or task.lead_department_id not in actor.department_ids():
        raise NotAllowed(gettext("只有分管牵头部门的领导可以批准抽查任务"))
    if task.state == TaskState.DRAFT:
        # An approved task whose draw can only fail would move work on for nothing.
        shortfall = pool_shortfall(task)
        if shortfall:
            raise ServiceError(gettext("该任务不能批准：%(reason)s") % {"reason": shortfall})
    _transition(task, TaskState.APPROVED, actor=actor)
    task.approved_by = actor
    task.approved_at = timezone.now()
    task.save(update_fields=["approved_by", "approved_at"])
    return task


@transaction.atomic
def task_advance(*, actor: User, task: SpotCheckTask, to: str, reason: str = "") -> SpotCheckTask:
    """Moves after the draw (inspecting → results in → closed), by the lead section."""
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    if not _lead_of(actor, task):
        raise NotAllowed(gettext("只有牵头部门的业务科室人员可以推进任务"))
    if to not in {TaskState.INSPECTING, TaskState.RESULTS_IN, TaskState.CLOSED}:
        raise ServiceError(gettext("该状态只能由抽取流程设置"))
    _transition(task, to, actor=actor, reason=reason)
    return task
