"""Issue 13 part 1: the audit log does not leak Art. 18 lists to readers who may not see them.

Before the window the administrator may not see who was drawn (``draws:results`` is 403), so
neither the audit-log page nor Django admin may name a drawn target or a team member to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit import confidential
from spotcheck.audit.models import AuditEvent
from spotcheck.draws import services as draws
from spotcheck.draws import services_confidential as art18
from spotcheck.draws.models import Draw, TeamMember
from tests.draws.test_confidentiality import _drawn
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db
URL = "audit:event_list"


def _secrets(draw: Draw) -> list[str]:
    """Names and codes of everyone on the drawn list and its teams."""
    out = []
    for entry in draw.drawn_lines.all().select_related("target"):
        out += [entry.target.name, entry.target.credit_code]
    for m in TeamMember.objects.filter(draw=draw).select_related("inspector"):
        out += [m.inspector.name, m.inspector.cert_no]
    return out


def _touch_everything(client: Client, world: World, draw: Draw) -> None:
    """Every kind of confidential event, through the real pages and services."""
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    client.force_login(world.p.section)
    assert client.get(reverse("draws:results", args=[draw.pk])).status_code == 200
    assert client.get(reverse("draws:export", args=[draw.pk])).status_code == 200
    assert client.get(reverse("inspections:record", args=[draw.pk, target.pk])).status_code == 200
    docs = reverse("inspections:target_documents", args=[draw.pk, target.pk])
    assert client.get(docs).status_code == 200
    assert client.get(docs, {"doc": "notice"}).status_code == 200
    member = TeamMember.objects.filter(draw=draw, target=target, active=True).first()
    assert member is not None
    draws.draw_recuse(
        actor=world.p.section,
        draw=draw,
        inspector=member.inspector,
        target=target,
        reason_code="kinship",
        reason=f"与{target.name}负责人系亲属",
    )
    art18.advance_notice_record(
        actor=world.p.section,
        draw=draw,
        target=target,
        reason=f"双预约：{target.name}需安排财务人员在场",
        notified_on=world.today,
    )
    client.logout()


def _page(client: Client, user: Any, **params: str) -> str:
    client.force_login(user)
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response.content.decode()


def test_new_events_carry_ids_not_names(client: Client, world: World) -> None:
    draw = _drawn(world)
    _touch_everything(client, world, draw)
    kinds = confidential.CONFIDENTIAL_TYPES
    rows = AuditEvent.objects.filter(event_type__in=kinds)
    assert set(rows.values_list("event_type", flat=True)) == kinds
    for ev in rows:
        for secret in _secrets(draw):
            assert secret not in ev.summary, (ev.event_type, ev.summary)


def test_admin_sees_no_drawn_names_before_the_window(client: Client, world: World) -> None:
    draw = _drawn(world)
    _touch_everything(client, world, draw)
    assert client.get(reverse("draws:results", args=[draw.pk])).status_code == 302
    client.force_login(world.p.admin)
    assert client.get(reverse("draws:results", args=[draw.pk])).status_code == 403
    page = _page(client, world.p.admin)
    assert "保密名单相关事件" in page
    for secret in _secrets(draw):
        assert secret not in page, secret
    # Searching the summaries must not confirm a name either.
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    found = _page(client, world.p.admin, object=target.name[:6])
    assert "draws.confidential_access" not in found.split("<tbody", 1)[-1]


def test_admin_sees_names_once_the_window_opened(client: Client, world: World) -> None:
    draw = _drawn(world)
    _touch_everything(client, world, draw)
    # Art. 18 ends when the inspection window opens: move the clock to that morning.
    opens = timezone.make_aware(dt.datetime.combine(draw.task.window_start, dt.time(9)))
    with time_machine.travel(opens):
        page = _page(client, world.p.admin)
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    assert target.name in page and target.credit_code in page
    assert "保密名单相关事件" not in page


def test_auditor_sees_names_before_the_window(client: Client, world: World) -> None:
    draw = _drawn(world)
    _touch_everything(client, world, draw)
    page = _page(client, world.p.auditor)
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    assert target.name in page and target.credit_code in page
    recused = TeamMember.objects.filter(draw=draw, active=False).select_related("inspector").get()
    assert recused.inspector.name in page


@pytest.mark.parametrize(("who", "sees"), [("section", True), ("leader", True), ("admin", False)])
def test_names_follow_who_may_see_the_list(client: Client, world: World, who: str, sees: bool):  # type: ignore[no-untyped-def]
    """The resolver follows can_view_draw_result: a clerk of the task sees the names."""
    draw = _drawn(world)
    _touch_everything(client, world, draw)
    rows = confidential.present(
        AuditEvent.objects.filter(event_type="draws.recusal"), getattr(world.p, who)
    )
    (ev,) = rows
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    assert (target.name in ev.names) is sees
    assert ev.withheld is not sees
    if not sees:
        assert "reason" not in ev.shown_payload and "target" not in ev.shown_payload
        assert ev.shown_payload["draw"] == draw.pk


def test_old_rows_with_names_are_withheld_too(client: Client, world: World) -> None:
    """Rows written before ids-only summaries (or by mistake) still name nobody to the admin."""
    draw = _drawn(world)
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    art18.log_confidential_access(actor=world.p.section, draw=draw, what=f"{target.name}的检查组")
    page = _page(client, world.p.admin)
    assert target.name not in page


def test_django_admin_detail_withholds_names(client: Client, world: World) -> None:
    draw = _drawn(world)
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    art18.log_confidential_access(actor=world.p.section, draw=draw, what=f"{target.name}的检查组")
    ev = AuditEvent.objects.get(event_type="draws.confidential_access")
    url = reverse("admin:audit_auditevent_change", args=[ev.pk])
    client.force_login(world.p.admin)
    page = client.get(url)
    assert page.status_code == 200
    assert target.name not in page.content.decode()
    assert "保密名单相关事件" in page.content.decode()
    client.force_login(world.p.section)  # not staff: the admin site is closed to a clerk
    assert client.get(url).status_code == 302
