"""A draw the operator cannot escape: the commitment is public before any randomness exists,
re-draws take a leader and leave a public trace, the pool is the task's whole scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.accounts.models import Role
from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import TargetStatus
from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.draws import services as draws
from spotcheck.draws.models import AbortRequest, Draw, DrawState, PoolEntry
from spotcheck.draws.services_abort import draw_abort_decide, draw_abort_request
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine.verify import verify_proof
from spotcheck.planning.models import TaskState
from tests.factories import TargetFactory, UserFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}


def _commit(world: World, task: Any, **kw: Any) -> Draw:
    return draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
        **kw,
    )


def _abort(world: World, draw: Draw, reason: str = "检查组名单有误") -> AbortRequest:
    request = draw_abort_request(actor=world.p.section, draw=draw, reason=reason)
    return draw_abort_decide(actor=world.p.leader, request=request, approve=True)


def _commitment(draw: Draw) -> Publication:
    publication = draw_publication("draw_commitment", draw)
    assert publication is not None
    return publication


# --- commit => publish ---------------------------------------------------------------------


def test_committing_publishes_the_commitment_at_once(client: Client, world: World) -> None:
    draw = _commit(world, world.approved_task())
    pub = _commitment(draw)
    assert pub.state == PublicationState.PUBLISHED and pub.published_at == draw.committed_at
    assert pub.payload["document"] == draw.commitment
    assert pub.payload["commitment_digest"] == draw.commitment_digest
    # Hashes and counts only: no pool target, no inspector is named (Art. 18).
    body = json.dumps(pub.payload, ensure_ascii=False)
    for line in PoolEntry.objects.filter(draw=draw).select_related("target"):
        assert line.credit_code not in body and line.target.name not in body
    for inspector in world.inspectors:
        assert inspector.cert_no not in body and inspector.name not in body
    page = client.get(reverse("portal:detail", args=[pub.pk]))
    assert page.status_code == 200 and draw.commitment_digest in page.content.decode()


def test_randomness_cannot_predate_the_public_commitment(world: World) -> None:
    draw = _commit(world, world.approved_task())
    before = _commitment(draw).published_at
    assert before is not None
    with pytest.raises(ServiceError, match="晚于抽取承诺的公示时间"):
        draws.draw_execute(
            actor=world.p.section, draw=draw, entries=DICE, published_at=dict.fromkeys(DICE, before)
        )
    draw.refresh_from_db()
    assert draw.state == DrawState.COMMITTED and not draw.randomness


def test_no_draw_without_a_public_commitment(world: World) -> None:
    """An administrator who hides the commitment in the database cannot then execute."""
    draw = _commit(world, world.approved_task())
    Publication.objects.filter(pk=_commitment(draw).pk).update(state=PublicationState.WITHDRAWN)
    with pytest.raises(ServiceError, match="尚未在门户公示"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert Draw.objects.get(pk=draw.pk).state == DrawState.COMMITTED


def test_a_public_commitment_cannot_be_withdrawn_or_corrected(world: World) -> None:
    draw = _commit(world, world.approved_task())
    pub = _commitment(draw)
    for actor in (world.p.section, world.p.leader):
        with pytest.raises(ServiceError, match="不能撤回或更正"):
            publication_withdraw(actor=actor, publication=pub, reason="发布有误")
    with pytest.raises(ServiceError, match="不能撤回或更正"):
        publication_correct(actor=world.p.section, publication=pub, note="更正")
    with pytest.raises(ServiceError, match="已有公示"):
        publication_draft(actor=world.p.section, kind="draw_commitment", source=draw)
    pub.refresh_from_db()
    assert pub.state == PublicationState.PUBLISHED


# --- aborts need the leader ----------------------------------------------------------------


def test_a_clerk_alone_cannot_abort(world: World) -> None:
    task = world.approved_task()
    draw = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    request = draw_abort_request(actor=world.p.section, draw=draw, reason="结果不满意")
    draw.refresh_from_db()
    task.refresh_from_db()
    assert draw.state == DrawState.EXECUTED and task.state == TaskState.DRAWN
    # Nobody but a leader over the lead department decides; a second request waits its turn.
    other_leader = UserFactory(role=Role.LEADER, department=world.p.other_dept)
    for actor in (world.p.section, world.p.other_section, world.p.auditor, other_leader):
        with pytest.raises(NotAllowed):
            draw_abort_decide(actor=actor, request=request, approve=True)
    with pytest.raises(ServiceError, match="待审批"):
        draw_abort_request(actor=world.p.section, draw=draw, reason="再申请一次")
    with pytest.raises(NotAllowed):
        draw_abort_request(actor=world.p.leader, draw=draw, reason="领导直接作废")
    # Re-drawing is impossible while the draw stands.
    with pytest.raises(ServiceError):
        _commit(world, task, reason="重抽")
    assert Draw.objects.filter(task=task).count() == 1


def test_rejected_request_keeps_the_draw_and_needs_a_comment(world: World) -> None:
    draw = _commit(world, world.approved_task())
    request = draw_abort_request(actor=world.p.section, draw=draw, reason="想换见证人")
    with pytest.raises(ServiceError, match="待分管领导审批"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    with pytest.raises(ServiceError, match="须填写意见"):
        draw_abort_decide(actor=world.p.leader, request=request, approve=False)
    draw_abort_decide(actor=world.p.leader, request=request, approve=False, comment="理由不足")
    request.refresh_from_db()
    assert request.approved is False and request.decided_by == world.p.leader
    assert _commitment(draw).voided_at is None
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert draw.state == DrawState.EXECUTED
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"draws.abort_requested", "draws.abort_rejected"} <= types


def test_approved_abort_marks_the_public_commitment(client: Client, world: World) -> None:
    task = world.approved_task()
    draw = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    _abort(world, draw, "见证人未按规定到场")
    draw.refresh_from_db()
    task.refresh_from_db()
    assert draw.state == DrawState.ABORTED and draw.aborted_by == world.p.leader
    assert task.state == TaskState.APPROVED
    pub = _commitment(draw)
    assert pub.state == PublicationState.PUBLISHED and pub.voided_at == draw.aborted_at
    assert pub.void_reason == "见证人未按规定到场"
    page = client.get(reverse("portal:detail", args=[pub.pk])).content.decode()
    assert 'id="voided"' in page and "见证人未按规定到场" in page
    listing = client.get(reverse("portal:draws")).content.decode()
    assert "p-voided-mark" in listing
    event = AuditEvent.objects.get(event_type="draws.aborted")
    assert event.actor == world.p.leader and event.payload["requested_by"] == str(world.p.section)
    assert AuditEvent.objects.filter(event_type="disclosure.publication_voided").exists()


def test_redraw_chains_to_the_aborted_commitment(client: Client, world: World) -> None:
    task = world.approved_task()
    first = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    _abort(world, first)
    first.refresh_from_db()
    second = _commit(world, task, reason="作废后重抽")
    assert second.replaces == first
    assert second.commitment["previous"] == {
        "draw_id": str(first.pk),
        "commitment_digest": first.commitment_digest,
    }
    second = draws.draw_execute(actor=world.p.section, draw=second, entries=DICE)
    assert second.proof is not None
    history = second.proof["history"]
    assert [h["draw_id"] for h in history] == [str(first.pk)]
    assert history[0]["commitment_digest"] == first.commitment_digest
    assert history[0]["nonce"] == first.nonce and history[0]["abort_reason"] == "检查组名单有误"
    assert verify_proof(json.loads(json.dumps(proof_document(second))))[0] == []
    # Leaving the aborted draw out of the history is caught by the verifier.
    forged = json.loads(json.dumps(proof_document(second)))
    forged["history"] = []
    assert verify_proof(forged)[0]
    # The public sees both draws, in order, the first marked 作废, chained by digest.
    page = client.get(reverse("portal:draw_history", args=[task.pk])).content.decode()
    assert page.index(first.commitment_digest) < page.index(second.commitment_digest)
    assert "作废" in page and "检查组名单有误" in page
    assert page.count(first.commitment_digest) == 2  # its own row and the second's "previous"


def test_the_aborted_proof_goes_public_with_the_next(world: World) -> None:
    task = world.approved_task()
    first = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    _abort(world, first)
    second = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, task, reason="重抽"), entries=DICE
    )
    opens = timezone.make_aware(dt.datetime.combine(task.window_start, dt.time(9)))
    with time_machine.travel(opens):
        draft = publication_draft(actor=world.p.section, kind="draw_proof", source=second)
        draft = publication_submit(actor=world.p.section, publication=draft)
        publication_review(actor=world.p.leader, publication=draft, approve=True)
    aborted_proof = draw_publication("draw_proof", first)
    assert aborted_proof is not None and aborted_proof.state == PublicationState.PUBLISHED
    assert aborted_proof.payload["aborted"]["reason"] == "检查组名单有误"
    assert aborted_proof.payload["document"] == proof_document(first)


def test_no_proof_goes_public_before_the_window(world: World) -> None:
    draw = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, world.approved_task()), entries=DICE
    )
    draft = publication_draft(actor=world.p.section, kind="draw_proof", source=draw)
    draft = publication_submit(actor=world.p.section, publication=draft)
    with pytest.raises(ServiceError, match="第十八条"):
        publication_review(actor=world.p.leader, publication=draft, approve=True)


# --- the pages -----------------------------------------------------------------------------


def test_abort_pages_by_role(client: Client, world: World) -> None:
    draw = _commit(world, world.approved_task())
    client.force_login(world.p.section)
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert 'id="abort-form"' in page and 'id="abort-decide-form"' not in page
    response = client.post(reverse("draws:abort", args=[draw.pk]), {"reason": ""})
    assert "请填写作废原因" in response.content.decode()
    assert not AbortRequest.objects.exists()
    client.post(reverse("draws:abort", args=[draw.pk]), {"reason": "见证人未到场"})
    request = AbortRequest.objects.get()
    decide = reverse("draws:abort_decide", args=[request.pk])
    other_leader = UserFactory(role=Role.LEADER, department=world.p.other_dept)
    for user in (
        world.p.section,
        world.p.other_section,
        world.p.inspector,
        world.p.auditor,
        world.p.admin,
        other_leader,
    ):
        client.force_login(user)
        assert client.post(decide, {"decision": "approve"}).status_code == 403
    for user in (world.p.leader, world.p.auditor, world.p.inspector, world.p.other_section):
        client.force_login(user)
        assert client.post(reverse("draws:abort", args=[draw.pk]), {"reason": "x"}).status_code in (
            403,
            404,
        )
    client.logout()
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    client.force_login(world.p.leader)
    page = client.get(reverse("draws:draw_detail", args=[draw.pk])).content.decode()
    assert 'id="abort-decide-form"' in page and "见证人未到场" in page
    response = client.post(decide, {"decision": "reject", "comment": ""})
    assert "驳回作废申请须填写意见" in response.content.decode()
    response = client.post(decide, {"decision": "maybe"})
    assert response.status_code == 200 and Draw.objects.get().state == DrawState.COMMITTED
    client.post(decide, {"decision": "approve"})
    assert Draw.objects.get().state == DrawState.ABORTED


def test_portal_history_of_an_unknown_task_is_a_chinese_404(client: Client) -> None:
    response = client.get(reverse("portal:draw_history", args=[999999]))
    assert response.status_code == 404 and "没有该任务的公开抽取记录" in response.content.decode()


def test_abort_commands(world: World) -> None:
    draw = _commit(world, world.approved_task())
    call_command("draw_abort", "--user", "section", "--draw", str(draw.pk), "--reason", "改期")
    request = AbortRequest.objects.get()
    assert Draw.objects.get().state == DrawState.COMMITTED
    call_command("draw_abort_decide", "--user", "leader", "--request", str(request.pk), "--approve")
    assert Draw.objects.get().state == DrawState.ABORTED


def test_annual_report_counts_aborted_draws(client: Client, world: World) -> None:
    task = world.approved_task()
    _abort(world, _commit(world, task))
    draws.draw_execute(
        actor=world.p.section, draw=_commit(world, task, reason="重抽"), entries=DICE
    )
    client.force_login(world.p.auditor)
    url = reverse("reports:annual")
    page = client.get(url, {"year": task.window_start.year}).content.decode()
    row = page[page.index(world.p.dept.name) :]
    row = row[: row.index("</tr>")]
    cells = [c.split(">")[-1] for c in row.split("</td>")[1:-1]]
    assert cells[:4] == ["1", "2", "1", "1"]  # tasks, draws, executed, aborted
    assert "年份“abc”无效" in client.get(url, {"year": "abc"}).content.decode()
    client.force_login(world.p.inspector)
    assert client.get(url).status_code == 403


# --- the pool is the whole scope; witnesses are people -------------------------------------


def test_inactive_targets_in_scope_are_listed_as_excluded(world: World) -> None:
    gone = TargetFactory(departments=[world.p.dept], status=TargetStatus.DEREGISTERED)
    revoked = TargetFactory(departments=[world.p.dept], status=TargetStatus.REVOKED)
    draw = _commit(world, world.approved_task())
    assert draw.commitment["pool"]["count"] == 32
    assert draw.commitment["pool"]["excluded"] == {"deregistered": 1, "revoked": 1}
    lines = {p.credit_code: p.excluded for p in PoolEntry.objects.filter(draw=draw)}
    assert lines[gone.credit_code] == "deregistered" and lines[revoked.credit_code] == "revoked"
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert draw.proof is not None
    selected = {s["id"] for s in draw.proof["result"]["selected"]}
    assert gone.credit_code not in selected and revoked.credit_code not in selected
    assert verify_proof(json.loads(json.dumps(proof_document(draw))))[0] == []


@pytest.mark.parametrize(
    "names",
    [["王五", "王　五"], ["王五", " 王五 "], ["Wang Wu", "ＷＡＮＧ　ＷＵ"], ["王五", "王 五"]],
)
def test_one_person_is_one_witness(world: World, names: list[str]) -> None:
    with pytest.raises(ServiceError, match="不能重复"):
        draws.draw_commit(
            actor=world.p.section,
            task=world.approved_task(),
            randomness_kind="witnesses",
            randomness_names=names,
        )
    assert not Draw.objects.exists()


def test_the_proof_names_the_witnesses_and_who_entered_the_dice(world: World) -> None:
    draw = draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王　五", "ＺＨＡＯ Liu"],
    )
    items = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
    assert items == ["见证人：王五", "见证人：ZHAO Liu"]
    draw = draws.draw_execute(
        actor=world.p.section,
        draw=draw,
        entries={"见证人：王五": "352614", "见证人：ZHAO Liu": "611243"},
    )
    assert draw.proof is not None
    assert draw.proof["ceremony"] == {
        "entered_by": str(world.p.section),
        "witnesses": ["王五", "ZHAO Liu"],
    }


def test_voided_commitment_in_open_data_and_the_public_api(client: Client, world: World) -> None:
    draw = _commit(world, world.approved_task())
    _abort(world, draw, "见证人未到场")
    pub = _commitment(draw)
    csv_text = b"".join(client.get(reverse("opendata:csv")).streaming_content).decode("utf-8-sig")
    row = next(line for line in csv_text.splitlines() if line.startswith(f"{pub.pk},"))
    assert ",voided," in row
    records = json.loads(b"".join(client.get(reverse("opendata:json")).streaming_content))
    record = next(r for r in records["records"] if r["id"] == pub.pk)
    assert record["status"] == "voided" and record["void_reason"] == "见证人未到场"
    api = client.get(reverse("api:public-publication-detail", args=[pub.pk])).json()
    assert api["voided_at"] and api["void_reason"] == "见证人未到场"


def test_the_public_abort_reason_is_redacted(client: Client, world: World) -> None:
    task = world.approved_task()
    first = _commit(world, task)
    request = draw_abort_request(
        actor=world.p.section, draw=first, reason="见证人电话13912345678无法接通，改期"
    )
    draw_abort_decide(actor=world.p.leader, request=request, approve=True)
    first.refresh_from_db()
    assert "13912345678" not in first.abort_reason and "改期" in first.abort_reason
    assert "13912345678" in AbortRequest.objects.get().reason  # staff keep what was written
    assert "13912345678" not in _commitment(first).void_reason
    second = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, task, reason="重抽"), entries=DICE
    )
    assert second.proof is not None
    assert "13912345678" not in json.dumps(proof_document(second), ensure_ascii=False)
    page = client.get(reverse("portal:draw_history", args=[task.pk])).content.decode()
    assert "13912345678" not in page and "改期" in page


def test_a_delayed_proof_delays_the_aborted_proof_with_it(world: World) -> None:
    from spotcheck.disclosure.selectors import published

    task = world.approved_task()
    first = draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)
    _abort(world, first)
    second = draws.draw_execute(
        actor=world.p.section, draw=_commit(world, task, reason="重抽"), entries=DICE
    )
    opens = timezone.make_aware(dt.datetime.combine(task.window_start, dt.time(9)))
    until = task.window_start + dt.timedelta(days=3)
    with time_machine.travel(opens):
        draft = publication_draft(
            actor=world.p.section,
            kind="draw_proof",
            source=second,
            restriction_reason="涉及正在办理的案件，暂缓公开",
            delayed_until=until,
        )
        draft = publication_submit(actor=world.p.section, publication=draft)
        publication_review(actor=world.p.leader, publication=draft, approve=True)
    aborted_proof = draw_publication("draw_proof", first)
    assert aborted_proof is not None
    assert aborted_proof.state == PublicationState.SCHEDULED
    assert aborted_proof.delayed_until == until
    assert aborted_proof not in published(today=task.window_start)
    assert aborted_proof in published(today=until)
