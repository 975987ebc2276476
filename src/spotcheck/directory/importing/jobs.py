"""Starting an import from an upload, and the two job steps: dry run and commit.

The upload is stored as imports/<job>.<format> in the default storage (never in the database);
the Job row carries its storage name, file name and SHA-256. Both steps re-read that file, so a
worker process on any host needs nothing else (jobs/files.py).
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import get_language, gettext

from spotcheck.accounts.models import User
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.directory.importing.columns import SPECS
from spotcheck.directory.importing.problems import ImportRefused
from spotcheck.directory.importing.reading import estimate_rows, sniff_format
from spotcheck.directory.importing.services import ImportBlocked, import_commit, import_validate
from spotcheck.jobs import files
from spotcheck.jobs.models import Job, JobState
from spotcheck.jobs.services import JobRefused, Progress, dispatch, job_handler

JOB_KIND = "directory.import"
UPLOAD_DIR = "imports"


def import_start(*, actor: User, kind: str, upload: UploadedFile) -> Job:
    """Store the upload, check it is a table we can read, and start the dry run."""
    if not access.can_import(actor):
        raise NotAllowed(gettext("只有业务科室人员可以导入"))
    spec = SPECS[kind]
    size = upload.size or 0
    if size == 0:
        raise ImportRefused(gettext("文件为空"))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            gettext("文件过大（%(size)s MB），上限为 %(limit)s MB，请拆分后分批导入")
            % {
                "size": format(size / 1048576, ".1f"),
                "limit": format(settings.IMPORT_MAX_BYTES / 1048576, ".0f"),
            }
        )
    job_id = uuid.uuid4()
    # Checked on local disk first, so a file we refuse never reaches the (shared) storage.
    with tempfile.TemporaryDirectory(prefix="spotcheck-import-") as tmp:
        path = Path(tmp) / f"{job_id}.upload"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                out.write(chunk)
        fmt = sniff_format(path)
        rows = estimate_rows(path, fmt)
        stored = files.store(f"{UPLOAD_DIR}/{job_id}.{fmt}", path)
    filename = Path(upload.name or f"upload.{fmt}").name[:150]
    job = Job(
        id=job_id,
        owner=actor,
        kind=JOB_KIND,
        label=(gettext("导入%(what)s：%(file)s") % {"what": gettext(spec.label), "file": filename})[
            :200
        ],
        total=rows,
        params={
            "kind": kind,
            # A name in the default storage (relative to MEDIA_ROOT with the default one).
            "path": stored,
            "format": fmt,
            "filename": filename,
            "sha256": digest.hexdigest(),
            "stage": "validate",
            "result_url": reverse("directory:import_preview", args=[job_id]),
            # Problems are written by the job, in the language of the page that started it.
            "language": get_language() or settings.LANGUAGE_CODE,
        },
    )
    job.save(force_insert=True)
    dispatch(job, f"{__name__}.validate_job", background=rows > settings.IMPORT_BACKGROUND_ROWS)
    return job


@contextmanager
def _file(job: Job) -> Iterator[Path]:
    try:
        with files.local_copy(job.params["path"]) as path:
            yield path
    except FileNotFoundError:
        raise JobRefused(gettext("上传的文件已被清理，请重新上传")) from None


@job_handler
def validate_job(job: Job, progress: Progress) -> dict[str, Any]:
    progress.phase(gettext("正在校验"))
    try:
        with _file(job) as path:
            plan = import_validate(
                actor=job.owner,
                kind=job.params["kind"],
                path=path,
                fmt=job.params["format"],
                progress=progress,
            )
    except ImportRefused as exc:
        raise JobRefused(exc.message) from None
    return {"validation": plan.summary()}


def commit_start(*, actor: User, job: Job, confirm_warnings: bool) -> None:
    """Queue the commit of a checked import (the owner's, with no errors left)."""
    if not access.can_import(actor) or job.owner_id != actor.pk:
        raise NotAllowed(gettext("只能由上传文件的业务科室人员确认导入"))
    validation = job.result.get("validation")
    if job.state != JobState.DONE or not validation:
        raise ImportRefused(gettext("文件尚未校验完成"))
    if "commit" in job.result:
        raise ImportRefused(gettext("该文件已经导入，不能重复导入"))
    if validation["errors"]:
        raise ImportRefused(gettext("请先修正文件中的错误，再重新上传"))
    if validation["warnings"] and not confirm_warnings:
        raise ImportRefused(gettext("请勾选“已核实上述警告”后再确认导入"))
    # Flip the state first so a double click cannot start two commits.
    claimed = Job.objects.filter(pk=job.pk, state=JobState.DONE).update(
        state=JobState.QUEUED,
        done=0,
        total=validation["created"] + validation["updated"],
        params={**job.params, "stage": "commit", "confirm_warnings": confirm_warnings},
    )
    if not claimed:
        raise ImportRefused(gettext("该导入正在进行中"))
    job.refresh_from_db()
    dispatch(
        job,
        f"{__name__}.commit_job",
        background=validation["rows"] > settings.IMPORT_BACKGROUND_ROWS,
    )


@job_handler
def commit_job(job: Job, progress: Progress) -> dict[str, Any]:
    with _file(job) as path:
        if hashlib.sha256(path.read_bytes()).hexdigest() != job.params["sha256"]:
            raise JobRefused(gettext("上传的文件在校验后被改动，请重新上传"))
        progress.phase(gettext("正在写入（全部成功或全部不写入）"))
        try:
            counts = import_commit(
                actor=job.owner,
                kind=job.params["kind"],
                path=path,
                fmt=job.params["format"],
                filename=job.params["filename"],
                sha256=job.params["sha256"],
                confirm_warnings=bool(job.params.get("confirm_warnings")),
                object_id=str(job.pk),
                progress=progress,
            )
        except ImportRefused as exc:
            raise JobRefused(exc.message) from None
        except ImportBlocked as exc:
            # The database changed since the dry run: show the new problems, write nothing.
            return {"validation": exc.plan.summary(), "blocked": exc.message}
    progress.phase("")
    return {"commit": counts, "blocked": ""}
