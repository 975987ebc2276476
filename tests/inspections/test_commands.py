"""Everything a clerk does is scriptable: the inspection commands end to end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spotcheck.credit.models import CreditRecord
from spotcheck.inspections.models import (
    Evidence,
    FollowUp,
    FollowUpState,
    Inspection,
    InspectionState,
)
from tests.inspections.conftest import Scene
from tests.inspections.test_evidence import JPEG

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _target_args(scene: Scene) -> list[str]:
    return ["--draw", str(scene.draw.pk), "--target", scene.target.credit_code]


def _record(scene: Scene, tmp_path: Path, user: str = "inspector") -> str:
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(JPEG)
    return run(
        "inspection_record",
        "--user",
        user,
        *_target_args(scene),
        "--date",
        scene.today.isoformat(),
        "--inspectors",
        ",".join(i.cert_no for i in scene.team),
        "--overall",
        "pending_follow_up",
        "--item",
        f"{scene.item.code}=pending_follow_up:预收资金未存管",
        "--summary",
        "现场检查",
        "--evidence",
        str(photo),
    )


def test_the_whole_flow_by_commands(scene: Scene, media: Path, tmp_path: Path) -> None:
    out = _record(scene, tmp_path)
    assert "已保存" in out and "SHA-256" in out
    inspection = Inspection.objects.get(draw=scene.draw, target=scene.target)
    assert inspection.item_results.get().findings == "预收资金未存管"
    assert Evidence.objects.filter(inspection=inspection).count() == 1

    run("inspection_submit", "--user", "inspector", *_target_args(scene))
    run(
        "inspection_review",
        "--user",
        "section",
        *_target_args(scene),
        "--return",
        "--comment",
        "补充",
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RETURNED
    run("inspection_record", "--user", "inspector", *_target_args(scene), "--summary", "已补充")
    run("inspection_submit", "--user", "inspector", *_target_args(scene))
    run("inspection_review", "--user", "section", *_target_args(scene), "--accept")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ACCEPTED
    assert CreditRecord.objects.filter(source="inspection", problem_found=True).count() == 1

    run(
        "followup_add",
        "--user",
        "section",
        *_target_args(scene),
        "--kind",
        "rectification",
        "--order-text",
        "限期存管",
        "--due",
        scene.today.isoformat(),
    )
    order = FollowUp.objects.get(kind="rectification")
    run(
        "rectification_verify",
        "--user",
        "section",
        "--id",
        str(order.pk),
        "--rectified",
        "--note",
        "已整改",
    )
    order.refresh_from_db()
    assert order.state == FollowUpState.VERIFIED

    out = run(
        "followup_add",
        "--user",
        "section",
        *_target_args(scene),
        "--kind",
        "penalty",
        "--decision-no",
        "金商合罚〔2026〕7号",
        "--penalty-kind",
        "fine",
        "--amount",
        "300000",
        "--decided",
        scene.today.isoformat(),
        "--major",
    )
    assert "待法制审核" in out
    run(
        "legal_review",
        "--user",
        "legal",
        "--decision-no",
        "金商合罚〔2026〕7号",
        "--return",
        "--comment",
        "金额过高",
    )
    penalty = FollowUp.objects.get(kind="penalty")
    assert penalty.state == FollowUpState.RETURNED
    run(
        "penalty_resubmit",
        "--user",
        "section2",
        "--id",
        str(penalty.pk),
        "--decision-no",
        "金商合罚〔2026〕7号",
        "--penalty-kind",
        "fine",
        "--amount",
        "30000",
        "--decided",
        scene.today.isoformat(),
    )
    out = run(
        "legal_review", "--user", "legal", "--decision-no", "金商合罚〔2026〕7号", "--approve"
    )
    assert "已生效" in out
    assert CreditRecord.objects.filter(source="penalty").count() == 1

    run(
        "followup_add",
        "--user",
        "section",
        *_target_args(scene),
        "--kind",
        "transfer",
        "--transfer-to",
        "agency",
        "--receiving-body",
        "金凤区市场监督管理局",
        "--transferred",
        scene.today.isoformat(),
        "--description",
        "涉嫌无照经营",
    )
    assert FollowUp.objects.filter(kind="transfer").count() == 1


def test_target_documents_command(scene: Scene, tmp_path: Path) -> None:
    out = run("target_documents", "--user", "section", *_target_args(scene), "--out", str(tmp_path))
    assert out.count("已生成") == 2
    notice = tmp_path / f"检查通知书-{scene.target.credit_code}.docx"
    text = "\n".join(p.text for p in docx.Document(str(notice)).paragraphs)
    assert scene.target.name in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["inspection_submit", "--user", "inspector"], "尚无"),
        (["inspection_record", "--user", "auditor", "--summary", "x"], "无权操作"),
        (["inspection_record", "--user", "section", "--date", "2026-13-01"], "不是有效日期"),
        (["inspection_record", "--user", "section", "--item", "nope"], "格式错误"),
        (["inspection_record", "--user", "nobody"], "不存在"),
    ],
)
def test_command_errors_are_chinese_messages(
    scene: Scene, args: list[str], message: str, media: Any
) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args[:1], *args[1:], *_target_args(scene))


def test_followup_command_needs_kind_arguments(scene: Scene, tmp_path: Path, media: Any) -> None:
    _record(scene, tmp_path)
    with pytest.raises(CommandError, match="审核通过后"):
        run(
            "followup_add",
            "--user",
            "section",
            *_target_args(scene),
            "--kind",
            "transfer",
            "--transfer-to",
            "agency",
            "--receiving-body",
            "x",
            "--transferred",
            scene.today.isoformat(),
        )
    with pytest.raises(CommandError, match="--decision-no"):
        run("followup_add", "--user", "section", *_target_args(scene), "--kind", "penalty")
