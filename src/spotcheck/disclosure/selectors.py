"""Reads of publications.

``published`` is the only way public-facing code (portal, open data, feeds, public API) may
read publications: it returns only records that are public today, and their stored payloads
were redacted when drafted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Exists, Func, OuterRef, Q, QuerySet, TextField
from django.utils import timezone

from spotcheck.accounts.models import Department, Role, User
from spotcheck.directory.creditcode import normalise_code
from spotcheck.disclosure import portal_scope
from spotcheck.disclosure.models import (
    Publication,
    PublicationItemCode,
    PublicationKind,
    PublicationState,
)
from spotcheck.disclosure.search import normalise_text, query_grams

S = PublicationState


def published(
    *,
    kind: str | None = None,
    department_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Publication]:
    """Records the public may see today: published, or scheduled and past their delay.
    Searching them is ``search_published``, on the indexed search columns."""
    day = today or timezone.localdate()
    rows = Publication.objects.filter(
        Q(state=S.PUBLISHED, delayed_until__isnull=True)
        | Q(state__in=[S.PUBLISHED, S.SCHEDULED], delayed_until__lte=day)
    )
    if kind:
        rows = rows.filter(kind=kind)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    scope = portal_scope.current()
    if scope is not None:
        rows = rows.filter(department__bureau_id__in=scope.bureau_ids)
    return rows.select_related("department__bureau").order_by("-published_at", "-pk")


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


# --- Public search (portal, open data, public API) -------------------------------------------

Q_MAX = 100
ITEM_CODE_MAX = 40
_ID_MAX = 2**63 - 1
# Dates outside this range cannot be turned into aware datetimes on every backend.
_DATE_MIN = dt.date(1900, 1, 1)
_DATE_MAX = dt.date(9998, 12, 31)
_CREDIT_CODE_LEN = 18


@dataclass(frozen=True)
class PublicFilters:
    """What a member of the public may filter published records by. ``q`` matches the masked
    subject name/title as a substring or the credit code exactly; dates are Asia/Shanghai
    local publication dates, both ends inclusive."""

    q: str = ""
    kind: str = ""
    department_id: int | None = None
    item_code: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_params(self) -> dict[str, str]:
        """Back to query parameters (for pagination links and feeds)."""
        params = {
            "q": self.q,
            "kind": self.kind,
            "department": "" if self.department_id is None else str(self.department_id),
            "item": self.item_code,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in params.items() if v}


def _clean(value: Any) -> str:
    # Control characters (NUL in particular) are rejected by PostgreSQL: never let them reach
    # a query, and they never belong in a name or code anyway.
    text = value if isinstance(value, str) else ""
    return "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in text).strip()


def _parse_date(raw: str, errors: dict[str, str], key: str, label: str) -> dt.date | None:
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors[key] = f"{label}格式不正确，应为“年-月-日”，例如 2026-01-31"
        return None
    if not _DATE_MIN <= day <= _DATE_MAX:
        errors[key] = f"{label}超出可查询的范围"
        return None
    return day


def parse_public_filters(params: Mapping[str, Any]) -> tuple[PublicFilters, dict[str, str]]:
    """Filters from query parameters ``q``, ``kind``, ``department``, ``item``,
    ``date_from``, ``date_to``; malformed values are left out of the filters and reported as
    field → Chinese message. Never raises, whatever the input."""
    errors: dict[str, str] = {}
    q = _clean(params.get("q"))
    if len(q) > Q_MAX:
        errors["q"] = f"检索词不能超过 {Q_MAX} 个字符"
        q = ""
    kind = _clean(params.get("kind"))
    if kind and kind not in PublicationKind.values:
        errors["kind"] = "没有这种公示类型，请从列表中选择"
        kind = ""
    department_id: int | None = None
    raw_department = _clean(params.get("department"))
    if raw_department:
        if (
            raw_department.isascii()
            and raw_department.isdigit()
            and 0 < int(raw_department) <= _ID_MAX
        ):
            department_id = int(raw_department)
        else:
            errors["department"] = "部门参数无效，请从列表中选择"
    item_code = _clean(params.get("item"))
    if len(item_code) > ITEM_CODE_MAX:
        errors["item"] = f"事项编码不能超过 {ITEM_CODE_MAX} 个字符"
        item_code = ""
    date_from = _parse_date(_clean(params.get("date_from")), errors, "date_from", "起始日期")
    date_to = _parse_date(_clean(params.get("date_to")), errors, "date_to", "截止日期")
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = "截止日期不能早于起始日期"
        date_to = None
    filters = PublicFilters(
        q=q,
        kind=kind,
        department_id=department_id,
        item_code=item_code,
        date_from=date_from,
        date_to=date_to,
    )
    return filters, errors


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class _SearchGrams(Func):
    function = "spotcheck_search_grams"
    output_field = ArrayField(TextField())


def search_published(
    filters: PublicFilters,
    *,
    today: dt.date | None = None,
    kinds: Sequence[str] = (),
) -> QuerySet[Publication]:
    """Published records matching ``filters``, newest first. Built on ``published()`` and on
    the indexed search columns (see ``disclosure.search``), never on the payload JSON.
    ``kinds`` narrows to several kinds at once (a portal section such as draw records)."""
    rows = published(kind=filters.kind or None, department_id=filters.department_id, today=today)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    if filters.q:
        text = normalise_text(filters.q)
        match = Q(search_text__contains=text)
        if connection.vendor == "postgresql":
            # Served by the grams index (migration 0005); LIKE keeps the match exact.
            rows = rows.alias(search_grams=_SearchGrams("search_text"))
            match = Q(search_grams__contains=query_grams(text)) & match
        code = normalise_code(filters.q)
        if len(code) == _CREDIT_CODE_LEN and code.isalnum():
            match |= Q(search_credit_code=code)
        rows = rows.filter(match)
    if filters.item_code:
        rows = rows.filter(
            Exists(
                PublicationItemCode.objects.filter(
                    publication=OuterRef("pk"), code=filters.item_code
                )
            )
        )
    if filters.date_from:
        rows = rows.filter(published_at__gte=local_midnight(filters.date_from))
    if filters.date_to:
        rows = rows.filter(published_at__lt=local_midnight(filters.date_to + dt.timedelta(days=1)))
    return rows


_LOOK_UP = object()


def _public_until(publication: Publication, successor: Any = _LOOK_UP) -> dt.date | None:
    """The local date a record stopped being current (withdrawn or replaced), if it did.
    ``successor`` is the correcting version when the caller already has the chain."""
    if publication.state == S.WITHDRAWN and publication.withdrawn_at is not None:
        return timezone.localdate(publication.withdrawn_at)
    if publication.state == S.CORRECTED:
        if successor is _LOOK_UP:
            successor = Publication.objects.filter(supersedes=publication).first()
        if successor is not None and successor.published_at is not None:
            return timezone.localdate(successor.published_at)
    return None


def _was_public(publication: Publication, today: dt.date, successor: Any = _LOOK_UP) -> bool:
    since = publication.public_on
    if since is None:
        return False
    if publication.state in {S.PUBLISHED, S.SCHEDULED}:
        return since <= today
    if publication.state in {S.CORRECTED, S.WITHDRAWN}:
        until = _public_until(publication, successor)
        # Replaced or withdrawn before its delay ran out: the public never saw it.
        return until is not None and since <= until
    return False


def _without_content(publication: Publication) -> Publication:
    """A withdrawn record as the public may see it: the notice, never what was withdrawn."""
    publication.payload = {}
    publication.redactions = []
    publication.withheld_fields = []
    return publication


def public_record(pk: int, *, today: dt.date | None = None) -> Publication | None:
    """A record the public may open: currently published, or a corrected/withdrawn version
    that had been public (so old links keep working and say what happened). A withdrawn
    record comes back with an empty payload."""
    day = today or timezone.localdate()
    if not 0 < pk <= _ID_MAX:
        return None
    current = published(today=day).filter(pk=pk).first()
    if current is not None:
        return current
    old = (
        Publication.objects.filter(pk=pk, state__in=[S.CORRECTED, S.WITHDRAWN])
        .select_related("department")
        .first()
    )
    if old is None or not _was_public(old, day):
        return None
    return _without_content(old) if old.state == S.WITHDRAWN else old


@dataclass(frozen=True)
class PublicVersion:
    """One version in a record's public timeline."""

    pk: int
    version: int
    title: str
    state: str
    public_since: dt.date
    # Why this version was published as a correction of the previous one ("" for the first).
    correction_note: str = ""
    # When a later version replaced it.
    corrected_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    withdrawal_reason: str = ""

    @property
    def state_label(self) -> str:
        return str(S(self.state).label)


