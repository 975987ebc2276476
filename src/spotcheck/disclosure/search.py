"""The denormalised search columns of publications.

Public search (``selectors.search_published``) filters on three things stored beside each
publication when it is drafted or corrected, never on the JSON payload:

- ``Publication.search_text``: the title and the subject's (masked) name, NFKC-normalised and
  case-folded so that a plain ``LIKE '%term%'`` matches however the user typed it. Built from
  the stored payload only, so an individual operator's real name is never searchable — only
  what the public can read. On PostgreSQL a GIN index over its 1- and 2-character pieces
  (SQL function ``spotcheck_search_grams``, migration 0005) finds rows containing every
  piece of the term (``query_grams``) before ``LIKE`` checks the exact substring; pg_trgm
  cannot serve two-character Chinese fragments.
- ``Publication.search_credit_code``: the subject's unified social credit code, normalised
  like the directory's codes, for exact lookups.
- ``PublicationItemCode`` rows: the check items the record concerns.

Bulk seeders that create publications without the services fill the same columns with
``search_fields(kind, payload, title=..., item_codes=...)`` and ``item_code_rows``::

    fields = search.search_fields(kind, payload, title=title, item_codes=["SC-001"])
    pub = Publication(..., search_text=fields.text, search_credit_code=fields.credit_code)
    # after bulk_create:
    PublicationItemCode.objects.bulk_create(search.item_code_rows(pub, fields))
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spotcheck.directory.creditcode import normalise_code
from spotcheck.disclosure.models import Publication, PublicationItemCode, PublicationKind

TEXT_MAX = 600
# Kinds about one checked target (payload["target"]); the others are about a department/task.
_SUBJECT_KINDS = {PublicationKind.INSPECTION_RESULT, PublicationKind.PENALTY_DECISION}
CODE_MAX = 18


def normalise_text(value: str) -> str:
    """Full-width → half-width, case-folded, whitespace runs collapsed: what both the stored
    column and the user's term go through, so they compare equal."""
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def query_grams(term: str) -> list[str]:
    """The pieces every row containing the normalised ``term`` has among its grams: its
    2-character pieces, or the character itself for a 1-character term."""
    if len(term) == 1:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})


@dataclass(frozen=True)
class SearchFields:
    text: str
    credit_code: str
    item_codes: tuple[str, ...] = field(default_factory=tuple)


def _subject(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    target = payload.get("target")
    return target if isinstance(target, Mapping) else {}


def _payload_item_codes(payload: Mapping[str, Any]) -> list[str]:
    items = payload.get("items")
    if not isinstance(items, list):
        return []
    return [str(i["code"]) for i in items if isinstance(i, Mapping) and i.get("code")]


def search_fields(
    kind: str,
    payload: Mapping[str, Any],
    *,
    title: str = "",
    item_codes: Iterable[str] = (),
) -> SearchFields:
    """The search columns for a publication of ``kind`` whose stored payload is ``payload``.

    ``payload`` must be the redacted, stored payload (after withheld fields were removed):
    whatever is not in it must not become searchable. ``item_codes`` adds items the payload
    does not name by code (results, penalties and draws name the task's items elsewhere);
    item-list, plan and task payloads carry their codes themselves.
    """
    subject = _subject(payload) if kind in _SUBJECT_KINDS else {}
    name = str(subject.get("name") or "")
    text = normalise_text(" ".join(part for part in (title, name) if part))[:TEXT_MAX]
    code = normalise_code(str(subject.get("credit_code") or ""))[:CODE_MAX]
    codes = [*_payload_item_codes(payload), *(str(c) for c in item_codes if c)]
    return SearchFields(text=text, credit_code=code, item_codes=tuple(dict.fromkeys(codes)))


def source_item_codes(kind: str, source: Any, department_id: int) -> list[str]:
    """Check items of kinds whose payload names items only by name or not at all. Only the
    publishing department's items of an inspection, like the payload itself."""
    if kind == PublicationKind.INSPECTION_RESULT:
        rows = source.item_results.filter(item__department_id=department_id)
        return sorted(rows.values_list("item__code", flat=True))
    if kind == PublicationKind.PENALTY_DECISION:
        rows = source.inspection.item_results.filter(item__department_id=department_id)
        return sorted(rows.values_list("item__code", flat=True))
    if kind in {PublicationKind.DRAW_COMMITMENT, PublicationKind.DRAW_PROOF}:
        return sorted(source.task.items.values_list("code", flat=True))
    return []


def item_code_rows(publication: Publication, fields: SearchFields) -> list[PublicationItemCode]:
    return [PublicationItemCode(publication=publication, code=c) for c in fields.item_codes]
