"""Art. 18 in the audit views: events about a draw's confidential lists name nothing to a
reader who may not see those lists yet.

Events written since issue 13 carry ids only (draw, target and inspector row ids). Readers who
may see the draw's lists (``access.can_view_draw_result``: the auditor, the task's sections and
leaders, the administrator once the window opened) get the names resolved next to the summary;
everyone else gets a summary rebuilt from the ids and a payload without the confidential
fields. The rebuilt summary also covers older rows whose stored summary still names a target,
so nothing depends on what an earlier version wrote. The rows themselves are never changed
(the log is append-only); only what is shown differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from spotcheck.audit.models import AuditEvent
from spotcheck.core import access

# Event kinds that concern who was drawn or who inspects whom.
CONFIDENTIAL_TYPES = frozenset(
    {
        "draws.confidential_access",
        "draws.recusal",
        "draws.advance_notice",
        "inspections.document_generated",
    }
)
# Payload fields that name nothing (ids of the draw and task, flags); everything else of a
# confidential event is withheld from a reader who may not see the lists.
SAFE_FIELDS = ("draw", "task", "before_window", "document")


def draw_id_of(event: AuditEvent) -> int | None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get("draw")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if event.event_type in {"draws.confidential_access", "draws.recusal"}:
        return int(event.object_id) if event.object_id.isdigit() else None
    if event.event_type == "draws.advance_notice" and event.object_id.isdigit():
        from spotcheck.draws.models import AdvanceNotice

        return (
            AdvanceNotice.objects.filter(pk=int(event.object_id))
            .values_list("draw_id", flat=True)
            .first()
        )
    return None


def _allowed_draws(user: Any, draw_ids: set[int]) -> set[int]:
    from spotcheck.draws.models import Draw

    allowed: set[int] = set()
    by_task: dict[int, bool] = {}
    for draw in Draw.objects.filter(pk__in=draw_ids).select_related("task"):
        if draw.task_id not in by_task:
            by_task[draw.task_id] = access.can_view_draw_result(user, draw.task)
        if by_task[draw.task_id]:
            allowed.add(draw.pk)
    return allowed


def _ids(payload: dict[str, Any], *names: str) -> list[int]:
    return [
        v for v in (payload.get(n) for n in names) if isinstance(v, int) and not isinstance(v, bool)
    ]


def _names(events: list[AuditEvent]) -> dict[int, str]:
    """For each event, "检查对象：名称（代码）；执法检查人员：甲、乙" from the ids it carries."""
    from spotcheck.directory.models import Inspector, Target

    target_ids = {i for ev in events for i in _ids(ev.payload, "target")}
    inspector_ids = {i for ev in events for i in _ids(ev.payload, "inspector", "replacement")}
    targets = {
        t.pk: f"{t.name}（{t.credit_code}）" for t in Target.objects.filter(pk__in=target_ids)
    }
    inspectors = {
        i.pk: f"{i.name}（{i.cert_no}）" for i in Inspector.objects.filter(pk__in=inspector_ids)
    }
    out: dict[int, str] = {}
    for ev in events:
        parts = []
        shown_targets = [targets[i] for i in _ids(ev.payload, "target") if i in targets]
        if shown_targets:
            parts.append(_("检查对象：") + "、".join(shown_targets))
        people = [
            inspectors[i] for i in _ids(ev.payload, "inspector", "replacement") if i in inspectors
        ]
        if people:
            parts.append(_("执法检查人员：") + "、".join(people))
        if parts:
            out[ev.pk] = "；".join(parts)
    return out


def present(events: Iterable[AuditEvent], user: Any) -> list[Any]:
    """Set ``shown_summary``, ``shown_payload`` and ``names`` on each event for ``user``."""
    rows = list(events)
    draw_of = {ev.pk: draw_id_of(ev) for ev in rows if ev.event_type in CONFIDENTIAL_TYPES}
    allowed = _allowed_draws(user, {d for d in draw_of.values() if d is not None})
    visible: list[AuditEvent] = []
    for ev in rows:
        ev.shown_summary = ev.summary  # type: ignore[attr-defined]
        ev.shown_payload = ev.payload  # type: ignore[attr-defined]
        ev.names = ""  # type: ignore[attr-defined]
        ev.withheld = False  # type: ignore[attr-defined]
        if ev.event_type not in CONFIDENTIAL_TYPES:
            continue
        draw_id = draw_of.get(ev.pk)
        if draw_id is not None and draw_id in allowed:
            visible.append(ev)
            continue
        payload = ev.payload if isinstance(ev.payload, dict) else {}
        ev.withheld = True  # type: ignore[attr-defined]
        ev.shown_payload = {  # type: ignore[attr-defined]
            **{k: payload[k] for k in SAFE_FIELDS if k in payload},
            "draw": draw_id,
            "withheld": _("检查开始前抽取名单和检查组保密（第十八条），此处不显示"),
        }
        ev.shown_summary = (  # type: ignore[attr-defined]
            _("第%(draw)s号抽取的保密名单相关事件（名称在检查开始后显示）") % {"draw": draw_id}
            if draw_id is not None
            else _("保密名单相关事件（名称不予显示）")
        )
    for pk, text in _names(visible).items():
        next(ev for ev in visible if ev.pk == pk).names = text  # type: ignore[attr-defined]
    return rows


def summary_search(user: Any, term: str) -> Q:
    """Searching summaries must not confirm a name in a confidential event either: only a
    reader who may see every draw's lists searches those."""
    q = Q(summary__icontains=term)
    if not access.can_view_all_draw_results(user):
        q &= ~Q(event_type__in=CONFIDENTIAL_TYPES)
    return q
