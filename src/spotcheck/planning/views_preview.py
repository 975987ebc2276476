"""The task page's pool preview: live for a small directory, stored by a job for a large one,
and the committed snapshot once a draw is committed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spotcheck.core import access
from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import Target
from spotcheck.draws import preview as stored
from spotcheck.draws import selectors as draw_selectors
from spotcheck.draws.labels import factor_display, stratum_label
from spotcheck.draws.models import PoolEntry, PoolPreview, PreviewLine
from spotcheck.draws.pool import (
    EXCLUDED_CAP,
    build_pool,
    exclusion_label,
    shortfall_message,
)
from spotcheck.draws.scope import capped_target_ids, eligible_targets
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.probability import M, probability_text
from spotcheck.jobs.models import JobState
from spotcheck.jobs.services import job_for
from spotcheck.planning.models import SpotCheckTask
from spotcheck.planning.views import current_user, paginate, require

PREVIEW_PAGE = 100


@dataclass
class PreviewRow:
    credit_code: str
    name: str
    stratum: str
    weight: int
    factors: list[dict[str, Any]]
    excluded: str
    probability: str


@dataclass
class StratumRow:
    name: str
    population: int
    excluded: int
    sample_size: int
    take_all: int


def _strata_rows(counts: Sequence[Sequence[Any]]) -> list[StratumRow]:
    """(stratum, eligible, excluded, Σπ over M, take-alls) → rows: n = Σπ exactly."""
    rows = [
        StratumRow(stratum_label(name), eligible, excluded, int(pi_sum) // M, take_all)
        for name, eligible, excluded, pi_sum, take_all in counts
    ]
    return sorted(rows, key=lambda r: r.name)


def _committed_strata(draw: Any) -> list[StratumRow]:
    """The same figures for a committed snapshot: kept with the draw since it was committed,
    or (draws committed before they were) counted by the database."""
    if draw.pool_strata:
        return _strata_rows(draw.pool_strata)
    eligible = Q(excluded="")
    counts = (
        PoolEntry.objects.filter(draw=draw)
        .order_by()
        .values("stratum")
        .annotate(
            eligible=Count("credit_code", filter=eligible),
            excluded_n=Count("credit_code", filter=~eligible),
            pi_sum=Sum("pi_units", filter=eligible),
            take_all=Count("credit_code", filter=eligible & Q(pi_units=M)),
        )
    )
    return _strata_rows(
        [
            (c["stratum"], c["eligible"], c["excluded_n"], int(c["pi_sum"] or 0), c["take_all"])
            for c in counts
        ]
    )


def _line_rows(lines: list[Any], profiles: list[Any] | None = None) -> list[PreviewRow]:
    """Rows for one page: live PoolLines, or stored lines with their profiles."""
    names = dict(
        Target.objects.filter(pk__in=[line.target_id for line in lines]).values_list("pk", "name")
    )
    return [
        PreviewRow(
            credit_code=line.credit_code,
            name=names.get(line.target_id, ""),
            stratum=stratum_label(line.stratum),
            weight=line.weight,
            factors=[
                factor_display(f)
                for f in (
                    line.factors
                    if profiles is None
                    else (profiles[line.profile] if line.profile < len(profiles) else [])
                )
            ],
            excluded=exclusion_label(line.excluded) if line.excluded else "",
            probability=probability_text(line.pi_units) if not line.excluded else "0.0000%",
        )
        for line in lines
    ]


def _choices(target_ids: list[int]) -> list[tuple[int, str]]:
    rows = Target.objects.filter(pk__in=target_ids).order_by("credit_code")
    return [
        (pk, f"{code} {name}") for pk, code, name in rows.values_list("pk", "credit_code", "name")
    ]


class _Counted(Sequence[Any]):
    """A queryset whose length is already known, for the pager."""

    def __init__(self, rows: QuerySet[Any], length: int) -> None:
        self.rows = rows
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]


class _StoredLines(Sequence[Any]):
    """A stored preview's lines for the pager: the count is known (no COUNT(*) over a million
    rows) and a page is a range of positions (no OFFSET past every earlier line)."""

    def __init__(self, preview: PoolPreview) -> None:
        self.preview = preview

    def __len__(self) -> int:
        return self.preview.lines

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, slice):
            raise TypeError("stored preview lines are read a page at a time")
        start, stop, _step = index.indices(self.preview.lines)
        return list(
            PreviewLine.objects.filter(
                preview=self.preview, position__gte=start, position__lt=stop
            ).order_by("position")
        )


def preview_context(request: HttpRequest, task: SpotCheckTask) -> dict[str, Any]:
    """Before commit: the live pool (no randomness), or the stored one for a large directory.
    After: the committed snapshot's lines."""
    current = draw_selectors.current_draw(task)
    if task.state not in stored.BEFORE_COMMIT and current is not None:
        return _committed(request, current)
    if stored.stored_preview_needed():
        return _stored(request, task)
    return _live(request, task)


