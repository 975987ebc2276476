"""The eligible pool of a task: who can be drawn, in which stratum, with what weight and why.

Used both for the pre-commit preview (no randomness involved) and for the commitment snapshot,
so what a clerk previews is exactly what gets committed.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, overload

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext

from spotcheck.core.bulk import paused_gc
from spotcheck.core.errors import ServiceError
from spotcheck.core.exclusions import YEARLY_CAP as YEARLY_CAP_CODE
from spotcheck.core.exclusions import exclusion_label
from spotcheck.credit.selectors import (
    RiskProfiles,
    recent_problem_counts,
)
from spotcheck.directory.models import Target, TargetStatus
from spotcheck.draws.scope import (
    capped_target_ids,
    pool_columns,
    scope_queryset,
    stratum_column,
    weighed_scope,
)
from spotcheck.engine.canonical import canonical_decimal
from spotcheck.engine.hashing import EngineError, check_id
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import M, allocate_sample_sizes, pool_inclusion
from spotcheck.engine.proof import sample_sizes
from spotcheck.engine.risk import DEFAULT_RISK_CONFIG
from spotcheck.planning.models import SpotCheckTask, StratifyBy

# Inactive targets in scope are excluded lines with their status as the reason code.
EXCLUDED_CAP = YEARLY_CAP_CODE


@dataclass(frozen=True)
class PoolLine:
    """One line of a task's pool, as the preview shows it."""

    target_id: int
    credit_code: str
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
            "id": self.credit_code,
            "stratum": self.stratum,
            "weight": self.weight,
        }
        if self.excluded:
            rec["excluded"] = self.excluded
        return rec


@dataclass
class TaskPool:
    """The pool as columns in canonical (UTF-8 byte) order of credit code.

    A provincial task's pool has a million lines: a model instance, a dict or even a
    dataclass per line would cost gigabytes and seconds, so lines are materialised only for
    the page being shown (``lines`` is a lazy sequence)."""

    target_ids: array[int]
    """Machine integers, 8 bytes a line (a list of ints costs 40)."""
    codes: list[str]
    strata: list[str]
    weights: list[int]
    profiles: list[int]
    """Index into ``factor_sets`` per line: the weight's reasons, shared by equal attributes."""
    factor_sets: list[list[dict[str, str]]]
    excluded: dict[int, str]
    """Position -> reason code of lines kept in the pool but not eligible."""
    config: dict[str, Any]
    sample_params: dict[str, Any] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    pi_units: array[int] = field(default_factory=lambda: array("q"))
    _engine: Pool | None = None

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def lines(self) -> PoolLines:
        return PoolLines(self)

    def line(self, i: int) -> PoolLine:
        return PoolLine(
            target_id=self.target_ids[i],
            credit_code=self.codes[i],
            stratum=self.strata[i],
            weight=self.weights[i],
            factors=self.factor_sets[self.profiles[i]],
            excluded=self.excluded.get(i, ""),
            pi_units=self.pi_units[i] if self.pi_units else 0,
        )

    def has_code(self, code: str) -> bool:
        """Whether a line has this credit code: a binary search in the sorted codes, not a
        set of a million of them."""
        i = bisect_left(self.codes, code)
        return i < len(self.codes) and self.codes[i] == code

    @property
    def eligible_count(self) -> int:
        return len(self.codes) - len(self.excluded)

    def eligible_by_stratum(self) -> Counter[str]:
        counts = Counter(self.strata)
        counts.subtract(self.strata[i] for i in self.excluded)
        return counts

    def strata_figures(self) -> list[list[Any]]:
        """Per stratum: [name, eligible, excluded, Σπ in units of M, take-alls]."""
        if not self.strata:
            return []
        # Column-wise with numpy: a Python loop over a million lines took half a second.
        names = list(dict.fromkeys(self.strata))
        index = {name: k for k, name in enumerate(names)}
        codes = np.fromiter(map(index.__getitem__, self.strata), np.int64, len(self.strata))
        eligible = np.ones(len(codes), dtype=bool)
        if self.excluded:
            eligible[np.fromiter(self.excluded, np.int64, len(self.excluded))] = False
        pi = np.asarray(self.pi_units or np.zeros(len(codes)), dtype=np.int64)
        # Σπ of a stratum is its sample size times M (< 2^63), exact in int64.
        sums = np.zeros(len(names), dtype=np.int64)
        np.add.at(sums, codes[eligible], pi[eligible])
        takes = np.bincount(codes[eligible & (pi == M)], minlength=len(names))
        counts = np.bincount(codes[eligible], minlength=len(names))
        excluded = np.bincount(codes[~eligible], minlength=len(names))
        return [
            [name, int(counts[k]), int(excluded[k]), int(sums[k]), int(takes[k])]
            for k, name in enumerate(names)
        ]

    def engine_pool(self) -> Pool:
        if self._engine is None:
            self._engine = Pool.from_arrays(
                self.codes,
                self.strata,
                self.weights,
                {self.codes[i]: reason for i, reason in self.excluded.items()},
            )
        return self._engine


