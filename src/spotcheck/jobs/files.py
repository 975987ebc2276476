"""Files that jobs hand from one process to another: import uploads, export results.

They go through Django's default storage (STORAGES["default"]) and never through paths under
MEDIA_ROOT, so a job started on one host can run on another and its result be downloaded
from a third: with the default FileSystemStorage MEDIA_ROOT must be a folder all hosts share;
another storage backend (an object store) can be configured instead without code changes.

The readers (csv, calamine, openpyxl) want a file on local disk: :func:`local_copy` gives the
stored file itself when the storage keeps files locally, else a temporary copy.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage


def store(name: str, source: Path) -> str:
    """Save the local file ``source`` as ``name``, replacing what was there; returns ``name``."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with source.open("rb") as fh:
        saved = default_storage.save(name, File(fh, name=PurePosixPath(name).name))
    if saved != name:
        # Only a concurrent writer of the same name could cause this; never keep a stray copy.
        default_storage.delete(saved)
        raise FileExistsError(name)
    return saved


def exists(name: str) -> bool:
    try:
        return bool(default_storage.exists(name))
    except SuspiciousFileOperation:
        return False


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """The stored file ``name`` as a local path, for the duration of the block.

    Raises FileNotFoundError when there is no such file (or the name points outside the
    storage, which only a tampered job row could do).
    """
    try:
        local: Path | None = Path(default_storage.path(name))
    except NotImplementedError:
        local = None  # a remote storage: no local path at all
    except SuspiciousFileOperation as exc:
        raise FileNotFoundError(name) from exc
    # Some storages name a path that is not really there (in-memory ones): then copy too.
    if local is not None and local.is_file():
        yield local
        return
    if not default_storage.exists(name):
        raise FileNotFoundError(name)
    with tempfile.TemporaryDirectory(prefix="spotcheck-job-") as tmp:
        # The same base name: readers tell xlsx from csv by the suffix.
        copy = Path(tmp) / PurePosixPath(name).name
        with default_storage.open(name, "rb") as src, copy.open("wb") as out:
            shutil.copyfileobj(src, out)
        yield copy


def listing(folder: str) -> list[str]:
    """Names of the files directly in ``folder`` (empty when it does not exist)."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{f}" for f in sorted(files)]
