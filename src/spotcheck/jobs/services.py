"""Background jobs: a Job row the page polls, run inline or by the django-q2 worker.

A handler is a plain function ``handler(job, progress) -> dict`` marked with :func:`job_handler`;
the dict is merged into ``Job.result``. Raising :class:`JobRefused` ends the job as failed with
that (Chinese) message shown to the user; any other exception is logged and shown generically.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from spotcheck.accounts.models import User
from spotcheck.jobs.models import Job, JobState

log = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], dict[str, Any]]


class JobRefused(Exception):
    """The job cannot go on; ``message`` is shown to the user as-is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def job_handler(func: Handler) -> Handler:
    """Mark ``func`` as runnable by :func:`run`: only marked functions can be named in a job."""
    func.job_handler = True  # type: ignore[attr-defined]
    return func


class Progress:
    """Writes done/total to the Job row, at most a few times a second.

    Inside a transaction the job's own connection cannot publish anything until commit, so on
    PostgreSQL progress goes through a second, autocommit connection. SQLite allows one writer
    at a time, so there the bar stands still until the transaction ends.
    """

    interval = 0.5

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self._last = 0.0
        self._side: Any = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.interval and done < total:
            return
        self._last = now
        self._write(done=done, total=total)

    def phase(self, message: str) -> None:
        self._write(message=message)

    def _write(self, **values: Any) -> None:
        values["heartbeat_at"] = timezone.now()
        if not connection.in_atomic_block or connection.vendor == "sqlite":
            # (On SQLite inside a transaction this only lands at commit: harmless, and a second
            # connection would wait for the transaction's write lock.)
            Job.objects.filter(pk=self.job_id).update(**values)
            return
        if self._side is None:
            self._side = connections.create_connection("default")
        sets = ", ".join(f"{name} = %s" for name in values)
        with self._side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Job._meta.db_table} SET {sets} WHERE id = %s",
                [*values.values(), self.job_id],
            )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job_create(
    *, owner: User, kind: str, label: str, params: dict[str, Any], total: int = 0
) -> Job:
    # The worker has no request: messages the job writes (problems, phases, refusals) are in
    # the language of the page that started it.
    params = {**params, "language": translation.get_language() or settings.LANGUAGE_CODE}
    return Job.objects.create(owner=owner, kind=kind, label=label[:200], params=params, total=total)


def dispatch(job: Job, handler: str, *, background: bool) -> None:
    """Run ``handler`` for ``job`` now (small work) or hand it to the worker (large work)."""
    if not background:
        run(str(job.pk), handler)
        return
    from django_q.tasks import async_task

    def enqueue() -> None:
        async_task("spotcheck.jobs.services.run", str(job.pk), handler, task_name=f"job-{job.pk}")

    if settings.Q_CLUSTER.get("sync") or not connection.in_atomic_block:
        enqueue()
    else:
        # The worker must not look for a Job row the caller has not committed yet.
        transaction.on_commit(enqueue)


def run(job_id: str, handler: str) -> None:
    """Entry point for inline runs and for the django-q2 worker.

    Starts the job only if it is still queued: the conditional update lets exactly one caller
    through, so a task the broker delivers twice (or two workers on two hosts racing for it)
    runs its handler once; the other delivery returns without touching the job.
    """
    job = Job.objects.get(pk=job_id)
    func = import_string(handler)
    if not getattr(func, "job_handler", False):
        raise ValueError(f"{handler} is not a job handler")
    started = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, message="", finished_at=None, heartbeat_at=timezone.now()
    )
    if not started:
        log.warning("job %s (%s) is no longer queued: duplicate delivery ignored", job_id, handler)
        return
    # One line per start, with the process, so operators (and tests/multihost) can tell which
    # worker ran which job.
    log.info("job %s (%s) started by process %s", job_id, handler, os.getpid())
    progress = Progress(job.pk)
    try:
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            result = func(job, progress)
    except JobRefused as exc:
        _finish(job.pk, JobState.FAILED, message=exc.message)
    except Exception:
        log.exception("job %s (%s) failed", job_id, handler)
        _finish(
            job.pk,
            JobState.FAILED,
            message=_in(job, gettext_noop("处理时发生内部错误，请联系管理员（任务编号 %(job)s）"))
            % {"job": job_id},
        )
    else:
        merged = {**Job.objects.get(pk=job.pk).result, **result}
        _finish(job.pk, JobState.DONE, result=merged)
    finally:
        progress.close()


def _in(job: Job, message: str) -> str:
    """``message`` translated into the language of the page that started ``job``."""
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return translation.gettext(message)


def _finish(job_id: uuid.UUID, state: str, **values: Any) -> None:
    Job.objects.filter(pk=job_id).update(state=state, finished_at=timezone.now(), **values)


STALE_MESSAGE = gettext_noop("后台处理已中断（后台工作进程已停止），请重新提交")


def stale_after() -> dt.timedelta:
    """How long a running job may go without a heartbeat. django-q2 kills a task at its
    timeout, so past it (plus a margin) no live worker can still be holding the job; a shorter
    limit would fail jobs whose progress is invisible inside a SQLite transaction."""

    timeout = settings.Q_CLUSTER.get("timeout", 1800)
    return dt.timedelta(seconds=int(str(timeout)) + 60)


def fail_if_stale(job: Job, *, now: dt.datetime | None = None) -> Job:
    """Mark a running job whose worker died as failed, so its page stops polling forever."""
    if job.state != JobState.RUNNING:
        return job
    last = job.heartbeat_at or job.created_at
    now = now or timezone.now()
    if now - last <= stale_after():
        return job
    # Conditional update: a worker that was merely slow and finishes now wins the race.
    changed = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, heartbeat_at=job.heartbeat_at)
    if changed.update(state=JobState.FAILED, finished_at=now, message=_in(job, STALE_MESSAGE)):
        log.warning("job %s had no heartbeat since %s: marked failed", job.pk, last)
    job.refresh_from_db()
    return job


def job_for(user: User, job_id: uuid.UUID) -> Job | None:
    """The job if ``user`` may see it (its owner), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    job = Job.objects.filter(pk=job_id, owner=user).first()
    return fail_if_stale(job) if job is not None else None
