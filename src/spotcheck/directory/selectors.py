"""Reads of the directory, filtered by who is asking (shared by pages, exports and the API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Func,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Upper
from django.utils.translation import gettext

from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.directory import options_cache
from spotcheck.directory.creditcode import whole_code
from spotcheck.directory.models import (
    Affiliation,
    CheckItem,
    ConflictDeclaration,
    CreditClass,
    Inspector,
    InspectorStatus,
    ProjectProgress,
    Scale,
    Supervision,
    Target,
    TargetKind,
    TargetStatus,
)

# Art. 8 filters on the target directory: query-string name → (lookup, allowed values or None).
TARGET_FLAG_FILTERS = {
    "key_industry": "key_industry",
    "blacklisted": "blacklisted",
    "abnormal_list": "abnormal_list",
    "serious_violation": "serious_violation",
}


@dataclass(frozen=True)
class TargetFilter:
    q: str = ""
    industry: str = ""
    region: str = ""
    affiliation: str = ""
    scale: str = ""
    project_progress: str = ""
    credit_class: str = ""
    kind: str = ""
    status: str = ""
    department: int | None = None
    flags: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> tuple[TargetFilter, list[str]]:
        """Parse query parameters; unknown values are reported, not silently ignored."""
        errors: list[str] = []

        def choice(name: str, allowed: set[str], label: str) -> str:
            value = str(params.get(name, "") or "").strip()
            if value and value not in allowed:
                errors.append(f"{label}的取值“{value}”无效")
                return ""
            return value

        dept_raw = str(params.get("department", "") or "").strip()
        department: int | None = None
        if dept_raw:
            if dept_raw.isdigit():
                department = int(dept_raw)
            else:
                errors.append(f"监管部门的取值“{dept_raw}”无效")
        getlist = getattr(params, "getlist", None)
        raw_flags = getlist("flag") if getlist else params.get("flag", [])
        if isinstance(raw_flags, str):
            raw_flags = [raw_flags]
        flags = []
        for flag in raw_flags or []:
            if flag in TARGET_FLAG_FILTERS:
                flags.append(flag)
            elif flag:
                errors.append(f"标记“{flag}”无效")
        return (
            cls(
                q=str(params.get("q", "") or "").strip()[:100],
                industry=str(params.get("industry", "") or "").strip()[:10],
                region=str(params.get("region", "") or "").strip()[:50],
                affiliation=choice("affiliation", set(Affiliation.values), "隶属关系"),
                scale=choice("scale", set(Scale.values), "生产经营规模"),
                project_progress=choice(
                    "project_progress", set(ProjectProgress.values) - {""}, "项目进展"
                ),
                credit_class=choice("credit_class", set(CreditClass.values), "信用风险分类"),
                kind=choice("kind", set(TargetKind.values), "对象类型"),
                status=choice("status", set(TargetStatus.values), "登记状态"),
                department=department,
                flags=tuple(sorted(set(flags))),
            ),
            errors,
        )

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None, ())}


_GRAMS: ArrayField[Any, Any] = ArrayField(TextField())


def _grams(column: str) -> Func:
    return Func(Upper(F(column)), function="spotcheck_search_grams", output_field=_GRAMS)


def _search(qs: QuerySet[Target], q: str) -> QuerySet[Target]:
    """Targets whose name or credit code contains ``q``, whatever its case.

    On PostgreSQL the grams index (directory migration 0002) narrows the rows first: the
    alias below must stay the index's expression, or the planner scans the table. A name
    matches only if its upper-cased grams hold the pieces of the upper-cased ``q``, pieces
    the database computes after its own ``upper()`` like ``icontains`` does. The code is
    compared with ``q.upper()``, whose pieces may differ from ``q``'s (Python turns ``ß``
    into ``SS``), hence both sets. ``icontains`` keeps the result exact, as on SQLite, which
    has no such index.

    A whole credit code (18 characters, and a code has at most 18) can only equal a code, so
    it is looked up in the unique index: through the grams its pieces are the most common
    ones of the whole directory (seconds at 10^7 rows). Names are not searched for it.
    """
    code = whole_code(q)
    if code is not None:
        return qs.filter(credit_code=code)
    match = Q(name__icontains=q) | Q(credit_code__icontains=q.upper())
    if connection.vendor != "postgresql":
        return qs.filter(match)
    qs = qs.alias(
        search_grams=Func(
            _grams("name"), _grams("credit_code"), function="array_cat", output_field=_GRAMS
        )
    )
    narrow = Q()
    for term in dict.fromkeys((q, q.upper())):
        pieces = Func(
            Upper(Value(term, output_field=TextField())),
            function="spotcheck_query_grams",
            output_field=_GRAMS,
        )
        narrow |= Q(search_grams__contains=pieces)
    return qs.filter(narrow & match)


def target_list(
    *,
    user: Any,
    filters: TargetFilter | None = None,
    check_access: bool = True,
    department_id: int | None = None,
) -> QuerySet[Target]:
    """The directory rows ``user`` may see that match ``filters``, by credit code.

    With ``department_id`` (the register page and its export, see ``register_department``)
    the 重点行业 flag filters on that department's effective flag
    (``effective_key_industry``); without it, on the entity's."""
    # check_access=False is for services that filter on behalf of a task, not a person.
    if check_access and not access.can_view_targets(user):
        raise NotAllowed(gettext("无权查看检查对象名录库"))
    qs = Target.objects.all()
    if check_access:
        qs = in_scope_targets(user, qs)
    f = filters or TargetFilter()
    if f.q:
        qs = _search(qs, f.q)
    if f.industry:
        # A GB/T 4754 prefix selects the whole branch: "F" or "F52" or "F5231".
        qs = qs.filter(industry_code__startswith=f.industry.upper())
    if f.region:
        qs = qs.filter(region=f.region)
    for name in ("affiliation", "scale", "project_progress", "credit_class", "kind", "status"):
        value = getattr(f, name)
        if value:
            qs = qs.filter(**{name: value})
    if f.department:
        qs = qs.filter(departments__id=f.department)
    for flag in f.flags:
        if (
            flag == "key_industry"
            and department_id is not None
            and _has_own_key_industry(department_id)
        ):
            qs = qs.filter(effective_key_industry(department_id))
        else:
            qs = qs.filter(**{TARGET_FLAG_FILTERS[flag]: True})
    return qs.order_by("credit_code")


