"""Retention of the files that imports and exports leave in the default storage.

Uploads are kept while their job may still be committed and exports while their owner may
still download them; after that they are copies of data that lives in the database (the
import's SHA-256 stays on the Job row and in the audit log), so they are deleted.
Inspection evidence is a record in its own right and is never touched here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.utils import timezone

from spotcheck.directory.exporting import EXPORT_DIR
from spotcheck.directory.importing.jobs import UPLOAD_DIR
from spotcheck.jobs import files
from spotcheck.jobs.models import Job, JobState


@dataclass(frozen=True)
class Purged:
    deleted: list[str]  # names in the default storage, e.g. "imports/<job>.csv"
    kept: int
    freed_bytes: int


def _job_id(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(PurePosixPath(name).name.split(".", 1)[0])
    except ValueError:
        return None


def purge_job_files(*, older_than: dt.timedelta, dry_run: bool = False) -> Purged:
    """Delete import uploads and export files whose job finished before ``now - older_than``.

    A file whose job is queued or running is kept whatever its age; a file with no job row (the
    job was deleted, or the upload failed half-way) goes once the file itself is that old.
    Everything goes through the default storage (jobs/files.py), wherever it keeps the files.
    """
    cutoff = timezone.now() - older_than
    names = [name for folder in (UPLOAD_DIR, EXPORT_DIR) for name in files.listing(folder)]
    jobs = Job.objects.in_bulk([j for n in names if (j := _job_id(n)) is not None])
    deleted: list[str] = []
    freed = 0
    for name in names:
        job = jobs.get(_job_id(name))
        if job is not None:
            finished = job.state in (JobState.DONE, JobState.FAILED)
            expired = finished and job.finished_at is not None and job.finished_at < cutoff
        else:
            expired = default_storage.get_modified_time(name) < cutoff
        if not expired:
            continue
        size = default_storage.size(name)
        if not dry_run:
            default_storage.delete(name)
        deleted.append(name)
        freed += size
    return Purged(deleted=deleted, kept=len(names) - len(deleted), freed_bytes=freed)
