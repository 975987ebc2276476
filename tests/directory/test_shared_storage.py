"""Import uploads and export files go through the default storage only (operations.md §5a):
with a storage that has no local paths at all, imports, exports and the purge still work and
nothing is written under MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.directory import exporting
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.job_files import purge_job_files
from spotcheck.directory.models import Target
from spotcheck.jobs.models import Job
from tests.directory.test_import_support import TARGET_HEADERS, csv_bytes, target_row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_storage(settings: Any, tmp_path: Path) -> Path:
    # InMemoryStorage keeps nothing on disk: code still using MEDIA_ROOT paths would miss files.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_import_export_and_purge_without_a_local_media_folder(
    client: Client, personas: Any, memory_storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(personas.section)
    rows = [TARGET_HEADERS] + [
        target_row(make_code("91", "640106", f"{n:09d}"), f"存储测试公司{n}") for n in (1, 2)
    ]
    response = client.post(
        reverse("directory:import_start", args=["targets"]),
        {"file": upload(csv_bytes(rows), "t.csv")},
    )
    job = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert default_storage.exists(job.params["path"])
    response = client.post(reverse("directory:import_commit", args=[job.pk]))
    assert "已导入：新增 2 条" in client.get(response.url).content.decode()
    assert Target.objects.filter(name__startswith="存储测试公司").count() == 2

    monkeypatch.setattr(exporting, "EXPORT_INLINE_MAX_ROWS", 0)
    client.force_login(personas.auditor)
    response = client.get(reverse("directory:export", args=["targets"]))
    export = Job.objects.get(kind=exporting.EXPORT_JOB_KIND)
    assert default_storage.exists(exporting.export_name(export))
    download = client.get(response.url)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} >= {
        "存储测试公司1",
        "存储测试公司2",
    }

    Job.objects.update(finished_at=timezone.now() - dt.timedelta(days=30))
    purged = purge_job_files(older_than=dt.timedelta(days=1))
    assert sorted(purged.deleted) == sorted([job.params["path"], exporting.export_name(export)])
    assert not default_storage.exists(job.params["path"])
    assert not memory_storage.exists()  # nothing ever reached the disk


def test_a_missing_upload_refuses_the_job(
    client: Client, personas: Any, memory_storage: Path
) -> None:
    client.force_login(personas.section)
    rows = [TARGET_HEADERS, target_row(make_code("91", "640106", "000000009"), "甲公司")]
    response = client.post(
        reverse("directory:import_start", args=["targets"]),
        {"file": upload(csv_bytes(rows), "t.csv")},
    )
    job = Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    default_storage.delete(job.params["path"])
    client.post(reverse("directory:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert "上传的文件已被清理" in job.message
    assert not Target.objects.exists()
