"""Figures for the dashboard and task reports; access is checked by the caller's predicates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Role
from spotcheck.core import access
from spotcheck.directory import options_cache
from spotcheck.directory.models import Target, TargetStatus
from spotcheck.draws.models import CheckSlot, Draw, DrawnLine, DrawState
from spotcheck.engine.estimate import (
    NOTE_COLLAPSED,
    NOTE_MISSING_STRATA,
    NOTE_NONRESPONSE,
    NOTE_OUT_OF_RANGE,
    NOTE_SRS_FALLBACK,
    Estimate,
    estimate_rates,
)
from spotcheck.inspections.models import FollowUp, Inspection, InspectionState
from spotcheck.planning.models import SpotCheckTask, TaskState

ACTIVE_STATES = {TaskState.DRAWN, TaskState.INSPECTING}

NOTE_TEXT = {
    NOTE_OUT_OF_RANGE: _("HT 估计超出 [0, 1]，区间按截断到 [0, 1] 的值计算"),
    NOTE_NONRESPONSE: _("有抽中但未审核的对象，HT 将其计为合规，结果偏低，仅供参考"),
    NOTE_COLLAPSED: _("样本不足两个非必查对象的分层已与相邻分层合并计算方差"),
    NOTE_SRS_FALLBACK: _("无法估计抽样方差（样本过少或估计值为 0 或 1），区间按有效样本量保守计算"),
    NOTE_MISSING_STRATA: _("部分分层尚无审核通过的结果，合计只含有结果的分层"),
}


def _scope(user: Any) -> set[int] | None:
    """Department ids the user's figures cover; None = every department (an auditor or
    administrator of the whole deployment); a bureau's auditor covers its bureaus'."""
    if user.role in {Role.AUDITOR, Role.ADMIN}:
        scope = access.bureau_scope(user)
        if scope is None:
            return None
        return set(Department.objects.filter(bureau_id__in=scope).values_list("pk", flat=True))
    return set(user.department_ids())


@dataclass
class Dashboard:
    tasks_by_state: list[tuple[str, int]]
    overdue_tasks: list[SpotCheckTask]
    awaiting_review: int
    overdue_rectifications: list[FollowUp]
    pending_legal_reviews: int
    coverage: list[tuple[str, float, int, int]]
    results: list[tuple[str, int]]


def dashboard(*, user: Any, today: dt.date | None = None) -> Dashboard:
    day = today or timezone.localdate()
    depts = _scope(user)
    tasks = SpotCheckTask.objects.all()
    targets = Target.objects.filter(status=TargetStatus.ACTIVE)
    slots = CheckSlot.objects.filter(target__status=TargetStatus.ACTIVE)
    inspections = Inspection.objects.all()
    followups = FollowUp.objects.all()
    if depts is not None:
        tasks = tasks.filter(departments__in=depts).distinct()
        targets = targets.filter(departments__in=depts).distinct()
        slots = slots.filter(
            Exists(
                Target.departments.through.objects.filter(
                    target_id=OuterRef("target_id"), department_id__in=depts
                )
            )
        )
        inspections = inspections.filter(draw__task__departments__in=depts).distinct()
        followups = followups.filter(department__in=depts)
    counts = dict(tasks.values_list("state").annotate(n=Count("id", distinct=True)))
    by_state = [(str(label), counts.get(value, 0)) for value, label in TaskState.choices]
    overdue = list(
        tasks.filter(state__in=ACTIVE_STATES, window_end__lt=day).order_by("window_end")[:20]
    )
    # The denominator counts the whole directory in scope (~0.5 s at 10^6 targets), so it is
    # cached under the directory's generation; the numerators start from the check slots,
    # which grow with the checks made, not with the directory.
    scope_key = "all" if depts is None else ",".join(map(str, sorted(depts)))
    total = options_cache.cached(f"active-targets:{scope_key}", targets.count)
    windows = (1, 3, 5)
    covered_in = slots.filter(year__gte=day.year - max(windows) + 1).aggregate(
        **{
            f"y{years}": Count("target", distinct=True, filter=Q(year__gte=day.year - years + 1))
            for years in windows
        }
    )
    coverage = []
    for years in windows:
        covered = covered_in[f"y{years}"]
        coverage.append((f"近{years}年", covered / total if total else 0.0, covered, total))
    results = list(
        inspections.filter(state=InspectionState.ACCEPTED)
        .values_list("overall_category__name")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n")
    )
    return Dashboard(
        tasks_by_state=by_state,
        overdue_tasks=overdue,
        awaiting_review=inspections.filter(state=InspectionState.SUBMITTED).count(),
        overdue_rectifications=list(
            followups.filter(kind="rectification", verified_at__isnull=True, due_on__lt=day)
            .select_related("inspection__target")
            .order_by("due_on")[:20]
        ),
        pending_legal_reviews=followups.filter(state="pending_legal_review").count(),
        coverage=coverage,
        results=[(name or "未填写", n) for name, n in results],
    )


@dataclass
class StratumEstimate:
    name: str
    population: int
    sample_size: int
    inspected: int
    noncompliant: int
    ht: Estimate
    hajek: Estimate

    @property
    def ht_flags(self) -> list[str]:
        return [str(NOTE_TEXT[n]) for n in self.ht.notes if n in NOTE_TEXT]

    @property
    def hajek_flags(self) -> list[str]:
        return [str(NOTE_TEXT[n]) for n in self.hajek.notes if n in NOTE_TEXT]


def task_estimates(task: SpotCheckTask) -> tuple[list[StratumEstimate], int]:
    """Non-compliance estimates per stratum and overall from accepted inspections.

    Returns (rows, selected count). Targets drawn but not yet accepted are left out. The figure
    shown is Hajek's, which re-weights the accepted targets of each stratum to the whole stratum:
    the missing ones are treated as missing at random within their stratum (true for Hajek,
    not for HT, which counts them as compliant and is flagged so). See docs/estimates.md.
    """
    draw = task.draws.filter(state=DrawState.EXECUTED).order_by("-id").first()
    if draw is None:
        return [], 0
    entries = {e.target_id: e for e in DrawnLine.objects.filter(draw=draw)}
    accepted = (
        Inspection.objects.filter(draw=draw, state=InspectionState.ACCEPTED)
        .select_related("overall_category")
        .filter(~Q(overall_category=None))
    )
    strata, flags, pis = [], [], []
    for ins in accepted:
        entry = entries.get(ins.target_id)
        if entry is None:
            continue
        strata.append(entry.stratum)
        flags.append(bool(ins.overall_category and ins.overall_category.problem_found))
        pis.append(entry.pi_units)
    info = draw.commitment.get("strata", {})
    populations = {name: int(s["population"]) for name, s in info.items()}
    if not strata:
        return [], len(entries)
    drawn = {name: int(s["sample_size"]) for name, s in info.items()}
    est = estimate_rates(
        strata=strata, noncompliant=flags, pi_units=pis, populations=populations, drawn=drawn
    )
    rows = []
    for name in [*sorted(populations), "__overall__"]:
        mask = [s == name or name == "__overall__" for s in strata]
        rows.append(
            StratumEstimate(
                name="合计" if name == "__overall__" else name,
                population=sum(populations.values())
                if name == "__overall__"
                else populations[name],
                sample_size=sum(int(s["sample_size"]) for s in info.values())
                if name == "__overall__"
                else int(info[name]["sample_size"]),
                inspected=sum(mask),
                noncompliant=sum(f for f, m in zip(flags, mask, strict=True) if m),
                ht=est[name]["ht"],
                hajek=est[name]["hajek"],
            )
        )
    return rows, len(entries)


@dataclass
class AnnualRow:
    department: Department
    tasks: int
    draws: int
    executed: int
    aborted: int
    drawn_targets: int
    accepted_results: int


def annual_report(*, user: Any, year: int) -> list[AnnualRow]:
    """Per lead department, the year's tasks (by window start) and their draws. Aborted draws
    are counted on their own line: a department that re-draws often should show it."""
    depts = _scope(user)
    departments = Department.objects.order_by("code")
    if depts is not None:
        departments = departments.filter(pk__in=depts)
    draws = (
        Draw.objects.filter(task__window_start__year=year)
        .values("task__lead_department")
        .annotate(
            total=Count("id"),
            executed=Count("id", filter=Q(state=DrawState.EXECUTED)),
            aborted=Count("id", filter=Q(state=DrawState.ABORTED)),
        )
    )
    by_dept = {r["task__lead_department"]: r for r in draws}
    tasks = dict(
        SpotCheckTask.objects.filter(window_start__year=year)
        .values_list("lead_department")
        .annotate(n=Count("id"))
    )
    drawn = dict(
        DrawnLine.objects.filter(
            draw__state=DrawState.EXECUTED,
            draw__task__window_start__year=year,
        )
        .values_list("draw__task__lead_department")
        .annotate(n=Count("credit_code"))
    )
    accepted = dict(
        Inspection.objects.filter(
            state=InspectionState.ACCEPTED, draw__task__window_start__year=year
        )
        .values_list("draw__task__lead_department")
        .annotate(n=Count("id"))
    )
    rows = []
    for d in departments:
        r = by_dept.get(d.pk, {})
        rows.append(
            AnnualRow(
                department=d,
                tasks=tasks.get(d.pk, 0),
                draws=r.get("total", 0),
                executed=r.get("executed", 0),
                aborted=r.get("aborted", 0),
                drawn_targets=drawn.get(d.pk, 0),
                accepted_results=accepted.get(d.pk, 0),
            )
        )
    return rows
