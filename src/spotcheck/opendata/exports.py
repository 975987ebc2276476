"""Rows of the open datasets, streamed: a 100k-record download never sits in memory.

The rows come from ``disclosure.selectors.search_published`` (the public gate) and hold only
public metadata and the payload that was redacted when the record was drafted.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.disclosure.models import Publication, PublicationKind

# Rows fetched per database round trip; small enough to bound memory, large enough to be fast.
CHUNK = 2000
# The columns the datasets show: the rest (search columns, review data, JSON fields never
# published here) is not fetched, which also keeps 100k-row downloads fast.
_FIELDS = (
    "pk",
    "kind",
    "title",
    "department__name",
    "department__bureau__code",
    "department__bureau__name",
    "version",
    "published_at",
    "supersedes_id",
    "correction_note",
    "payload",
    "voided_at",
    "void_reason",
)

CSV_COLUMNS = [
    "id",
    "url",
    "kind",
    "kind_display",
    "title",
    "department",
    "subject_name",
    "subject_credit_code",
    "version",
    "published_at",
    "status",
    "supersedes",
    # Last, so existing readers by position keep working: several bureaus' departments may
    # share a name (every district has its 市场建设科).
    "bureau",
]
# Excel runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def public_subject(p: Publication) -> dict[str, str]:
    """The inspected business of a result or penalty as its redacted payload names it (a
    withdrawn record comes from the selector with an empty payload, so nothing)."""
    target = p.payload.get("target") if isinstance(p.payload, dict) else None
    if not isinstance(target, dict):
        return {"name": "", "credit_code": ""}
    return {
        "name": str(target.get("name") or ""),
        "credit_code": str(target.get("credit_code") or ""),
    }


def status(p: Publication) -> str:
    """Every listed row is public today; a correction says which record it replaced; a draw
    commitment whose draw was aborted stays listed, as voided."""
    if p.voided_at is not None:
        return "voided"
    return "correction" if p.supersedes_id else "published"


def _local_iso(value: Any) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # Leading apostrophe: shown as text, never evaluated.
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be yielded."""

    def write(self, value: str) -> str:
        return value


def _rows(rows: QuerySet[Publication]) -> Iterator[Publication]:
    return rows.only(*_FIELDS).iterator(chunk_size=CHUNK)


def _kind_labels() -> dict[str, str]:
    # get_kind_display() rebuilds and translates the whole choice list on every call: at 100k
    # rows that was a third of the download time.
    return {value: str(label) for value, label in PublicationKind.choices}


def csv_lines(rows: QuerySet[Publication], url: Callable[[int], str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    labels = _kind_labels()
    # The BOM makes Excel read the file as UTF-8 (otherwise Chinese text is garbled).
    yield BOM + writer.writerow(CSV_COLUMNS)
    for p in _rows(rows):
        subject = public_subject(p)
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    p.pk,
                    url(p.pk),
                    p.kind,
                    labels.get(p.kind, p.kind),
                    p.title,
                    p.department.name,
                    subject["name"],
                    subject["credit_code"],
                    p.version,
                    _local_iso(p.published_at),
                    status(p),
                    p.supersedes_id or "",
                    p.department.bureau.name,
                )
            ]
        )


def json_record(
    p: Publication, url: Callable[[int], str], labels: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "id": p.pk,
        "url": url(p.pk),
        "kind": p.kind,
        "kind_display": (labels or _kind_labels()).get(p.kind, p.kind),
        "title": p.title,
        "department": {
            "id": p.department_id,
            "name": p.department.name,
            "bureau": {"code": p.department.bureau.code, "name": p.department.bureau.name},
        },
        "subject": public_subject(p),
        "version": p.version,
        "supersedes": p.supersedes_id,
        "supersedes_url": url(p.supersedes_id) if p.supersedes_id else None,
        "correction_note": p.correction_note,
        "status": status(p),
        "published_at": _local_iso(p.published_at),
        "voided_at": _local_iso(p.voided_at) or None,
        "void_reason": p.void_reason,
        "payload": p.payload,
    }


def json_chunks(
    rows: QuerySet[Publication], url: Callable[[int], str], meta: dict[str, Any]
) -> Iterable[str]:
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    head = encoder.encode(meta)
    # The document is {...meta, "records": [...]}, written record by record.
    yield head[:-1] + (', "records": [' if len(head) > 2 else '"records": [')
    first = True
    labels = _kind_labels()
    for p in _rows(rows):
        yield ("" if first else ",\n") + encoder.encode(json_record(p, url, labels))
        first = False
    yield "]}\n"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
