"""检查通知书 and 双清单: open the produced .docx with python-docx and read it back."""

from __future__ import annotations

import io

import docx
import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.draws.models import DrawnLine, PoolEntry
from spotcheck.inspections.documents import BUREAU, documents_to_prepare, target_document
from tests.factories import CheckItemFactory
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _day(d: object) -> str:
    return f"{d.year}年{d.month}月{d.day}日"  # type: ignore[attr-defined]


def test_notice_names_target_task_items_window_and_team(scene: Scene) -> None:
    name, data = target_document(
        actor=scene.p.section, draw=scene.draw, target=scene.target, document="notice"
    )
    assert name == f"检查通知书-{scene.target.credit_code}.docx"
    text = _text(data)
    for expected in (
        "检查通知书",
        BUREAU,
        scene.target.name,
        scene.target.credit_code,
        scene.task.name,
        scene.item.name,
        scene.item.legal_basis,
        _day(scene.window[0]),
        _day(scene.window[1]),
        "回避",
    ):
        assert expected in text, expected
    for inspector in scene.team:
        assert inspector.name in text and inspector.cert_no in text
    event = AuditEvent.objects.get(event_type="inspections.document_generated")
    assert event.payload["document"] == "notice"
    # Ids only (Art. 18: the administrator reads the log before the window).
    assert event.payload["target"] == scene.target.pk
    assert scene.target.name not in event.summary
    assert scene.target.credit_code not in event.summary


def test_double_list_has_items_with_inspectors_and_documents_to_prepare(scene: Scene) -> None:
    _, data = target_document(
        actor=scene.p.inspector, draw=scene.draw, target=scene.target, document="double_list"
    )
    text = _text(data)
    assert "双清单" in text and BUREAU in text
    assert scene.item.name in text
    for inspector in scene.team:
        assert f"{inspector.name}（执法证号：{inspector.cert_no}）" in text
    # The item's name mentions 预付卡, so the prepaid-card documents are listed.
    assert "预收资金存管协议及存管账户资料" in text
    assert "营业执照（副本）或项目批准（备案）文件" in text


def test_documents_to_prepare_falls_back_for_unknown_items(personas: object) -> None:
    known = CheckItemFactory(name="拍卖企业经营行为检查")
    unknown = CheckItemFactory(name="成品油零售经营检查")
    rows = dict(documents_to_prepare([known, unknown]))
    assert rows["拍卖经营批准证书"] == known.name
    assert rows[f"与“{unknown.name}”相关的许可、备案证明及台账、合同、票据等资料"] == unknown.name
    assert rows["营业执照（副本）或项目批准（备案）文件"] == "全部事项"


@pytest.mark.parametrize("who", ["other_section", "leader", "auditor", "legal_reviewer", "admin"])
def test_who_may_not_generate(scene: Scene, who: str) -> None:
    with pytest.raises(NotAllowed):
        target_document(
            actor=getattr(scene.p, who), draw=scene.draw, target=scene.target, document="notice"
        )
    assert not AuditEvent.objects.filter(event_type="inspections.document_generated").exists()


def test_bad_requests(scene: Scene) -> None:
    with pytest.raises(ServiceError, match="文书类型无效"):
        target_document(actor=scene.p.section, draw=scene.draw, target=scene.target, document="x")
    drawn = DrawnLine.objects.filter(draw=scene.draw).values("credit_code")
    undrawn = PoolEntry.objects.filter(draw=scene.draw).exclude(credit_code__in=drawn).first()
    assert undrawn is not None
    with pytest.raises(ServiceError, match="不是第"):
        target_document(
            actor=scene.p.section, draw=scene.draw, target=undrawn.target, document="notice"
        )
