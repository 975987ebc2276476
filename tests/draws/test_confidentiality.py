"""Art. 18: before the window opens, drawn lists and teams are for those who need them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.draws import selectors
from spotcheck.draws import services as draws
from spotcheck.draws import services_confidential as confidential
from spotcheck.draws.models import AdvanceNotice, TeamMember
from tests.draws.test_workflow import DICE, _commit
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _drawn(world: World, **task_kw: Any) -> Any:
    return draws.draw_execute(
        actor=world.p.section, draw=_commit(world, world.approved_task(**task_kw)), entries=DICE
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("section", True),
        ("leader", True),
        ("auditor", True),
        ("other_section", False),
        ("admin", False),
        ("inspector", False),
        ("legal_reviewer", False),
    ],
)
def test_drawn_list_before_window(world: World, who: str, allowed: bool) -> None:
    draw = _drawn(world)
    user = getattr(world.p, who)
    if allowed:
        assert selectors.drawn_entries(user=user, draw=draw).count() == 5
    else:
        with pytest.raises(NotAllowed):
            list(selectors.drawn_entries(user=user, draw=draw))


def test_inspector_sees_only_own_teams(world: World) -> None:
    draw = _drawn(world)
    member = TeamMember.objects.filter(draw=draw).first()
    assert member is not None
    member.inspector.user = world.p.inspector
    member.inspector.save()
    visible = selectors.teams(user=world.p.inspector, draw=draw)
    mine = set(
        TeamMember.objects.filter(draw=draw, inspector=member.inspector).values_list(
            "target", flat=True
        )
    )
    assert {m.target_id for m in visible} == mine
    assert visible.count() == 2 * len(mine)


def test_other_department_gets_nothing_of_teams(world: World) -> None:
    draw = _drawn(world)
    with pytest.raises(NotAllowed):
        list(selectors.teams(user=world.p.other_section, draw=draw))


def test_window_open_widens_proof_download(world: World, today: dt.date) -> None:
    draw = _drawn(world, window_start=today, window_end=today + dt.timedelta(days=10))
    assert access.can_download_proof(world.p.other_section, draw.task)
    future = _drawn(
        world,
        window_start=today + dt.timedelta(days=5),
        window_end=today + dt.timedelta(days=10),
    )
    assert not access.can_download_proof(world.p.other_section, future.task)
    assert access.can_download_proof(world.p.auditor, future.task)


def test_every_access_is_logged(world: World) -> None:
    draw = _drawn(world)
    confidential.log_confidential_access(actor=world.p.auditor, draw=draw, what="抽取名单")
    event = AuditEvent.objects.filter(event_type="draws.confidential_access").get()
    assert event.actor == world.p.auditor and event.payload["before_window"] is True


def test_advance_notice_needs_reason_and_is_logged(world: World) -> None:
    draw = _drawn(world)
    target = draw.drawn_lines.all().first().target
    with pytest.raises(ServiceError, match="理由"):
        confidential.advance_notice_record(
            actor=world.p.section, draw=draw, target=target, reason="", notified_on=world.today
        )
    confidential.advance_notice_record(
        actor=world.p.section,
        draw=draw,
        target=target,
        reason="双预约：需企业安排财务人员在场",
        notified_on=world.today,
    )
    assert AdvanceNotice.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="draws.advance_notice").exists()
    with pytest.raises(NotAllowed):
        confidential.advance_notice_record(
            actor=world.p.other_section,
            draw=draw,
            target=target,
            reason="x",
            notified_on=world.today,
        )
