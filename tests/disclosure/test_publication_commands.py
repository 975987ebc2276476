"""The publication commands: the whole Art. 14–18 cycle from the command line, through the
same services as the pages, with Chinese errors and a non-zero exit on failure."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.inspections.models import Inspection
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db
S = PublicationState


def drafted() -> QuerySet[Publication]:
    """The publications the test drafted: committing the scene's draw already published its
    commitment (no draft, no review), which every test leaves alone."""
    return Publication.objects.exclude(kind=PublicationKind.DRAW_COMMITMENT)


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _accepted(scene: Scene) -> Inspection:
    inspection = inspection_submit(actor=scene.p.inspector, inspection=scene.save())
    return inspection_review(actor=scene.p.section, inspection=inspection, accept=True)


def test_the_whole_cycle(scene: Scene) -> None:
    inspection = _accepted(scene)
    out = run(
        "publication_draft",
        "--user=section",
        "--kind=inspection_result",
        f"--source={inspection.pk}",
    )
    pub = drafted().get()
    assert f"编号 {pub.pk}" in out and "草稿" in out and "公示期限" in out
    assert "待审核" in run("publication_submit", "--user=section", f"--id={pub.pk}")
    out = run("publication_review", "--user=section2", f"--id={pub.pk}", "--approve")
    pub.refresh_from_db()
    assert pub.state == S.PUBLISHED and "已公示" in out
    out = run("publication_correct", "--user=section", f"--id={pub.pk}", "--note=日期有误")
    v2 = Publication.objects.get(supersedes=pub)
    assert "更正版" in out and v2.version == 2 and v2.correction_note == "日期有误"
    run("publication_submit", "--user=section", f"--id={v2.pk}")
    run("publication_review", "--user=leader", f"--id={v2.pk}", "--approve")
    pub.refresh_from_db()
    assert pub.state == S.CORRECTED
    out = run("publication_withdraw", "--user=leader", f"--id={v2.pk}", "--reason=结果被撤销")
    v2.refresh_from_db()
    assert v2.state == S.WITHDRAWN and "已撤回" in out


def test_department_lists_take_the_department_code(scene: Scene) -> None:
    run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    pub = drafted().get()
    assert pub.department == scene.p.dept and pub.payload["items"][0]["code"] == scene.item.code


def test_restriction_options(scene: Scene, today: dt.date) -> None:
    inspection = _accepted(scene)
    later = today + dt.timedelta(days=3)
    base = ["--user=section", "--kind=inspection_result", f"--source={inspection.pk}"]
    with pytest.raises(CommandError, match="须说明理由"):
        run("publication_draft", *base, "--withhold=inspected_on")
    with pytest.raises(CommandError, match="须晚于今天"):
        run("publication_draft", *base, "--restriction-reason=隐私", f"--delay-until={today}")
    with pytest.raises(CommandError, match="不是有效日期"):
        run("publication_draft", *base, "--restriction-reason=隐私", "--delay-until=下周")
    with pytest.raises(CommandError, match="公示内容中没有字段"):
        run("publication_draft", *base, "--restriction-reason=隐私", "--withhold=salary")
    assert not drafted().exists()
    run(
        "publication_draft",
        *base,
        "--restriction-reason=涉及个人隐私",
        "--withhold=inspected_on",
        f"--delay-until={later.isoformat()}",
    )
    pub = drafted().get()
    assert (pub.withheld_fields, pub.delayed_until) == (["inspected_on"], later)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user=nobody", "--kind=item_list", "--source=market"], "不存在或已停用"),
        (["--user=section", "--kind=item_list", "--source=nowhere"], "来源编号“nowhere”无效"),
        (["--user=section", "--kind=annual_plan", "--source=999999"], "找不到年度抽查工作计划"),
        (["--user=other_section", "--kind=item_list", "--source=market"], "无权操作"),
        (["--user=leader", "--kind=item_list", "--source=market"], "无权操作"),
    ],
)
def test_draft_errors(scene: Scene, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("publication_draft", *args)
    assert not drafted().exists()


def test_a_result_must_be_accepted_and_of_the_own_department(scene: Scene) -> None:
    submitted = inspection_submit(actor=scene.p.inspector, inspection=scene.save())
    with pytest.raises(CommandError, match="审核通过后才能公示"):
        run(
            "publication_draft",
            "--user=section",
            "--kind=inspection_result",
            f"--source={submitted.pk}",
        )
    inspection_review(actor=scene.p.section, inspection=submitted, accept=True)
    with pytest.raises(CommandError, match="没有检查事项"):
        run(
            "publication_draft",
            "--user=other_section",
            "--kind=inspection_result",
            f"--source={submitted.pk}",
        )


def test_review_rules(scene: Scene) -> None:
    run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    pub = drafted().get()
    with pytest.raises(CommandError, match="只有待审核的公示可以审核"):
        run("publication_review", "--user=leader", f"--id={pub.pk}", "--approve")
    run("publication_submit", "--user=section", f"--id={pub.pk}")
    with pytest.raises(CommandError, match="起草人以外"):
        run("publication_review", "--user=section", f"--id={pub.pk}", "--approve")
    with pytest.raises(CommandError, match="须填写审核意见"):
        run("publication_review", "--user=leader", f"--id={pub.pk}", "--return")
    with pytest.raises(CommandError, match="无权操作"):
        run("publication_review", "--user=auditor", f"--id={pub.pk}", "--approve")
    with pytest.raises(CommandError, match="找不到公示"):
        run("publication_review", "--user=leader", "--id=999999", "--approve")
    run("publication_review", "--user=leader", f"--id={pub.pk}", "--return", "--comment=补充")
    pub.refresh_from_db()
    assert (pub.state, pub.review_comment) == (S.RETURNED, "补充")


def test_correct_and_withdraw_need_reasons(scene: Scene) -> None:
    run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    pub = drafted().get()
    submit = ["publication_submit", "--user=section", f"--id={pub.pk}"]
    run(*submit)
    # Submitted: neither public nor a draft the clerk may discard.
    with pytest.raises(CommandError, match="只有草稿、已退回或已公示的记录可以撤回"):
        run("publication_withdraw", "--user=section", f"--id={pub.pk}", "--reason=x")
    with pytest.raises(CommandError, match="更正须说明原因"):
        run("publication_correct", "--user=section", f"--id={pub.pk}")
    with pytest.raises(CommandError, match="撤回须说明理由"):
        run("publication_withdraw", "--user=section", f"--id={pub.pk}", "--reason= ")
    with pytest.raises(CommandError, match="只有已公示的记录可以更正"):
        run("publication_correct", "--user=section", f"--id={pub.pk}", "--note=x")
    assert drafted().count() == 1


def test_a_draft_can_be_discarded_and_drafted_again(scene: Scene) -> None:
    draft = ["publication_draft", "--user=section", "--kind=item_list", "--source=market"]
    run(*draft)
    with pytest.raises(CommandError, match="已有公示"):
        run(*draft)
    pub = drafted().get()
    run("publication_withdraw", "--user=section", f"--id={pub.pk}", "--reason=起草有误")
    pub.refresh_from_db()
    assert pub.state == "withdrawn" and pub.published_at is None
    run(*draft)
    assert drafted().count() == 2


def test_list_and_due(scene: Scene, settings: Any) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 1500
    inspection = _accepted(scene)
    run(
        "publication_draft",
        "--user=section",
        "--kind=inspection_result",
        f"--source={inspection.pk}",
    )
    run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    result, items = drafted().order_by("pk")
    # The draw commitment the ceremony published is listed too, but has no deadline.
    commitment = draw_publication(PublicationKind.DRAW_COMMITMENT, scene.draw)
    assert commitment is not None
    out = run("publication_list", "--user=section")
    assert result.title in out and items.title in out and commitment.title in out
    assert "共 3 条" in out
    out = run("publication_list", "--user=section", "--kind=item_list")
    assert result.title not in out and "共 1 条" in out
    assert "共 0 条" in run("publication_list", "--user=other_section")
    assert "共 3 条" in run("publication_list", "--user=auditor")
    out = run("publication_list", "--user=leader", "--due")
    assert result.title in out and items.title not in out and "放假安排未知" in out
    assert commitment.title not in out
    Publication.objects.filter(pk=result.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=2), due_uncertain=False
    )
    out = run("publication_list", "--user=section", "--due")
    assert "已逾期 2 天" in out and "其中逾期 1 条" in out
    with pytest.raises(CommandError, match="无权查看公示"):
        run("publication_list", "--user=inspector")
    with pytest.raises(CommandError, match="找不到部门"):
        run("publication_list", "--user=auditor", "--department=nowhere")


def test_a_record_is_not_drafted_twice(scene: Scene) -> None:
    run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    with pytest.raises(CommandError, match="该记录已有公示"):
        run("publication_draft", "--user=section", "--kind=item_list", "--source=market")
    assert drafted().count() == 1


def test_the_published_draw_commitment_is_neither_withdrawn_nor_corrected(scene: Scene) -> None:
    commitment = draw_publication(PublicationKind.DRAW_COMMITMENT, scene.draw)
    assert commitment is not None and commitment.state == S.PUBLISHED
    for user in ("section", "leader"):
        with pytest.raises(CommandError, match="抽取承诺公示后不能撤回或更正"):
            run("publication_withdraw", f"--user={user}", f"--id={commitment.pk}", "--reason=x")
        with pytest.raises(CommandError, match="抽取承诺公示后不能撤回或更正"):
            run("publication_correct", f"--user={user}", f"--id={commitment.pk}", "--note=x")
    commitment.refresh_from_db()
    assert commitment.state == S.PUBLISHED and commitment.withdrawn_at is None
    assert not Publication.objects.filter(supersedes=commitment).exists()
    with pytest.raises(CommandError, match="该记录已有公示"):
        run(
            "publication_draft",
            "--user=section",
            "--kind=draw_commitment",
            f"--source={scene.draw.pk}",
        )
