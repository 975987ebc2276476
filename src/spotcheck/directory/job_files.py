"""Retention of the files that imports and exports leave under MEDIA_ROOT.

Uploads are kept while their job may still be committed and exports while their owner may
still download them; after that they are copies of data that lives in the database (the
import's SHA-256 stays on the Job row and in the audit log), so they are deleted.
Inspection evidence is a record in its own right and is never touched here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from spotcheck.directory.exporting import EXPORT_DIR
from spotcheck.directory.importing.jobs import UPLOAD_DIR
from spotcheck.jobs.models import Job, JobState


@dataclass(frozen=True)
class Purged:
    deleted: list[Path]
    kept: int
    freed_bytes: int


def _job_id(path: Path) -> uuid.UUID | None:
    try:
        return uuid.UUID(path.name.split(".", 1)[0])
    except ValueError:
        return None


def purge_job_files(*, older_than: dt.timedelta, dry_run: bool = False) -> Purged:
    """Delete import uploads and export files whose job finished before ``now - older_than``.

    A file whose job is queued or running is kept whatever its age; a file with no job row (the
    job was deleted, or the upload failed half-way) goes once the file itself is that old.
    """
    cutoff = timezone.now() - older_than
    media = Path(settings.MEDIA_ROOT)
    files = [
        p
        for folder in (UPLOAD_DIR, EXPORT_DIR)
        if (media / folder).is_dir()
        for p in sorted((media / folder).iterdir())
        if p.is_file()
    ]
    jobs = Job.objects.in_bulk([j for p in files if (j := _job_id(p)) is not None])
    deleted: list[Path] = []
    freed = 0
    for path in files:
        job = jobs.get(_job_id(path))
        if job is not None:
            finished = job.state in (JobState.DONE, JobState.FAILED)
            expired = finished and job.finished_at is not None and job.finished_at < cutoff
        else:
            mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            expired = mtime < cutoff
        if not expired:
            continue
        size = path.stat().st_size
        if not dry_run:
            path.unlink(missing_ok=True)
        deleted.append(path)
        freed += size
    return Purged(deleted=deleted, kept=len(files) - len(deleted), freed_bytes=freed)
