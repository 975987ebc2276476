"""The eligible pool of a task: who can be drawn, in which stratum, with what weight and why.

Used both for the pre-commit preview (no randomness involved) and for the commitment snapshot,
so what a clerk previews is exactly what gets committed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count
from django.http import QueryDict
from django.utils.translation import gettext

from spotcheck.core.errors import ServiceError
from spotcheck.core.exclusions import YEARLY_CAP as YEARLY_CAP_CODE
from spotcheck.core.exclusions import exclusion_label
from spotcheck.credit.selectors import risk_attributes
from spotcheck.directory.models import Target, TargetStatus
from spotcheck.directory.selectors import TargetFilter, target_list
from spotcheck.draws.models import CapOverride, CheckSlot
from spotcheck.engine.canonical import canonical_decimal
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import pool_inclusion
from spotcheck.engine.proof import sample_sizes
from spotcheck.engine.risk import DEFAULT_RISK_CONFIG, compute_weight
from spotcheck.planning.models import SpotCheckTask, StratifyBy

YEARLY_CAP = 2
# Inactive targets in scope are excluded lines with their status as the reason code.
EXCLUDED_CAP = YEARLY_CAP_CODE


@dataclass
class PoolLine:
    target: Target
    stratum: str
    weight: int
    factors: list[dict[str, str]]
    excluded: str = ""
    pi_units: int = 0

    @property
    def excluded_label(self) -> str:
        return exclusion_label(self.excluded) if self.excluded else ""

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": self.target.credit_code,
            "stratum": self.stratum,
            "weight": self.weight,
        }
        if self.excluded:
            rec["excluded"] = self.excluded
        return rec


@dataclass
class TaskPool:
    lines: list[PoolLine]
    config: dict[str, Any]
    sample_params: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)

    def engine_pool(self) -> Pool:
        return Pool.from_records(line.record() for line in self.lines)


def _stratum(target: Target, by: str) -> str:
    if by == StratifyBy.CREDIT_CLASS:
        return target.credit_class
    if by == StratifyBy.INDUSTRY:
        return target.industry_code[:1] or "未分类"
    if by == StratifyBy.REGION:
        return target.region or "未分区"
    if by == StratifyBy.KIND:
        return target.kind
    return "全部"


def _scope_targets(task: SpotCheckTask) -> list[Target]:
    """Every target in the task's scope (its filters, departments and item kinds), whatever
    its status: the committed pool lists the inactive ones as excluded with their reason."""
    filters, _unused = TargetFilter.from_params(_filter_params(task.filters))
    qs = target_list(user=None, filters=filters, check_access=False)
    departments = list(task.departments.values_list("pk", flat=True))
    qs = qs.filter(departments__in=departments).distinct()
    kinds: set[str] = set()
    for kinds_of_item in task.items.values_list("target_kinds", flat=True):
        kinds.update(kinds_of_item or [])
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs.order_by("credit_code"))


def _eligible_targets(task: SpotCheckTask) -> list[Target]:
    return [t for t in _scope_targets(task) if t.status == TargetStatus.ACTIVE]


def _filter_params(stored: dict[str, Any]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in stored.items():
        if key == "flags":
            q.setlist("flag", list(value))
        elif value not in (None, ""):
            q[key] = str(value)
    return q


def capped_target_ids(target_ids: list[int], year: int, task: SpotCheckTask) -> set[int]:
    full = set(
        CheckSlot.objects.filter(target_id__in=target_ids, year=year)
        .values("target_id")
        .annotate(n=Count("id"))
        .filter(n__gte=YEARLY_CAP)
        .values_list("target_id", flat=True)
    )
    allowed = set(
        CapOverride.objects.filter(
            task=task, approved_at__isnull=False, target_id__in=full, year=year
        ).values_list("target_id", flat=True)
    )
    return full - allowed


def build_pool(task: SpotCheckTask, *, on: dt.date | None = None) -> TaskPool:
    """Eligible targets with stratum, weight and reasons, plus the engine's exact π."""
    day = on or task.window_start
    config = {**DEFAULT_RISK_CONFIG, **(task.risk_model.config if task.risk_model else {})}
    targets = _scope_targets(task)
    attrs = risk_attributes(targets, on=day, config=config)
    capped = capped_target_ids(
        [t.pk for t in targets if t.status == TargetStatus.ACTIVE], task.window_start.year, task
    )
    lines = []
    for t in targets:
        weight, factors = compute_weight(attrs[t.pk], config)
        lines.append(
            PoolLine(
                target=t,
                stratum=_stratum(t, task.stratify_by),
                weight=weight,
                factors=[
                    {
                        "code": f.code,
                        "label": f.label_zh,
                        "multiplier": f.multiplier,
                        "detail": f.detail,
                    }
                    for f in factors
                ],
                excluded=(
                    t.status
                    if t.status != TargetStatus.ACTIVE
                    else EXCLUDED_CAP
                    if t.pk in capped
                    else ""
                ),
            )
        )
    result = TaskPool(lines=lines, config=config, sample_params={})
    if not lines:
        return result
    pool = result.engine_pool()
    result.sample_params = engine_sample(task, pool)
    try:
        result.sizes = sample_sizes(pool, {"sample": result.sample_params})
    except EngineError as exc:
        raise ServiceError(gettext("抽查比例或数量无效：%(exc)s") % {"exc": exc}) from exc
    eligible = Counter(line.stratum for line in lines if not line.excluded)
    for stratum, size in result.sizes.items():
        if size > eligible.get(stratum, 0):
            raise ServiceError(
                gettext("分层“%(stratum)s”要求抽取 %(size)s 个，但只有 %(value)s 个符合条件")
                % {"stratum": stratum, "size": size, "value": eligible.get(stratum, 0)}
            )
    pi, _ = pool_inclusion(pool, result.sizes, 1)
    # The engine keeps lines in canonical id order, as ours are.
    by_code = {bytes(pool.ids[i]).decode(): int(pi[i]) for i in range(len(pool))}
    for line in lines:
        line.pi_units = by_code[line.target.credit_code]
    return result


