"""Uploaded files are never served as plain files (issue 13): not with DEBUG on either.

Import uploads and evidence photos live under MEDIA_ROOT; the only ways out are views that
check who asks (inspections:evidence_file, the import/export job pages of their owner)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve

from tests.conftest import Personas

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "spotcheck"


@pytest.fixture
def debug_urls(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The URLconf as `make run` (DEBUG=1) builds it, with a file in each media folder."""
    import spotcheck.config.urls as root_urls

    settings.MEDIA_ROOT = tmp_path
    for name in ("imports/upload.csv", "evidence/photo.png", "exports/x.xlsx"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"confidential")
    with override_settings(DEBUG=True):
        importlib.reload(root_urls)
        clear_url_caches()
        yield tmp_path
    importlib.reload(root_urls)
    clear_url_caches()


PATHS = ["/media/imports/upload.csv", "/media/evidence/photo.png", "/media/exports/x.xlsx"]


@pytest.mark.parametrize("path", PATHS)
def test_no_url_pattern_serves_media_with_debug_on(debug_urls: Path, path: str) -> None:
    with pytest.raises(Resolver404):
        resolve(path)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, "inspector", "other_section", "admin", "auditor"])
def test_media_requests_fail_for_anyone_with_debug_on(
    debug_urls: Path, personas: Personas, path: str, persona: str | None
) -> None:
    client = Client()
    if persona:
        client.force_login(getattr(personas, persona))
    with override_settings(DEBUG=True):
        response = client.get(path)
    assert response.status_code == 404
    assert b"confidential" not in b"".join(getattr(response, "streaming_content", [])) + (
        getattr(response, "content", b"") or b""
    )


def test_no_template_links_a_media_url() -> None:
    """Evidence links go to inspections:evidence_file, never to the file's storage URL."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.html")
        if any(s in path.read_text() for s in (".file.url", "MEDIA_URL", "/media/"))
    ]
    assert offenders == []