class PoolLines(Sequence[PoolLine]):
    """A read-only view of a TaskPool's lines (what the paginator and templates iterate)."""

    def __init__(self, pool: TaskPool) -> None:
        self._pool = pool

    def __len__(self) -> int:
        return len(self._pool)

    @overload
    def __getitem__(self, i: int) -> PoolLine: ...

    @overload
    def __getitem__(self, i: slice) -> list[PoolLine]: ...

    def __getitem__(self, i: int | slice) -> PoolLine | list[PoolLine]:
        if isinstance(i, slice):
            return [self._pool.line(k) for k in range(*i.indices(len(self._pool)))]
        if i < 0:
            i += len(self._pool)
        if not 0 <= i < len(self._pool):
            raise IndexError(i)
        return self._pool.line(i)


def _stratum(value: str, by: str) -> str:
    if by == StratifyBy.CREDIT_CLASS:
        return value
    if by == StratifyBy.INDUSTRY:
        return value[:1] or "未分类"
    if by == StratifyBy.REGION:
        return value or "未分区"
    if by == StratifyBy.KIND:
        return value
    return "全部"


def build_pool(task: SpotCheckTask, *, on: dt.date | None = None) -> TaskPool:
    """Eligible targets with stratum, weight and reasons, plus the engine's exact π."""
    with paused_gc():
        return _build_pool(task, on=on)


def _build_pool(task: SpotCheckTask, *, on: dt.date | None) -> TaskPool:
    day = on or task.window_start
    config = {**DEFAULT_RISK_CONFIG, **(task.risk_model.config if task.risk_model else {})}
    scope = scope_queryset(task)
    by = task.stratify_by
    weighed, risk_columns = weighed_scope(task)
    ids, codes, statuses, stratum_values, keys, typed = pool_columns(weighed, by, risk_columns)
    problems = recent_problem_counts(scope, on=day)
    capped = capped_target_ids(
        scope.filter(status=TargetStatus.ACTIVE), task.window_start.year, task
    )
    profile = RiskProfiles(config)
    # Column-wise, one pass each with C-level map/comprehensions: at a million lines a
    # Python loop weighing line by line was the slowest part of the commitment.
    stratum_of = {v: _stratum(v, by) for v in set(stratum_values)}
    strata = list(map(stratum_of.__getitem__, stratum_values))
    del stratum_values
    # First-seen order, so the profiles' numbering is the same on every run.
    by_key = {key: profile.weigh(typed[key], 0) for key in dict.fromkeys(keys)}
    weights = [by_key[key][0] for key in keys]
    profiles = [by_key[key][1] for key in keys]
    if problems:
        for i, pk in enumerate(ids):
            found = problems.get(pk)
            if found:
                weights[i], profiles[i] = profile.weigh(typed[keys[i]], found)
    del keys, typed
    excluded: dict[int, str] = {
        i: status for i, status in enumerate(statuses) if status != TargetStatus.ACTIVE
    }
    if capped:
        for i, pk in enumerate(ids):
            if pk in capped and i not in excluded:
                excluded[i] = EXCLUDED_CAP
    n = len(ids)
    target_ids = ids
    result = TaskPool(
        target_ids=target_ids,
        codes=codes,
        strata=strata,
        weights=weights,
        profiles=profiles,
        factor_sets=profile.factor_sets,
        excluded=excluded,
        config=config,
    )
    if not n:
        return result
    pool = result.engine_pool()
    result.sample_params = engine_sample(task, pool.stratum_names)
    try:
        result.sizes = sample_sizes(pool, {"sample": result.sample_params})
    except EngineError as exc:
        raise ServiceError(gettext("抽查比例或数量无效：%(exc)s") % {"exc": exc}) from exc
    _check_sizes(result.sizes, result.eligible_by_stratum())
    pi, _ = pool_inclusion(pool, result.sizes, 1)
    # Same canonical order as the engine's (asserted: a mismatch would misattribute π).
    if len(pool) != n or pool.id_str(0) != codes[0] or pool.id_str(n - 1) != codes[-1]:
        raise AssertionError("pool order differs from the engine's")
    result.pi_units = array("q", pi.astype("=i8").tobytes())
    return result