def effective_key_industry(department_id: int) -> Q:
    """Targets that are in a key industry as ``department_id`` sees them: its own "yes", or
    the entity's "yes" where it did not say "no".

    Not ``as_department_sees``' COALESCE: on the register that join costs every page and
    capped count over 10^6 targets a pass over the department's links. These two subqueries
    do not depend on the row; they read the few links that carry an own flag (partial index
    ``supervision_own_key_industry``) once, and the database probes them as hashes while it
    walks the target indexes as for any other filter."""
    own = Supervision.objects.filter(department_id=department_id, key_industry__isnull=False)
    says_yes = own.filter(key_industry=True).values("target_id")
    says_no = own.filter(key_industry=False).values("target_id")
    return Q(pk__in=says_yes) | (Q(key_industry=True) & ~Q(pk__in=says_no))


def _has_own_key_industry(department_id: int) -> bool:
    """Whether ``department_id`` set its own 重点行业 flag on any target (one probe of the
    partial index): most departments never do, and for them the entity's flag is their
    flag, which the target's partial flag indexes serve best."""
    return Supervision.objects.filter(
        department_id=department_id, key_industry__isnull=False
    ).exists()


def own_key_industry(department_id: int | None, target_ids: list[int]) -> dict[int, bool]:
    """Target id → the flag ``department_id`` set for it itself, for a page of targets (one
    query; a target missing here follows the entity's flag)."""
    if department_id is None or not target_ids:
        return {}
    rows = Supervision.objects.filter(
        department_id=department_id, target_id__in=target_ids, key_industry__isnull=False
    ).values_list("target_id", "key_industry")
    return {target_id: bool(flag) for target_id, flag in rows}


def register_department(user: Any) -> int | None:
    """Whose values the register shows ``user``: a member of a department (a clerk, a leader
    by the primary department) sees its department's own grade and key-industry flag where it
    set them; a user of no department (an administrator, a bureau's auditor) the entity's."""
    return getattr(user, "department_id", None)


def in_scope_targets(user: Any, qs: QuerySet[Target]) -> QuerySet[Target]:
    """The register is one for the province; a bureau's staff see the entities that a
    department of their bureaus regulates (a semi-join, so a shared entity appears once)."""
    scope = access.bureau_scope(user)
    if scope is None:
        return qs
    return qs.filter(
        Exists(
            Target.departments.through.objects.filter(
                target_id=OuterRef("pk"), department__bureau_id__in=scope
            )
        )
    )


# The attributes a supervising department may set for itself (directory.Supervision); the
# rest of a target's columns are registry facts, the same for every department.
DEPARTMENT_FIELDS = ("supervision_grade", "key_industry")


