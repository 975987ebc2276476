"""Issue 12: the public commitment and proof reveal only what re-computation needs.

No conflict salt key anywhere public, no conflict of a target that was not drawn, no free-text
recusal or conflict note: reason codes only.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import ConflictRelation
from spotcheck.directory.services import conflict_declare
from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
)
from spotcheck.draws import services as draws
from spotcheck.draws.models import Draw, TeamMember
from spotcheck.engine.verify import verify_document
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}
CONFLICT_NOTE = "其弟在该企业任法定代表人（内部备注）"
RECUSAL_NOTE = "该人员三个月前参与过该企业的投诉调查（内部备注）"


def _draw_with_conflicts(world: World) -> tuple[Draw, list[str]]:
    """Six targets conflicted for one inspector (the draw takes five, so at least one of them
    is not drawn), one recusal with a note."""
    conflicted = world.targets[:6]
    for target in conflicted:
        conflict_declare(
            actor=world.p.section,
            inspector=world.inspectors[0],
            target=target,
            relation=ConflictRelation.KIN,
            note=CONFLICT_NOTE,
        )
    draw = draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    member = TeamMember.objects.filter(draw=draw, active=True).select_related(
        "inspector", "target"
    )[0]
    draws.draw_recuse(
        actor=world.p.section,
        draw=draw,
        inspector=member.inspector,
        target=member.target,
        reason_code="prior_involvement",
        reason=RECUSAL_NOTE,
    )
    draw.refresh_from_db()
    return draw, [t.credit_code for t in conflicted]


def _publish_proof(world: World, draw: Draw) -> None:
    opens = timezone.make_aware(dt.datetime.combine(draw.task.window_start, dt.time(9)))
    with time_machine.travel(opens):
        pub = publication_draft(actor=world.p.section, kind="draw_proof", source=draw)
        pub = publication_submit(actor=world.p.section, publication=pub)
        publication_review(actor=world.p.leader, publication=pub, approve=True)


def test_published_documents_and_pages_hold_no_secret_conflict_or_note(
    client: Client, world: World
) -> None:
    draw, conflicted = _draw_with_conflicts(world)
    assert len(draw.conflict_key) == 64 and draw.conflict_key != draw.nonce
    assert draw.commitment["conflicts"]["count"] == 6
    _publish_proof(world, draw)
    commitment = draw_publication("draw_commitment", draw)
    proof = draw_publication("draw_proof", draw)
    assert commitment is not None and proof is not None
    document = proof.payload["document"]
    selected = [s["id"] for s in document["result"]["selected"]]
    undrawn = [c for c in conflicted if c not in selected]
    assert undrawn  # six conflicted, five drawn
    # One conflict entry per drawn target, nothing about any other.
    assert [e["target"] for e in document["conflicts"]] == selected
    assert not {e["target"] for e in document["conflicts"]} & set(undrawn)
    cert = world.inspectors[0].cert_no
    revealed = [e["target"] for e in document["conflicts"] if cert in e["inspectors"]]
    assert sorted(revealed) == sorted(c for c in conflicted if c in selected)
    # Recusal: the code only.
    assert [r["reason"] for r in document["recusals"]] == ["prior_involvement"]
    assert verify_document(document).exit_code == 0
    pages = [
        client.get(reverse("portal:detail", args=[pub.pk])).content.decode()
        for pub in (commitment, proof)
    ]
    pages.append(client.get(reverse("portal:draw_history", args=[draw.task_id])).content.decode())
    assert "曾参与该对象相关案件或检查" in pages[1]  # the portal reads the code as its label
    public = [json.dumps(p.payload, ensure_ascii=False) for p in (commitment, proof)] + pages
    for text in public:
        assert draw.conflict_key not in text
        assert CONFLICT_NOTE not in text and RECUSAL_NOTE not in text
    # Staff keep the note, shown with the label of the code.
    client.force_login(world.p.section)
    staff = client.get(reverse("draws:results", args=[draw.pk])).content.decode()
    assert RECUSAL_NOTE in staff and "曾参与该对象相关案件或检查" in staff
    assert draw.conflict_key not in staff


def test_draw_recuse_needs_a_registered_reason_code(world: World) -> None:
    draw = draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    member = TeamMember.objects.filter(draw=draw, active=True)[0]
    for code, note in (("近亲属", "x"), ("family", "x"), ("", "x"), ("kinship", " ")):
        with pytest.raises(ServiceError, match="回避"):
            draws.draw_recuse(
                actor=world.p.section,
                draw=draw,
                inspector=member.inspector,
                target=member.target,
                reason_code=code,
                reason=note,
            )
    assert not TeamMember.objects.filter(draw=draw, active=False).exists()
