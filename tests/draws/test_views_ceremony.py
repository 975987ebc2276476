"""The ceremony pages: commit, randomness entry, execute, abort and redo, downloads."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEvent
from spotcheck.directory.models import TargetStatus
from spotcheck.draws.models import Draw, DrawState, TeamMember
from spotcheck.engine.verify import verify_proof
from spotcheck.planning.models import TaskState
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

DICE = {"value_0": "352614", "value_1": "611243"}


def commit(client: Client, task: Any, **extra: Any) -> Any:
    data = {"randomness_kind": "witnesses", "names": "王五\n赵六", "hash_name": "sha256"}
    data.update(extra)
    return client.post(reverse("draws:commit", args=[task.pk]), data)


def drawn(client: Client, world: World, **task_kw: Any) -> Draw:
    task = world.approved_task(**task_kw)
    client.force_login(world.p.section)
    commit(client, task)
    draw = Draw.objects.get(task=task, state=DrawState.COMMITTED)
    client.post(reverse("draws:execute", args=[draw.pk]), DICE)
    draw.refresh_from_db()
    return draw


def test_whole_ceremony_through_the_pages(client: Client, world: World, tmp_path: Path) -> None:
    task = world.approved_task()
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "commit-form" in page
    response = commit(client, task)
    draw = Draw.objects.get()
    assert response["Location"] == reverse("draws:draw_detail", args=[draw.pk])
    page = client.get(response["Location"]).content.decode()
    assert draw.commitment_digest in page and draw.commitment["pool"]["root"] in page
    assert "见证人：王五" in page and "execute-form" in page
    assert draw.nonce not in page  # the secret stays secret until the proof may be published

    response = client.post(reverse("draws:execute", args=[draw.pk]), DICE)
    assert response["Location"] == reverse("draws:results", args=[draw.pk])
    draw.refresh_from_db()
    assert draw.state == DrawState.EXECUTED and TeamMember.objects.filter(draw=draw).count() == 10
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert "352614" in page and "proof-download" in page

    response = client.get(reverse("draws:proof", args=[draw.pk]))
    assert response["Content-Disposition"] == f"attachment; filename=draw-{draw.pk}-proof.json"
    problems, _ = verify_proof(json.loads(response.content))
    assert problems == []
    # The downloaded file as is, through the documented command line.
    path = tmp_path / f"draw-{draw.pk}-proof.json"
    path.write_bytes(response.content)
    verify = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "src", "PATH": "/usr/bin:/bin"},
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert AuditEvent.objects.filter(
        event_type="draws.confidential_access", payload__what="抽取证明"
    ).exists()


def test_commitment_download_is_public_to_task_viewers(client: Client, world: World) -> None:
    task = world.approved_task()
    client.force_login(world.p.section)
    commit(client, task)
    draw = Draw.objects.get()
    url = reverse("draws:commitment", args=[draw.pk])
    for who, status in [
        ("auditor", 200),
        ("leader", 200),
        ("other_section", 403),
        ("inspector", 403),
    ]:
        client.force_login(getattr(world.p, who))
        assert client.get(url).status_code == status, who
    client.force_login(world.p.auditor)
    response = client.get(url)
    assert json.loads(response.content)["pool"]["root"] == draw.commitment["pool"]["root"]
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"names": "王五"}, "至少需要 2 名不同的见证人"),
        ({"names": "王五\n王五"}, "不能重复"),
        ({"randomness_kind": "beacon", "names": "drand 1"}, "必须晚于现在"),
        ({"randomness_kind": "dice"}, "randomness_kind"),
    ],
)
def test_bad_commit_changes_nothing(
    client: Client, world: World, data: dict[str, str], message: str
) -> None:
    task = world.approved_task()
    client.force_login(world.p.section)
    response = commit(client, task, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Draw.objects.exists()
    task.refresh_from_db()
    assert task.state == TaskState.APPROVED


def test_beacon_commit_and_values_with_publication_time(client: Client, world: World) -> None:
    task = world.approved_task()
    client.force_login(world.p.section)
    later = (timezone.localtime() + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = commit(
        client, task, randomness_kind="beacon", names="drand 4512345", not_before=later
    )
    assert response.status_code == 302
    draw = Draw.objects.get()
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert "published_0" in page
    # A publication time before the commitment is refused.
    before = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("draws:execute", args=[draw.pk]), {"value_0": "ab12", "published_0": before}
    )
    assert "公布时间必须晚于抽取承诺的公示时间" in response.content.decode()
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED


def test_unapproved_task_cannot_be_committed(client: Client, world: World) -> None:
    task = world.task()
    client.force_login(world.p.section)
    response = commit(client, task)
    assert "须经领导批准" in response.content.decode() and not Draw.objects.exists()


def test_too_few_inspectors_is_a_clear_message(client: Client, world: World) -> None:
    for inspector in world.inspectors[1:]:
        inspector.cert_valid_to = world.today - dt.timedelta(days=1)
        inspector.save()
    client.force_login(world.p.section)
    response = commit(client, world.approved_task())
    assert "不足每组 2 名" in response.content.decode() and not Draw.objects.exists()


def test_stratum_asking_too_many(client: Client, world: World) -> None:
    client.force_login(world.p.section)
    task = world.approved_task(sample={"mode": "count", "values": {"*": 30}})
    # The pool shrank after approval: the commit refuses and says by how much.
    world.targets[0].status = TargetStatus.DEREGISTERED
    world.targets[0].save()
    response = commit(client, task)
    assert "只有 29 个符合条件" in response.content.decode()


@pytest.mark.parametrize("dice", ["12", "123457", "abcdef", ""])
def test_wrong_dice_change_nothing(client: Client, world: World, dice: str) -> None:
    task = world.approved_task()
    client.force_login(world.p.section)
    commit(client, task)
    draw = Draw.objects.get()
    response = client.post(
        reverse("draws:execute", args=[draw.pk]), {"value_0": dice, "value_1": "611243"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "骰子点数格式错误" in content or "请录入见证人：王五的骰子点数" in content
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED and not TeamMember.objects.exists()


def test_abort_and_redo_keep_every_record(client: Client, world: World) -> None:
    first = drawn(client, world)
    abort = reverse("draws:abort", args=[first.pk])
    response = client.post(abort, {"reason": ""})
    assert response.status_code == 200 and "abort-form" in response.content.decode()
    first.refresh_from_db()
    assert first.state == DrawState.EXECUTED
    client.post(abort, {"reason": "检查组名单有误"})
    first.refresh_from_db()
    # Asking is not aborting: the draw stands until a leader approves.
    assert first.state == DrawState.EXECUTED
    client.force_login(world.p.leader)
    pending = first.abort_requests.get()
    client.post(reverse("draws:abort_decide", args=[pending.pk]), {"decision": "approve"})
    first.refresh_from_db()
    assert first.state == DrawState.ABORTED
    client.force_login(world.p.section)
    # Redo needs a reason; the form asks for it.
    task = first.task
    response = commit(client, task)
    assert "重新抽取必须说明原因" in response.content.decode()
    commit(client, task, reason="第一次抽取作废后重抽")
    second = Draw.objects.exclude(pk=first.pk).get()
    assert second.replaces == first
    client.force_login(world.p.auditor)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert "检查组名单有误" in page and "第一次抽取作废后重抽" in page
    assert f"替代第{first.pk}号" in page
    # The auditor reads everything and changes nothing.
    for name in ("abort", "execute"):
        assert client.post(reverse(f"draws:{name}", args=[second.pk]), {}).status_code == 403
    assert client.post(reverse("draws:abort_decide", args=[pending.pk]), {}).status_code == 403
    assert client.post(reverse("draws:commit", args=[task.pk]), {}).status_code == 403


def test_executing_twice_is_a_message(client: Client, world: World) -> None:
    draw = drawn(client, world)
    response = client.post(reverse("draws:execute", args=[draw.pk]), DICE, follow=True)
    assert "不能执行" in response.content.decode()


def test_proof_before_window_only_for_those_who_may_see(client: Client, world: World) -> None:
    draw = drawn(client, world)
    url = reverse("draws:proof", args=[draw.pk])
    for who, status in [
        ("other_section", 403),
        ("inspector", 403),
        ("admin", 403),
        ("leader", 200),
        ("auditor", 200),
    ]:
        client.force_login(getattr(world.p, who))
        assert client.get(url).status_code == status, who
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world.p.section)
    assert client.get(reverse("draws:proof", args=[999999])).status_code == 404


def test_proof_is_public_once_the_window_opens(client: Client, world: World) -> None:
    today = timezone.localdate()
    draw = drawn(client, world, window_start=today, window_end=today + dt.timedelta(days=5))
    client.force_login(world.p.other_section)
    assert client.get(reverse("draws:proof", args=[draw.pk])).status_code == 200


def test_proof_of_an_unexecuted_draw_is_404(client: Client, world: World) -> None:
    client.force_login(world.p.section)
    commit(client, world.approved_task())
    draw = Draw.objects.get()
    assert client.get(reverse("draws:proof", args=[draw.pk])).status_code == 404