def engine_sample(task: SpotCheckTask, stratum_names: Sequence[str]) -> dict[str, Any]:
    """Expand the task's sample spec ("*" = every other stratum) for the strata present."""
    spec = task.sample
    values = spec.get("values", {})
    default = values.get("*")
    expanded = {s: values.get(s, default) for s in stratum_names}
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


def _check_sizes(sizes: dict[str, int], eligible: Counter[str]) -> None:
    for stratum, size in sizes.items():
        if size > eligible.get(stratum, 0):
            raise ServiceError(
                gettext("分层“%(stratum)s”要求抽取 %(size)s 个，但只有 %(value)s 个符合条件")
                % {"stratum": stratum, "size": size, "value": eligible.get(stratum, 0)}
            )


def stratum_counts(task: SpotCheckTask) -> tuple[int, Counter[str]]:
    """(lines in scope, eligible lines per stratum, 0 for a stratum whose lines are all
    excluded), counted by the database: what the pool check needs, without weighing a
    million targets."""
    scope = scope_queryset(task)
    by = task.stratify_by
    column = stratum_column(by) or "kind"
    lines = 0
    eligible: Counter[str] = Counter()
    for value, status, n in (
        scope.order_by().values_list(column, "status").annotate(n=Count("id")).order_by()
    ):
        stratum = _stratum(value, by)
        lines += n
        eligible[stratum] += n if status == TargetStatus.ACTIVE else 0
    capped = capped_target_ids(
        scope.filter(status=TargetStatus.ACTIVE), task.window_start.year, task
    )
    for value in Target.objects.filter(pk__in=capped).values_list(column, flat=True):
        eligible[_stratum(value, by)] -= 1
    return lines, eligible


def pool_shortfall(task: SpotCheckTask) -> str:
    """Why this task cannot be drawn as it stands ("" when it can): no eligible target, or a
    sample larger than the eligible pool. Said before approval, so nobody approves a task whose
    draw can only fail. Sample sizes depend only on the eligible counts per stratum, so this
    counts in the database instead of building the pool (a leader's click at provincial
    scale); the test suite checks it agrees with the built pool."""
    lines, eligible = stratum_counts(task)
    if not lines:
        return _shortfall_text(0, 0, 0)
    names = sorted(eligible, key=str.encode)
    try:
        for name in names:
            check_id(name, "stratum")
    except EngineError as exc:
        return gettext("抽取引擎拒绝了输入数据：%(error)s") % {"error": exc}
    try:
        params = engine_sample(task, names)
        if "sizes" in params:
            sizes = params["sizes"]
        else:
            try:
                sizes = allocate_sample_sizes(
                    {s: eligible[s] for s in names}, params["ratios"], minimum=params["minimum"]
                )
            except EngineError as exc:
                raise ServiceError(gettext("抽查比例或数量无效：%(exc)s") % {"exc": exc}) from exc
        _check_sizes(sizes, eligible)
    except ServiceError as exc:
        return shortfall_message(error=exc.message)
    return _shortfall_text(lines, sum(eligible.values()), sum(sizes.values()))


def shortfall_message(*, pool: TaskPool | None = None, error: str = "") -> str:
    """The reason text for a pool already built (or the error building it raised)."""
    if error:
        # build_pool names the stratum, how many it needs and how many are eligible.
        return gettext("符合条件的检查对象不足，无法抽取：%(error)s") % {"error": error}
    assert pool is not None
    return _shortfall_text(len(pool), pool.eligible_count, sum(pool.sizes.values()))


def _shortfall_text(lines: int, eligible: int, drawn: int) -> str:
    hint = gettext("请检查定向条件（如所属区域、行业）和所选抽查事项的适用对象类型")
    if eligible == 0:
        if lines:
            return gettext(
                "符合条件的检查对象为 0 个（范围内 %(lines)s 个均被排除），无法抽取：%(hint)s"
            ) % {"lines": lines, "hint": hint}
        return gettext("符合条件的检查对象为 0 个，无法抽取：%(hint)s") % {"hint": hint}
    if drawn == 0:
        return gettext(
            "按当前抽查比例或数量，在 %(eligible)s 个符合条件的检查对象中应抽取 0 个，无法抽取"
        ) % {"eligible": eligible}
    return ""
