"""Which targets a task's pool reads, and how: the scope query (filters, departments, item
kinds), the lead department's view of each target's risk columns, the yearly cap, and the
pool's columns fetched in one pass. ``draws.pool`` weighs and stratifies what this returns.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice
from operator import gt
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import QueryDict

from spotcheck.credit.selectors import department_risk_columns
from spotcheck.directory.models import Target, TargetStatus
from spotcheck.directory.selectors import (
    DEPARTMENT_FIELDS,
    TargetFilter,
    as_department_sees,
    target_list,
)
from spotcheck.draws.models import CapOverride, CheckSlot
from spotcheck.planning.models import SpotCheckTask, StratifyBy

YEARLY_CAP = 2


def stratum_column(by: str) -> str:
    columns: dict[str, str] = {
        StratifyBy.CREDIT_CLASS: "credit_class",
        StratifyBy.INDUSTRY: "industry_code",
        StratifyBy.REGION: "region",
        StratifyBy.KIND: "kind",
    }
    return columns.get(by, "")


def scope_queryset(task: SpotCheckTask, *, links: bool = True) -> QuerySet[Target]:
    """Every target in the task's scope (its filters, departments and item kinds), whatever
    its status: the committed pool lists the inactive ones as excluded with their reason.

    A semi-join on the departments (EXISTS) rather than a join + DISTINCT: a target linked
    to two of the task's departments is one line, and the database need not sort a million
    rows to find out."""
    filters, _unused = TargetFilter.from_params(_filter_params(task.filters))
    # 重点行业 is the lead department's own judgement where it made one, as in the weights.
    own_flags = [f for f in filters.flags if f in DEPARTMENT_FIELDS]
    filters = replace(filters, flags=tuple(f for f in filters.flags if f not in own_flags))
    qs = target_list(user=None, filters=filters, check_access=False)
    if own_flags:
        qs, names = as_department_sees(qs, task.lead_department_id)
        qs = qs.filter(**{names[flag]: True for flag in own_flags})
    # The task's few department ids as literals, not a subquery: with a subquery the
    # planner misjudges the semi-join and probes the target index once per row.
    if links:
        departments = list(task.departments.values_list("pk", flat=True))
        supervised = Target.departments.through.objects.filter(
            target_id=OuterRef("pk"), department_id__in=departments
        )
        qs = qs.filter(Exists(supervised))
    kinds: set[str] = set()
    for kinds_of_item in task.items.values_list("target_kinds", flat=True):
        kinds.update(kinds_of_item or [])
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def weighed_scope(task: SpotCheckTask) -> tuple[QuerySet[Target], tuple[str, ...]]:
    """The scope as the lead department sees it, and the names to read RISK_COLUMNS by: the
    grade and key-industry flag the lead gave each target where it set its own (it is the
    lead's task and the lead's judgement of risk that weighs the draw)."""
    lead = task.lead_department_id
    if list(task.departments.values_list("pk", flat=True)) == [lead]:
        # The lead alone: its link row both puts a target in scope and carries its own
        # values, so one inner join does what the semi-join and the outer join did (a
        # quarter of a second of the commitment at 10^6 targets).
        return department_risk_columns(
            scope_queryset(task, links=False), lead, only_supervised=True
        )
    return department_risk_columns(scope_queryset(task), lead)


# Rows fetched per round trip when the pool is read: enough to amortise the round trip,
# few enough that the driver's rows never outweigh the columns they are folded into.
FETCH_ROWS = 20_000


def _columns(qs: QuerySet[Any], shared: Sequence[int]) -> list[Any]:
    """The rows of a values_list query as columns, read a chunk at a time through a
    server-side cursor (PostgreSQL; a plain cursor elsewhere).

    A million rows fetched at once were a million tuples of five objects each, twice the
    pool's own size at the peak of a commitment. Values of the ``shared`` columns (a few
    distinct statuses, strata, risk keys) are kept once and referenced from every line; the
    first column (the ids) is an array of machine integers, 8 bytes a line instead of 40."""
    sql, params = qs.query.sql_with_params()
    columns: list[Any] = []
    # One memo per column: a memo shared between columns would also merge 1 with True.
    memos: dict[int, dict[Any, Any]] = {k: {} for k in shared}
    with connection.chunked_cursor() as cur:
        cur.execute(sql, params)
        while chunk := cur.fetchmany(FETCH_ROWS):
            parts = list(zip(*chunk, strict=True))
            del chunk
            if not columns:
                columns = [array("q"), *([] for _ in parts[1:])]
            for k, part in enumerate(parts):
                if k in memos:
                    share = memos[k].setdefault
                    columns[k] += [share(v, v) for v in part]
                else:
                    columns[k].extend(part)
    return columns


def eligible_targets(task: SpotCheckTask) -> QuerySet[Target]:
    return scope_queryset(task).filter(status=TargetStatus.ACTIVE)


def _filter_params(stored: dict[str, Any]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in stored.items():
        if key == "flags":
            q.setlist("flag", list(value))
        elif value not in (None, ""):
            q[key] = str(value)
    return q


def capped_target_ids(targets: QuerySet[Target], year: int, task: SpotCheckTask) -> set[int]:
    """Targets of ``targets`` already checked twice in ``year`` without an approved override
    for this task. Grouped in the database over the scope as a subquery, so no list of a
    million ids travels to the database."""
    full = set(
        CheckSlot.objects.filter(target__in=targets.values("pk"), year=year)
        .values("target_id")
        .annotate(n=Count("id"))
        .filter(n__gte=YEARLY_CAP)
        .values_list("target_id", flat=True)
    )
    allowed = set(
        CapOverride.objects.filter(
            task=task, approved_at__isnull=False, target_id__in=full, year=year
        ).values_list("target_id", flat=True)
    )
    return full - allowed


def pool_columns(
    scope: QuerySet[Target], by: str, risk_columns: Sequence[str]
) -> tuple[array[int], list[str], list[str], list[str], list[Any], dict[Any, Sequence[Any]]]:
    """The scope's lines in canonical order as columns (ids, credit codes, statuses, stratum
    values, risk keys) and each distinct risk key's values of ``risk_columns`` (RISK_COLUMNS
    as the lead department sees them).

    On PostgreSQL the nine risk columns travel as one text (the row's record literal), a
    third of the transfer and conversion, and only one target per distinct key is read back
    with typed values; elsewhere the key is the values themselves."""
    stratum = stratum_column(by) or "kind"
    postgres = connection.vendor == "postgresql"
    if postgres:
        key = Cast(
            Func(*(F(name) for name in risk_columns), function="ROW", output_field=TextField()),
            TextField(),
        )
        columns = _columns(
            scope.order_by()
            .annotate(risk_key=key)
            .values_list("pk", "credit_code", "status", stratum, "risk_key"),
            shared=(2, 3, 4),
        )
    else:
        columns = _columns(
            scope.order_by().values_list("pk", "credit_code", "status", stratum, *risk_columns),
            shared=(2, 3),
        )
        if columns:
            columns[4:] = [list(zip(*columns[4:], strict=True))]
    if not columns:
        return array("q"), [], [], [], [], {}
    ids, codes, statuses, values, keys = columns
    del columns
    # Canonical order is by UTF-8 bytes, which for str is code-point order; the database's
    # collation may differ, so sort here (one pass finds out when it already agrees).
    if any(map(gt, codes, islice(codes, 1, None))):
        order = sorted(range(len(codes)), key=codes.__getitem__)
        ids = array("q", [ids[i] for i in order])
        codes, statuses, values, keys = (
            [column[i] for i in order] for column in (codes, statuses, values, keys)
        )
        del order
    if not postgres:
        return ids, codes, statuses, values, keys, {key: key for key in keys}
    sample = {key: pk for pk, key in zip(ids, keys, strict=True)}
    by_pk = {
        row[0]: row[1:]
        for row in scope.order_by()
        .filter(pk__in=list(sample.values()))
        .values_list("pk", *risk_columns)
    }
    return ids, codes, statuses, values, keys, {key: by_pk[pk] for key, pk in sample.items()}
