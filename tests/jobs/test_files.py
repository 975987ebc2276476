"""jobs/files.py: job files through the default storage, local or not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from spotcheck.jobs import files


@pytest.fixture(params=["filesystem", "memory"])
def storage(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "memory":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        }
    return str(request.param)


def test_store_local_copy_and_listing(storage: str, tmp_path: Path) -> None:
    source = tmp_path / "source.xlsx"
    source.write_bytes(b"first")
    assert files.store("exports/a.xlsx", source) == "exports/a.xlsx"
    source.write_bytes(b"second")
    files.store("exports/a.xlsx", source)  # replaced, not saved under another name
    assert files.listing("exports") == ["exports/a.xlsx"] and files.listing("absent") == []
    with files.local_copy("exports/a.xlsx") as path:
        assert path.read_bytes() == b"second" and path.suffix == ".xlsx"
    assert default_storage.exists("exports/a.xlsx")


@pytest.mark.parametrize("name", ["imports/missing.csv", "../outside.csv", "/etc/passwd"])
def test_a_missing_or_outside_name_is_not_found(storage: str, name: str) -> None:
    # A job row names its file; a tampered name must not reach outside the storage.
    with pytest.raises(FileNotFoundError), files.local_copy(name):
        pass
    assert files.exists(name) is False
