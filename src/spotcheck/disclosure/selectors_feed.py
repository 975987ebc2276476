"""The public change feed: what was published, corrected or withdrawn, newest first.

Built on the public selectors only: current records from ``search_published`` (a correction
is itself a published record that supersedes an older one) and withdrawals through
``public_record``, which decides whether a withdrawn record had ever been public and strips
its content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.disclosure.selectors import (
    PublicFilters,
    local_midnight,
    public_record,
    search_published,
)

FEED_MAX = 200


@dataclass(frozen=True)
class FeedEntry:
    publication: Publication
    # "published", "correction" (publishes a new version of ``supersedes``) or "withdrawn".
    event: str
    # When it happened: the publication or the withdrawal time.
    at: dt.datetime


def feed_entries(
    filters: PublicFilters, *, limit: int = 50, today: dt.date | None = None
) -> list[FeedEntry]:
    """The latest ``limit`` public events matching ``filters``. A withdrawal matches on kind,
    department and the date it happened; its content is gone, so text and item filters
    (which describe content) leave withdrawals out."""
    limit = max(1, min(limit, FEED_MAX))
    current = search_published(filters, today=today)
    # A record held back under Art. 17 goes public on its delay date, perhaps weeks after it was
    # approved: it is news on that date, so it is fetched and dated by it too.
    delayed = current.filter(delayed_until__isnull=False).order_by("-delayed_until", "-pk")
    seen: set[int] = set()
    out: list[FeedEntry] = []
    for p in [*current[:limit], *delayed[:limit]]:
        if p.published_at is None or p.pk in seen:
            continue
        seen.add(p.pk)
        at = p.published_at
        if p.delayed_until is not None:
            at = max(at, local_midnight(p.delayed_until))
        out.append(FeedEntry(p, "correction" if p.supersedes_id else "published", at))
    if not (filters.q or filters.item_code):
        rows = Publication.objects.filter(
            state=PublicationState.WITHDRAWN,
            published_at__isnull=False,
            withdrawn_at__isnull=False,
        )
        if filters.kind:
            rows = rows.filter(kind=filters.kind)
        if filters.department_id is not None:
            rows = rows.filter(department_id=filters.department_id)
        if filters.date_from:
            rows = rows.filter(withdrawn_at__gte=local_midnight(filters.date_from))
        if filters.date_to:
            end = local_midnight(filters.date_to + dt.timedelta(days=1))
            rows = rows.filter(withdrawn_at__lt=end)
        for pk in rows.order_by("-withdrawn_at", "-pk").values_list("pk", flat=True)[:limit]:
            # The public gate: only a record that had been public, and without its content.
            record = public_record(pk, today=today)
            if record is not None and record.withdrawn_at is not None:
                out.append(FeedEntry(record, "withdrawn", record.withdrawn_at))
    out.sort(key=lambda e: (e.at, e.publication.pk), reverse=True)
    return out[:limit]