def _live(request: HttpRequest, task: SpotCheckTask) -> dict[str, Any]:
    try:
        pool = build_pool(task)
    except EngineError as exc:
        return {"error": _("抽取引擎拒绝了输入数据：%(error)s") % {"error": exc}, "live": True}
    except ServiceError as exc:
        # A pool emptied by the yearly cap is exactly when an override is needed, so
        # the capped targets are still offered for a request.
        capped = capped_target_ids(eligible_targets(task), task.window_start.year, task)
        return {
            "error": exc.message,
            "live": True,
            "capped": _choices(sorted(capped)),
            "shortfall": shortfall_message(error=exc.message),
        }
    page, page_range = paginate(request, pool.lines, PREVIEW_PAGE)
    return {
        "live": True,
        "shortfall": shortfall_message(pool=pool),
        "page": page,
        "page_range": page_range,
        "rows": _line_rows(list(page.object_list)),
        "strata": _strata_rows(pool.strata_figures()),
        "capped": _choices(
            [pool.target_ids[i] for i, code in pool.excluded.items() if code == EXCLUDED_CAP]
        ),
    }


def _stored(request: HttpRequest, task: SpotCheckTask) -> dict[str, Any]:
    user = current_user(request)
    job = stored.running_job(task)
    context: dict[str, Any] = {
        "live": True,
        "stored": True,
        "job": job,
        "job_mine": job is not None and job.owner_id == user.pk,
        "computed": None,
        "capped": [],
    }
    asked = request.GET.get("preview_job", "")
    if job is None and asked:
        # The job this user started has ended: say so if it failed (a done job's result is
        # the stored preview below).
        try:
            ended = job_for(user, uuid.UUID(asked))
        except ValueError:
            ended = None
        if ended is not None and ended.kind == stored.JOB_KIND and ended.state == JobState.FAILED:
            context["failed_job"] = ended
    found: PoolPreview | None = stored.latest_preview(task)
    if found is None:
        return context
    # An override approved since lifts an exclusion the stored lines still show.
    stale = task.cap_overrides.filter(approved_at__gt=found.computed_at).exists()
    context.update(
        computed=found,
        stale=stale,
        error=found.error,
        shortfall=found.shortfall,
        capped=_choices(found.capped_ids),
        strata=_strata_rows(found.strata),
    )
    if found.error:
        return context
    page, page_range = paginate(request, _StoredLines(found), PREVIEW_PAGE)
    context.update(
        page=page,
        page_range=page_range,
        rows=_line_rows(list(page.object_list), found.weight_profiles),
    )
    return context


def _committed(request: HttpRequest, current: Any) -> dict[str, Any]:
    # The committed snapshot, without the "selected" column: which were drawn stays
    # confidential.
    entries = PoolEntry.objects.filter(draw=current).order_by("credit_code")
    # The commitment states the line count: no COUNT(*) over a million rows per view.
    count = current.commitment.get("pool", {}).get("count")
    page, page_range = paginate(
        request, _Counted(entries, count) if isinstance(count, int) else entries, PREVIEW_PAGE
    )
    return {
        "live": False,
        "draw": current,
        "page": page,
        "page_range": page_range,
        "rows": _line_rows(list(page.object_list), current.weight_profiles),
        "strata": _committed_strata(current),
        "capped": [],
    }


@login_required
@require_POST
def preview_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Compute (again) the stored preview of a task, as a job with a progress bar."""
    user = current_user(request)
    task = get_object_or_404(SpotCheckTask, pk=pk)
    require(access.can_view_task(user, task), _("无权查看该抽查任务"))
    try:
        job = stored.preview_start(task=task, actor=user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("planning:task_detail", pk=pk)
    return redirect(stored.task_url(task, job))