def public_versions(
    publication: Publication, *, today: dt.date | None = None
) -> list[PublicVersion]:
    """The version chain as the public may see it, oldest first: what was published when,
    corrected when (with the note of the correcting version), withdrawn when with the reason.
    Versions never shown to the public (drafts, reviews, unexpired delays) are left out."""
    day = today or timezone.localdate()
    out: list[PublicVersion] = []
    chain = history(publication)
    for version, successor in zip(chain, [*chain[1:], None], strict=True):
        if not _was_public(version, day, successor):
            continue
        since = version.public_on
        assert since is not None
        until = _public_until(version, successor)
        out.append(
            PublicVersion(
                pk=version.pk,
                version=version.version,
                title=version.title,
                state=version.state,
                public_since=since,
                correction_note=version.correction_note,
                corrected_on=until if version.state == S.CORRECTED else None,
                withdrawn_on=until if version.state == S.WITHDRAWN else None,
                withdrawal_reason=(
                    version.withdrawal_reason if version.state == S.WITHDRAWN else ""
                ),
            )
        )
    return out


def latest_per_department(kind: str, *, today: dt.date | None = None) -> list[Publication]:
    """The newest published record of ``kind`` for each department (item lists and inspector
    lists replace their predecessors in the public's eyes)."""
    seen: set[int] = set()
    out: list[Publication] = []
    for row in published(kind=kind, today=today):
        if row.department_id not in seen:
            seen.add(row.department_id)
            out.append(row)
    return out


def public_departments(*, today: dt.date | None = None) -> QuerySet[Department]:
    """Departments with at least one public record, for the public's department filter."""
    return (
        Department.objects.filter(Exists(published(today=today).filter(department=OuterRef("pk"))))
        .select_related("bureau")
        .order_by("bureau__path", "name")
    )


@dataclass(frozen=True)
class PublicItem:
    code: str
    name: str
    department: str


def public_items(*, today: dt.date | None = None) -> list[PublicItem]:
    """Check items as published in each department's latest item list (the public's item
    filter names only items the public has been told about)."""
    out: dict[str, PublicItem] = {}
    for pub in latest_per_department(PublicationKind.ITEM_LIST, today=today):
        items = pub.payload.get("items") if isinstance(pub.payload, dict) else None
        for row in items if isinstance(items, list) else []:
            if isinstance(row, dict) and row.get("code"):
                code = str(row["code"])
                out.setdefault(
                    code, PublicItem(code, str(row.get("name") or code), pub.department.name)
                )
    return sorted(out.values(), key=lambda i: i.code)
