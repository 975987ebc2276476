"""Evidence attachments: magic-byte types, size limit, hash, and nothing stored on refusal."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.inspections.models import Evidence
from spotcheck.inspections.services_inspection import (
    evidence_add,
    inspection_review,
    inspection_submit,
)
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 500
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("data", "content_type", "ext"),
    [(JPEG, "image/jpeg", ".jpg"), (PNG, "image/png", ".png"), (PDF, "application/pdf", ".pdf")],
)
def test_photo_and_pdf_are_stored_with_their_hash(
    scene: Scene, media: Path, data: bytes, content_type: str, ext: str
) -> None:
    inspection = scene.save()
    evidence = evidence_add(
        actor=scene.p.inspector,
        inspection=inspection,
        file=io.BytesIO(data),
        filename="C:\\现场\\照片 1" + ext,
        description="经营场所",
    )
    assert evidence.content_type == content_type
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)
    assert evidence.original_name == "照片 1" + ext
    assert evidence.uploaded_by == scene.p.inspector
    stored = media / evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{scene.today.year}/")
    assert evidence.file.name.endswith(ext)
    assert stored.read_bytes() == data
    event = AuditEvent.objects.get(event_type="inspections.evidence_added")
    assert event.payload["sha256"] == evidence.sha256


def test_uploaded_file_objects_are_accepted(scene: Scene, media: Path) -> None:
    upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/octet-stream")
    evidence = evidence_add(
        actor=scene.p.section, inspection=scene.save(), file=upload, filename=upload.name
    )
    # The browser's claimed type is ignored: the bytes decide.
    assert evidence.content_type == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a" + b"\x00" * 50,
        b"MZ\x90\x00 executable",
        "现场记录".encode(),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"",
    ],
)
def test_wrong_type_is_refused_and_nothing_stored(scene: Scene, media: Path, data: bytes) -> None:
    inspection = scene.save()
    events_before = AuditEvent.objects.count()
    with pytest.raises(ServiceError, match=r"只能上传照片|文件为空"):
        evidence_add(actor=scene.p.section, inspection=inspection, file=data, filename="x.jpg")
    assert not Evidence.objects.exists()
    assert _files(media) == []
    assert AuditEvent.objects.count() == events_before


def test_oversized_file_is_refused_and_nothing_stored(
    scene: Scene, media: Path, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 2048
    inspection = scene.save()
    with pytest.raises(ServiceError, match="超过大小限制"):
        evidence_add(
            actor=scene.p.section,
            inspection=inspection,
            file=io.BytesIO(JPEG + b"\x00" * 2048),
            filename="big.jpg",
        )
    upload = SimpleUploadedFile("big.jpg", JPEG + b"\x00" * 4096)
    with pytest.raises(ServiceError, match="超过大小限制"):
        evidence_add(actor=scene.p.section, inspection=inspection, file=upload, filename="big.jpg")
    assert not Evidence.objects.exists()
    assert _files(media) == []
    # Exactly at the limit is fine.
    evidence_add(
        actor=scene.p.section,
        inspection=inspection,
        file=JPEG + b"\x00" * (2048 - len(JPEG)),
        filename="ok.jpg",
    )
    assert Evidence.objects.count() == 1


def test_no_evidence_after_acceptance(scene: Scene, media: Path) -> None:
    inspection = inspection_submit(actor=scene.p.section, inspection=scene.save())
    # While under review it may still be added (the reviewer sees it).
    evidence_add(actor=scene.p.inspector, inspection=inspection, file=PNG, filename="a.png")
    inspection = inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    with pytest.raises(ServiceError, match="已审核通过，不能再添加"):
        evidence_add(actor=scene.p.inspector, inspection=inspection, file=PNG, filename="b.png")
    assert Evidence.objects.count() == 1
    assert len(_files(media)) == 1


@pytest.mark.parametrize("who", ["other_section", "leader", "auditor", "legal_reviewer"])
def test_wrong_roles_cannot_add_evidence(scene: Scene, media: Path, who: str) -> None:
    inspection = scene.save()
    with pytest.raises(NotAllowed):
        evidence_add(actor=getattr(scene.p, who), inspection=inspection, file=PNG, filename="a.png")
    assert _files(media) == []


def test_a_failure_after_storing_removes_the_file(
    scene: Scene, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inspection = scene.save()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr("spotcheck.inspections.services_inspection.record", boom)
    with pytest.raises(RuntimeError):
        evidence_add(actor=scene.p.section, inspection=inspection, file=PNG, filename="a.png")
    assert _files(media) == []
    assert not Evidence.objects.exists()
