"""Retention of import uploads and export files under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from spotcheck.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    for folder in ("imports", "exports", "evidence"):
        (tmp_path / folder).mkdir()
    return tmp_path


def _job(owner, state: str, finished_days_ago: float | None) -> Job:
    finished = (
        timezone.now() - dt.timedelta(days=finished_days_ago)
        if finished_days_ago is not None
        else None
    )
    return Job.objects.create(owner=owner, kind="t", label="t", state=state, finished_at=finished)


def _file(folder: Path, name: str, age_days: float = 0) -> Path:
    path = folder / name
    path.write_bytes(b"x" * 1024)
    stamp = (timezone.now() - dt.timedelta(days=age_days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_purges_only_files_of_jobs_finished_before_the_cutoff(media, personas):
    old_done = _job(personas.section, JobState.DONE, 40)
    old_failed = _job(personas.section, JobState.FAILED, 31)
    recent = _job(personas.section, JobState.DONE, 2)
    running = _job(personas.section, JobState.RUNNING, None)
    gone = [
        _file(media / "imports", f"{old_done.pk}.csv"),
        _file(media / "exports", f"{old_failed.pk}.xlsx"),
        # No job row any more (or a half-finished upload): judged by the file's own age.
        _file(media / "imports", f"{uuid.uuid4()}.upload", age_days=45),
    ]
    kept = [
        _file(media / "exports", f"{recent.pk}.xlsx", age_days=60),
        # A job still running keeps its upload however old the file is.
        _file(media / "imports", f"{running.pk}.xlsx", age_days=90),
        _file(media / "imports", f"{uuid.uuid4()}.csv", age_days=1),
        _file(media / "imports", "not-a-job.txt", age_days=1),
        # Evidence is a record, never purged.
        _file(media / "evidence", f"{old_done.pk}.jpg", age_days=400),
    ]
    out = StringIO()
    call_command("purge_job_files", "--days", "30", stdout=out)
    assert all(not p.exists() for p in gone)
    assert all(p.exists() for p in kept)
    assert "已删除 3 个文件" in out.getvalue()


def test_dry_run_lists_without_deleting(media, personas):
    job = _job(personas.section, JobState.DONE, 40)
    path = _file(media / "imports", f"{job.pk}.csv")
    out = StringIO()
    call_command("purge_job_files", "--dry-run", stdout=out)
    assert path.exists()
    assert "将删除 1 个文件" in out.getvalue()


def test_a_missing_media_folder_is_not_an_error(settings, tmp_path, personas):
    settings.MEDIA_ROOT = tmp_path / "absent"
    out = StringIO()
    call_command("purge_job_files", stdout=out)
    assert "已删除 0 个文件" in out.getvalue()
