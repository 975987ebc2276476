"""Stored probability previews: the task page's pool preview for large directories.

Before commitment the task page shows every eligible target with its weight, reasons and exact
π. Building that pool reads the whole scope (about 5 s at 10^6 targets), which no page may do
on every view. Below ``PREVIEW_INLINE_MAX`` targets in the directory the page still builds it
live; above, a job builds it once on request and stores the lines (PreviewLine, by COPY) and
the per-stratum figures, and the page pages through the stored copy with the time it was
computed. The commitment never uses a stored preview: it rebuilds the pool from the directory.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import User
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import Target
from spotcheck.draws.models import PoolPreview, PreviewLine
from spotcheck.draws.pool import (
    EXCLUDED_CAP,
    TaskPool,
    build_pool,
    shortfall_message,
)
from spotcheck.draws.scope import capped_target_ids, eligible_targets
from spotcheck.draws.snapshot import write_preview_lines
from spotcheck.engine.hashing import EngineError
from spotcheck.jobs.models import Job, JobState
from spotcheck.jobs.services import (
    JobRefused,
    Progress,
    dispatch,
    fail_if_stale,
    job_create,
    job_handler,
)
from spotcheck.planning.models import SpotCheckTask, TaskState

JOB_KIND = "pool_preview"
BEFORE_COMMIT = (TaskState.DRAFT, TaskState.APPROVED)


# Without statistics, a table this small (in 8 kB pages, ~30 targets each) is simply counted.
COUNT_BELOW_PAGES = 2_000


def _already_committed() -> str:
    return gettext("该任务已承诺抽取，页面显示承诺时固定的检查对象池，无需预览")


def directory_size() -> int:
    """The number of targets, estimated the way PostgreSQL's planner does (rows per page at
    the last ANALYZE times the pages the table has now): an exact count is itself a scan of
    the whole directory, and this only chooses between a live and a stored preview."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT reltuples, relpages, pg_relation_size(oid) / current_setting('block_size')::int"
                " FROM pg_class WHERE oid = %s::regclass",
                [Target._meta.db_table],
            )
            row = cur.fetchone()
        if row is not None:
            tuples, pages, now_pages = float(row[0]), int(row[1]), int(row[2])
            if tuples > 0 and pages > 0:
                return round(tuples / pages * now_pages)
            # Never analysed, or analysed while empty (a new database, then a big import
            # before autovacuum came by): count only what is cheap to count.
            if now_pages >= COUNT_BELOW_PAGES:
                return now_pages * 30
    return Target.objects.count()


def stored_preview_needed() -> bool:
    return directory_size() > settings.PREVIEW_INLINE_MAX


def latest_preview(task: SpotCheckTask) -> PoolPreview | None:
    return task.previews.order_by("-pk").first()


def running_job(task: SpotCheckTask) -> Job | None:
    """The preview job under way for ``task``, if any (a dead worker's job is failed here)."""
    job = (
        Job.objects.filter(
            kind=JOB_KIND, params__task=task.pk, state__in=(JobState.QUEUED, JobState.RUNNING)
        )
        .order_by("-created_at")
        .first()
    )
    if job is None:
        return None
    job = fail_if_stale(job)
    return job if job.state in (JobState.QUEUED, JobState.RUNNING) else None


def preview_start(*, task: SpotCheckTask, actor: User) -> Job:
    """Start computing ``task``'s preview, or return the computation already under way."""
    if not access.can_view_task(actor, task):
        raise NotAllowed(gettext("无权查看该抽查任务"))
    if task.state not in BEFORE_COMMIT:
        raise ServiceError(_already_committed())
    with transaction.atomic():
        # Serialise on the task row so two clicks (or two clerks) start one job.
        SpotCheckTask.objects.select_for_update().filter(pk=task.pk).first()
        job = running_job(task)
        if job is not None:
            return job
        job = job_create(
            owner=actor,
            kind=JOB_KIND,
            label=gettext("计算抽查任务 %(name)s 的抽查概率预览") % {"name": task.name},
            params={"task": task.pk},
        )
        job.params["result_url"] = task_url(task, job)
        job.save(update_fields=["params"])
    dispatch(job, f"{__name__}.preview_job", background=stored_preview_needed())
    return job


def task_url(task: SpotCheckTask, job: Job) -> str:
    """Where the job's page goes when it ends. The job in the query makes it a new address, so
    the progress bar's redirect reloads the page (a new fragment alone would not), and lets
    the page say why if the job failed."""
    return f"{reverse('planning:task_detail', args=[task.pk])}?preview_job={job.pk}#preview"


@job_handler
def preview_job(job: Job, progress: Progress) -> dict[str, Any]:
    task = SpotCheckTask.objects.filter(pk=job.params.get("task")).first()
    if task is None:
        raise JobRefused(gettext("抽查任务不存在"))
    if task.state not in BEFORE_COMMIT:
        raise JobRefused(_already_committed())
    started = time.monotonic()
    progress.phase(gettext("正在读取名录并计算权重和抽查概率"))
    pool: TaskPool | None = None
    error = shortfall = ""
    capped: list[int] = []
    try:
        pool = build_pool(task)
    except EngineError as exc:
        error = gettext("抽取引擎拒绝了输入数据：%(error)s") % {"error": exc}
    except ServiceError as exc:
        # A pool emptied by the yearly cap is exactly when an override is needed, so the
        # capped targets are still offered for a request.
        error = exc.message
        shortfall = shortfall_message(error=exc.message)
        capped = sorted(capped_target_ids(eligible_targets(task), task.window_start.year, task))
    else:
        shortfall = shortfall_message(pool=pool)
        capped = sorted(pool.target_ids[i] for i, c in pool.excluded.items() if c == EXCLUDED_CAP)
    progress.phase(gettext("正在保存预览"))
    with transaction.atomic():
        preview = PoolPreview.objects.create(
            task=task,
            requested_by=job.owner,
            computed_at=timezone.now(),
            lines=len(pool) if pool is not None else 0,
            error=error,
            shortfall=shortfall,
            strata=pool.strata_figures() if pool is not None else [],
            capped_ids=capped,
            weight_profiles=pool.factor_sets if pool is not None else [],
        )
        if pool is not None:
            write_preview_lines(preview, pool)
        # Only the newest preview is ever shown; older ones are dead weight.
        older = PoolPreview.objects.filter(task=task, pk__lt=preview.pk)
        PreviewLine.objects.filter(preview__in=older).delete()
        older.delete()
        preview.seconds = round(time.monotonic() - started, 3)
        preview.save(update_fields=["seconds"])
    return {"preview": preview.pk, "lines": preview.lines, "seconds": preview.seconds}


def purge_previews(*, dry_run: bool = False) -> tuple[int, int]:
    """Delete the stored previews of tasks past commitment: their page shows the committed
    snapshot from then on, and a preview at 10^6 targets is a million rows. Returns
    (previews, lines) deleted (or that would be)."""
    done = PoolPreview.objects.exclude(task__state__in=BEFORE_COMMIT)
    lines = PreviewLine.objects.filter(preview__in=done.values("pk"))
    counts = (done.count(), lines.count())
    if not dry_run:
        with transaction.atomic():
            lines.delete()
            done.delete()
    return counts