def engine_sample(task: SpotCheckTask, pool: Pool) -> dict[str, Any]:
    """Expand the task's sample spec ("*" = every other stratum) for the strata present."""
    spec = task.sample
    values = spec.get("values", {})
    default = values.get("*")
    expanded = {s: values.get(s, default) for s in pool.stratum_names}
    if spec.get("mode") == "count":
        return {"sizes": {s: int(v or 0) for s, v in expanded.items()}}
    try:
        ratios = {
            s: canonical_decimal(Decimal(str(v if v is not None else "0")))
            for s, v in expanded.items()
        }
    except (InvalidOperation, EngineError) as exc:
        raise ServiceError(gettext("抽查比例无效：%(exc)s") % {"exc": exc}) from exc
    return {
        "ratios": ratios,
        "minimum": int(spec.get("minimum", 0)),
    }


def pool_shortfall(task: SpotCheckTask) -> str:
    """Why this task cannot be drawn as it stands ("" when it can): no eligible target, or a
    sample larger than the eligible pool. Said before approval, so nobody approves a task whose
    draw can only fail."""
    try:
        pool = build_pool(task)
    except ServiceError as exc:
        return shortfall_message(error=exc.message)
    except EngineError as exc:
        return f"抽取引擎拒绝了输入数据：{exc}"
    return shortfall_message(pool=pool)


def shortfall_message(*, pool: TaskPool | None = None, error: str = "") -> str:
    """The reason text for a pool already built (or the error building it raised)."""
    if error:
        # build_pool names the stratum, how many it needs and how many are eligible.
        return f"符合条件的检查对象不足，无法抽取：{error}"
    assert pool is not None
    eligible = sum(1 for line in pool.lines if not line.excluded)
    hint = "请检查定向条件（如所属区域、行业）和所选抽查事项的适用对象类型"
    if eligible == 0:
        if pool.lines:
            return (
                f"符合条件的检查对象为 0 个（范围内 {len(pool.lines)} 个均被排除），"
                f"无法抽取：{hint}"
            )
        return f"符合条件的检查对象为 0 个，无法抽取：{hint}"
    if sum(pool.sizes.values()) == 0:
        return f"按当前抽查比例或数量，在 {eligible} 个符合条件的检查对象中应抽取 0 个，无法抽取"
    return ""
