"""A task's draw history as the public sees it: every published commitment, in draw order,
with its 作废 mark and its proof once published. Built from public records only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from spotcheck.disclosure import portal_scope
from spotcheck.disclosure.models import Publication, PublicationKind
from spotcheck.disclosure.selectors import published

K = PublicationKind
DRAW_KINDS = (K.DRAW_COMMITMENT, K.DRAW_PROOF)


@dataclass
class PublicDraw:
    draw_id: int
    commitment: Publication | None = None
    proof: Publication | None = None

    @property
    def voided(self) -> bool:
        return self.commitment is not None and self.commitment.voided_at is not None

    @property
    def previous_digest(self) -> str:
        doc = (self.commitment.payload or {}).get("document") if self.commitment else None
        previous = doc.get("previous") if isinstance(doc, dict) else None
        return str(previous.get("commitment_digest", "")) if isinstance(previous, dict) else ""

    @property
    def digest(self) -> str:
        source = self.commitment or self.proof
        return str((source.payload or {}).get("commitment_digest", "")) if source else ""


@dataclass
class TaskDrawHistory:
    task_id: int
    task_name: str
    department: str
    draws: list[PublicDraw]

    @property
    def voided_count(self) -> int:
        return sum(1 for d in self.draws if d.voided)


def task_draw_history(task_id: int, *, today: dt.date | None = None) -> TaskDrawHistory | None:
    rows = list(
        published(today=today).filter(kind__in=DRAW_KINDS, payload__task_id=task_id).order_by("pk")
    )
    if not rows:
        return None
    by_draw: dict[int, PublicDraw] = {}
    for pub in rows:
        draw_id = (pub.payload or {}).get("draw_id")
        if not isinstance(draw_id, int):
            continue
        entry = by_draw.setdefault(draw_id, PublicDraw(draw_id))
        if pub.kind == K.DRAW_COMMITMENT:
            entry.commitment = pub
        else:
            entry.proof = pub
    first: Any = rows[0]
    return TaskDrawHistory(
        task_id=task_id,
        task_name=str((first.payload or {}).get("task", "")),
        department=first.department.name,
        draws=[by_draw[k] for k in sorted(by_draw)],
    )


def voided_commitments_by_department(year: int) -> QuerySet[Any]:
    """Per department: draw commitments published in ``year`` and how many were voided."""
    rows = Publication.objects.filter(kind=K.DRAW_COMMITMENT, published_at__year=year)
    scope = portal_scope.current()
    if scope is not None:
        rows = rows.filter(department__bureau_id__in=scope.bureau_ids)
    return (
        rows.values("department__name")
        .annotate(total=Count("id"), voided=Count("id", filter=Q(voided_at__isnull=False)))
        .order_by("department__name")
    )