def as_department_sees(
    targets: QuerySet[Target], department_id: int | None, *, only_supervised: bool = False
) -> tuple[QuerySet[Target], dict[str, str]]:
    """``targets`` annotated with ``department_id``'s effective grade and key-industry flag
    (its own where it set one, else the entity's), and field → the name to read it by.

    One LEFT JOIN on the (target, department) unique pair with COALESCE, in the same query as
    the other columns: the draw pool and the export read a million targets in one pass,
    never looking a department's values up row by row. ``only_supervised`` keeps only the
    targets the department supervises, and the join becomes an inner one: the link row both
    selects a target and carries the department's values."""
    if department_id is None:
        return targets, {name: name for name in DEPARTMENT_FIELDS}
    names = {name: f"dept_{name}" for name in DEPARTMENT_FIELDS}
    if all(name in targets.query.annotations for name in names.values()):
        # Already annotated (a task scope filtered on them).
        if only_supervised:
            # The filter's lookup names the FilteredRelation annotation; django-stubs cannot
            # see annotations, hence the kwargs.
            targets = targets.filter(**{"dept_link__department_id": department_id})
        return targets, names
    if only_supervised:
        # filter() then annotate(): the annotation reuses the filter's join.
        link = "supervisions"
        qs = targets.filter(supervisions__department_id=department_id)
    else:
        link = "dept_link"
        qs = targets.annotate(
            dept_link=FilteredRelation(
                "supervisions", condition=Q(supervisions__department_id=department_id)
            )
        )
    qs = qs.annotate(
        **{f"dept_{name}": Coalesce(F(f"{link}__{name}"), F(name)) for name in DEPARTMENT_FIELDS}
    )
    return qs, names


def target_regions() -> list[str]:
    return options_cache.cached(
        "regions",
        lambda: list(
            Target.objects.exclude(region="")
            .values_list("region", flat=True)
            .distinct()
            .order_by("region")
        ),
    )


def target_industries() -> list[tuple[str, str]]:
    return options_cache.cached(
        "industries",
        lambda: list(
            Target.objects.exclude(industry_code="")
            .values_list("industry_code", "industry_name")
            .distinct()
            .order_by("industry_code")
        ),
    )


def industry_prefix_choices() -> list[tuple[str, str]]:
    """Every GB/T 4754 prefix that selects something in the directory: the section letter, the
    two-digit division and each full code, labelled with the names of the codes it covers."""
    names: dict[str, list[str]] = {}
    for code, name in target_industries():
        for prefix in {code[:1], code[:3], code}:
            if prefix:
                bucket = names.setdefault(prefix, [])
                if name and name not in bucket:
                    bucket.append(name)
    choices = []
    for prefix in sorted(names):
        covered = names[prefix]
        label = "、".join(covered[:3]) + ("等" if len(covered) > 3 else "")
        choices.append((prefix, f"{prefix} {label}".strip()))
    return choices


def scope_value_errors(filters: TargetFilter) -> list[str]:
    """Values a task's scope names that the target directory does not hold.

    A region or industry typed slightly wrong ("黄河东路" for "黄河东路街道") would otherwise
    save a task with no eligible target at all, so the service refuses it and says why.
    """
    errors = []
    if filters.region and not Target.objects.filter(region=filters.region).exists():
        errors.append(f"所属区域“{filters.region}”不在检查对象名录库中，请从名录已有的区域中选择")
    if (
        filters.industry
        and not Target.objects.filter(industry_code__startswith=filters.industry.upper()).exists()
    ):
        errors.append(
            f"行业代码“{filters.industry}”在检查对象名录库中没有对应的检查对象，请从列表中选择"
        )
    return errors


def item_list(*, user: Any, q: str = "", department: int | None = None) -> QuerySet[CheckItem]:
    if not access.can_view_items(user):
        raise NotAllowed(gettext("无权查看抽查事项清单"))
    qs = access.scope_departments(user, CheckItem.objects.select_related("department"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(content__icontains=q))
    if department:
        qs = qs.filter(department_id=department)
    return qs.order_by("code")


def inspector_list(
    *, user: Any, q: str = "", department: int | None = None, status: str = ""
) -> QuerySet[Inspector]:
    if not access.can_view_inspectors(user):
        raise NotAllowed(gettext("无权查看执法检查人员名录库"))
    qs = access.scope_departments(user, Inspector.objects.select_related("department"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(cert_no__icontains=q))
    if department:
        qs = qs.filter(department_id=department)
    if status in InspectorStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("department__code", "cert_no")


def conflict_list(*, user: Any, include_withdrawn: bool = False) -> QuerySet[ConflictDeclaration]:
    if not access.can_view_conflicts(user):
        raise NotAllowed(gettext("无权查看利害关系申报"))
    qs = ConflictDeclaration.objects.select_related("inspector", "target", "declared_by")
    if str(user.role) == "inspector":
        # Inspectors see only their own declarations.
        qs = qs.filter(inspector__user=user)
    if not include_withdrawn:
        qs = qs.filter(withdrawn_at__isnull=True)
    return qs.order_by("-declared_at")
