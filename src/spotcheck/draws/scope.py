"""Which targets a task's pool reads, and how: the scope query (filters, departments, item
kinds), the lead department's view of each target's risk columns, the yearly cap, and the
pool's columns fetched in one pass. ``draws.pool`` weighs and stratifies what this returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from operator import itemgetter
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


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """All rows of a values_list query through the driver's cursor: at a million rows the
    ORM's per-row iterator costs seconds and the SQL is the ORM's own either way."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


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
) -> tuple[list[int], list[str], list[str], list[str], list[Any], dict[Any, Sequence[Any]]]:
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
        rows = _rows(
            scope.order_by()
            .annotate(risk_key=key)
            .values_list("pk", "credit_code", "status", stratum, "risk_key")
        )
    else:
        rows = [
            (*row[:4], row[4:])
            for row in _rows(
                scope.order_by().values_list("pk", "credit_code", "status", stratum, *risk_columns)
            )
        ]
    # Canonical order is by UTF-8 bytes, which for str is code-point order; the database's
    # collation may differ, so sort here (nearly free when it already agrees).
    rows.sort(key=itemgetter(1))
    if not rows:
        return [], [], [], [], [], {}
    ids, codes, statuses, values, keys = (list(column) for column in zip(*rows, strict=True))
    del rows
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
