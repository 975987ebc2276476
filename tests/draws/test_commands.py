"""Everything a clerk does in the UI can be scripted: the whole ceremony from the shell."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spotcheck.draws.models import Draw, TeamMember
from spotcheck.planning.models import SpotCheckTask, TaskState
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _window(world: World) -> str:
    start, end = world.window
    return f"--window={start.isoformat()}:{end.isoformat()}"


def test_ceremony_from_the_command_line(world: World, tmp_path: Path) -> None:
    out = _run(
        "task_create",
        "--user=section",
        "--name=命令行抽查任务",
        "--mode=directed",
        f"--items={world.item.code}",
        _window(world),
        "--sample=count:*=2",
        "--filter=credit_class=D",
    )
    task = SpotCheckTask.objects.get(name="命令行抽查任务")
    assert "草稿" in out and task.filters == {"credit_class": "D"}
    _run("task_approve", "--user=leader", f"--task={task.pk}")
    out = _run("draw_commit", "--user=section", f"--task={task.pk}", "--witnesses=王五,赵六")
    draw = Draw.objects.get(task=task)
    assert draw.commitment_digest in out
    _run(
        "draw_execute",
        "--user=section",
        f"--draw={draw.pk}",
        "--value=见证人：王五=352614",
        "--value=见证人：赵六=611243",
    )
    task.refresh_from_db()
    assert task.state == TaskState.DRAWN
    member = TeamMember.objects.filter(draw=draw).first()
    assert member is not None
    out = _run(
        "draw_recuse",
        "--user=section",
        f"--draw={draw.pk}",
        f"--inspector={member.inspector.cert_no}",
        f"--target={member.target.credit_code}",
        "--reason-code=prior_involvement",
        "--reason=曾在该企业任职",
    )
    assert "替补人员" in out
    proof_path = tmp_path / "proof.json"
    _run("draw_proof", "--user=auditor", f"--draw={draw.pk}", f"--out={proof_path}")
    verify = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(proof_path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "src", "PATH": "/usr/bin:/bin"},
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    proof = json.loads(proof_path.read_text())
    proof["nonce"] = "00" * 32
    proof_path.write_text(json.dumps(proof))
    verify = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(proof_path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "src", "PATH": "/usr/bin:/bin"},
    )
    assert verify.returncode != 0


def test_command_errors_are_chinese_and_change_nothing(world: World) -> None:
    with pytest.raises(CommandError, match="定向抽查需要至少一个限定条件"):
        _run(
            "task_create",
            "--user=section",
            "--name=x",
            "--mode=directed",
            f"--items={world.item.code}",
            _window(world),
            "--sample=count:*=2",
        )
    with pytest.raises(CommandError, match="不是有效日期"):
        _run(
            "task_create",
            "--user=section",
            "--name=x",
            "--mode=undirected",
            f"--items={world.item.code}",
            "--window=2026-02-30:2026-12-20",  # fixed-date: not a date at all
            "--sample=count:*=2",
        )
    with pytest.raises(CommandError, match="无权操作"):
        task = world.task()
        _run("task_approve", "--user=section", f"--task={task.pk}")
    with pytest.raises(CommandError, match="不存在"):
        _run("task_approve", "--user=nobody", "--task=1")
    assert SpotCheckTask.objects.count() == 1


def test_proof_export_is_confidential_before_window(world: World, tmp_path: Path) -> None:
    from spotcheck.draws import services as draws
    from tests.draws.test_workflow import DICE, _commit

    draw = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, world.approved_task()), entries=DICE
    )
    with pytest.raises(CommandError, match="保密"):
        _run("draw_proof", "--user=other_section", f"--draw={draw.pk}", f"--out={tmp_path / 'p'}")


def test_plan_override_notice_and_advance_commands(world: World) -> None:
    from spotcheck.draws import services as draws
    from spotcheck.draws.models import AdvanceNotice, CapOverride
    from spotcheck.planning.models import AnnualPlan
    from tests.draws.test_workflow import DICE, _commit

    out = _run(
        "plan_create",
        "--user=section",
        f"--year={world.today.year + 1}",
        f"--items={world.item.code}",
        "--sector=单用途预付卡:F52:0.05:1",
    )
    plan = AnnualPlan.objects.get(year=world.today.year + 1)
    assert "已编制" in out and plan.sectors[0]["ratio"] == "0.05"
    _run("plan_approve", "--user=leader", f"--plan={plan.pk}")
    plan.refresh_from_db()
    assert plan.state == "approved"
    with pytest.raises(CommandError, match="格式应为"):
        _run(
            "plan_create",
            "--user=section",
            f"--year={world.today.year + 2}",
            f"--items={world.item.code}",
            "--sector=x",
        )

    task = world.task()
    _run(
        "cap_override",
        "--user=section",
        f"--task={task.pk}",
        f"--target={world.targets[0].credit_code}",
        "--reason=群众集中投诉",
    )
    override = CapOverride.objects.get()
    _run("cap_override", "--user=leader", f"--approve={override.pk}")
    override.refresh_from_db()
    assert override.approved_by == world.p.leader

    draw = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, world.approved_task()), entries=DICE
    )
    target = draw.drawn_lines.all().first().target
    _run(
        "advance_notice",
        "--user=section",
        f"--draw={draw.pk}",
        f"--target={target.credit_code}",
        "--reason=双预约",
        f"--date={world.today.isoformat()}",
    )
    assert AdvanceNotice.objects.count() == 1
    out = _run("task_advance", "--user=section", f"--task={draw.task_id}", "--to=inspecting")
    assert "检查中" in out or "inspecting" in out.lower()
