"""Reads of publications.

``published`` is the only way public-facing code (portal, open data, feeds, public API) may
read publications: it returns only records that are public today, and their stored payloads
were redacted when drafted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from spotcheck.accounts.models import Role, User
from spotcheck.disclosure.models import Publication, PublicationState

S = PublicationState


def published(
    *,
    kind: str | None = None,
    q: str | None = None,
    department_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Publication]:
    """Records the public may see today: published, or scheduled and past their delay."""
    day = today or timezone.localdate()
    rows = Publication.objects.filter(
        Q(state=S.PUBLISHED, delayed_until__isnull=True)
        | Q(state__in=[S.PUBLISHED, S.SCHEDULED], delayed_until__lte=day)
    )
    if kind:
        rows = rows.filter(kind=kind)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    if q and q.strip():
        term = q.strip()[:100]
        # Titles and the target's name/credit code inside the redacted payload only.
        rows = rows.filter(
            Q(title__icontains=term)
            | Q(payload__target__credit_code=term.upper())
            | Q(payload__target__name__icontains=term)
        )
    return rows.select_related("department").order_by("-published_at", "-pk")


def history(publication: Publication) -> list[Publication]:
    """Every version of a record, oldest first (what was published when)."""
    first = publication
    while first.supersedes_id is not None:
        first = Publication.objects.get(pk=first.supersedes_id)
    chain = [first]
    while (nxt := Publication.objects.filter(supersedes=chain[-1]).first()) is not None:
        chain.append(nxt)
    return chain


@dataclass(frozen=True)
class DueRow:
    publication: Publication
    due_on: dt.date
    overdue: bool
    days_left: int
    # The deadline was counted through a year whose holiday schedule is unknown.
    uncertain: bool


def upcoming_and_overdue(*, user: User, today: dt.date | None = None) -> list[DueRow]:
    """Unpublished records with an Art. 16 deadline, for the sections and leaders who owe them."""
    day = today or timezone.localdate()
    if not user.is_active or user.role not in {Role.SECTION, Role.LEADER}:
        return []
    rows = (
        Publication.objects.filter(
            department_id__in=user.department_ids(),
            due_on__isnull=False,
            state__in=[S.DRAFT, S.SUBMITTED, S.RETURNED],
        )
        .select_related("department")
        .order_by("due_on", "pk")
    )
    out: list[DueRow] = []
    for p in rows:
        assert p.due_on is not None
        out.append(
            DueRow(
                publication=p,
                due_on=p.due_on,
                overdue=p.due_on < day,
                days_left=(p.due_on - day).days,
                uncertain=p.due_uncertain,
            )
        )
    return out
