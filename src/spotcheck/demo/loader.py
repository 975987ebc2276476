"""Write (or wipe) the synthetic demo directory: the service behind ``manage.py load_demo``.

One transaction does everything, with one ``DemoDataLoaded`` audit event inside it. Rows are
bulk-inserted together with their first history entry (attributed to ``demo_admin``) so that
2,000+ targets load in a few seconds and every record still has a "created" line in its 变更记录.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Model, ProtectedError, Q
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from spotcheck.accounts.models import Bureau, Department, Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.errors import ServiceError
from spotcheck.credit.models import RiskModel
from spotcheck.credit.services import risk_model_create
from spotcheck.demo import data
from spotcheck.demo.bureaus import load_second_district, upsert_bureaus
from spotcheck.demo.generate import generate
from spotcheck.demo.workflow import (
    WorkflowResult,
    load_workflow,
    wipe_workflow,
    workflow_present,
)
from spotcheck.directory.importing.fastwrite import history_through
from spotcheck.directory.models import CheckItem, ConflictDeclaration, Inspector, Target
from spotcheck.engine.risk import DEFAULT_RISK_CONFIG

CHANGE_REASON = "加载演示数据"
BATCH = 500


@dataclass(frozen=True)
class LoadResult:
    loaded: bool  # False when demo data was already present and nothing was written
    targets: int
    inspectors: int
    items: int
    conflicts: int
    seconds: float
    # The demo workflow (one task through to publications); None when skipped.
    workflow: WorkflowResult | None = None


def _demo_targets() -> Any:
    return Target.objects.filter(name__startswith=data.NAME_PREFIX)


def _demo_inspectors() -> Any:
    return Inspector.objects.filter(cert_no__startswith=data.CODE_PREFIX)


def _demo_items() -> Any:
    return CheckItem.objects.filter(code__startswith=data.CODE_PREFIX)


def demo_present() -> bool:
    return _demo_targets().exists() or _demo_inspectors().exists() or _demo_items().exists()


def _counts(loaded: bool, started: float, workflow: WorkflowResult | None = None) -> LoadResult:
    return LoadResult(
        loaded=loaded,
        targets=_demo_targets().count(),
        inspectors=_demo_inspectors().count(),
        items=_demo_items().count(),
        conflicts=ConflictDeclaration.objects.filter(
            inspector__cert_no__startswith=data.CODE_PREFIX
        ).count(),
        seconds=time.monotonic() - started,
        workflow=workflow,
    )


# Recycling and used-car trading carry more risk in the bureau's own assessment (demo figures).
DEMO_SECTOR_LEVELS = {"F5191": "high", "F5262": "high", "F5211": "low"}


@transaction.atomic
def load_demo(*, reset: bool = False, workflow: bool = True) -> LoadResult:
    """Load the demo data unless it is already there; ``reset`` wipes it and loads afresh.

    ``workflow`` also runs the demo spot-check task through to publications (``workflow.py``);
    a directory loaded without it gets it on a later run.
    """
    started = time.monotonic()
    if reset:
        wipe_demo()
    elif demo_present():
        done = None
        if workflow and not workflow_present():
            # A directory loaded by an older version: add the accounts the workflow needs.
            done = load_workflow(_upsert_users(_upsert_departments()))
        return _counts(False, started, done)
    depts = _upsert_departments()
    users = _upsert_users(depts)
    admin = users["demo_admin"]
    generated = generate(today=timezone.localdate())
    items = _create_items(depts, admin)
    targets = _create_targets(generated.targets, depts, admin)
    inspectors = _create_inspectors(generated.inspectors, depts, items, users, admin)
    conflicts = _create_conflicts(generated.conflicts, targets, inspectors, users, admin)
    if not RiskModel.objects.exists():
        # Tasks record the risk-model version they drew with; start the demo with version 1.
        risk_model_create(
            actor=admin,
            config={**DEFAULT_RISK_CONFIG, "sector_levels": DEMO_SECTOR_LEVELS},
            note="初始参数（演示）",
        )
    done = load_workflow(users) if workflow else None
    second = load_second_district(
        depts=depts,
        users=users,
        admin=admin,
        today=timezone.localdate(),
        link=_m2m_with_history,
    )
    record(
        events.DemoDataLoaded(
            summary=(
                f"{'重置并' if reset else ''}加载演示数据（虚构）：检查对象 {len(targets)} 个、"
                f"执法人员 {len(inspectors)} 名、抽查事项 {len(items)} 项、"
                f"利害关系申报 {len(conflicts)} 条；兴庆区（演示）检查对象 {second['targets']} 个、"
                f"与金凤区共同监管 {second['shared']} 个"
                f"（其中 {second['own_grades']} 个兴庆区另定监管等级）"
            ),
            targets=len(targets) + second["targets"],
            inspectors=len(inspectors) + second["inspectors"],
        ),
        actor=admin,
    )
    return _counts(True, started, done)


# --- wiping ----------------------------------------------------------------------------------


def _purge_history(model: type[Model], ids: Iterable[int], m2m: str | None = None) -> None:
    """Remove the history rows of deleted demo records (their m2m snapshots first)."""
    ids = list(ids)
    history = model.history.model  # type: ignore[attr-defined]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = history.objects.filter(id__in=chunk)
        if m2m:
            m2m_model = history_through(getattr(model, m2m).through)
            m2m_model.objects.filter(history__in=rows.values("history_id")).delete()
        rows.delete()


@transaction.atomic
def wipe_demo() -> None:
    """Delete demo items, targets, inspectors and their conflicts (users and departments stay:
    audit events point at the demo users, and the audit log is never rewritten). The demo
    workflow goes first: its draws and inspections PROTECT the directory rows."""
    wipe_workflow()
    target_ids = list(_demo_targets().values_list("id", flat=True))
    inspector_ids = list(_demo_inspectors().values_list("id", flat=True))
    item_ids = list(_demo_items().values_list("id", flat=True))
    conflicts = ConflictDeclaration.objects.filter(
        Q(target_id__in=target_ids) | Q(inspector_id__in=inspector_ids)
    )
    conflict_ids = list(conflicts.values_list("id", flat=True))
    # The demo rows' history is purged below anyway; writing a "deleted" history row per record
    # first (simple_history's post_delete) would only make --reset several times slower.
    try:
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            conflicts.delete()
            Inspector.expertise_items.through.objects.filter(
                inspector_id__in=inspector_ids
            ).delete()
            Target.departments.through.objects.filter(target_id__in=target_ids).delete()
            models: tuple[tuple[Any, list[int]], ...] = (
                (Inspector, inspector_ids),
                (Target, target_ids),
                (CheckItem, item_ids),
            )
            for model, ids in models:
                for start in range(0, len(ids), BATCH):
                    model.objects.filter(id__in=ids[start : start + BATCH]).delete()
    except ProtectedError as exc:
        raise ServiceError(
            gettext(
                "演示数据已被其他记录（如抽查任务、抽取记录）引用，不能重置；请换一个空数据库重新加载"
            )
        ) from exc
    _purge_history(ConflictDeclaration, conflict_ids)
    _purge_history(Inspector, inspector_ids, "expertise_items")
    _purge_history(Target, target_ids, "departments")
    _purge_history(CheckItem, item_ids)


# --- departments and users -------------------------------------------------------------------


def _upsert_departments() -> dict[str, Department]:
    bureaus = upsert_bureaus()
    out: dict[str, Department] = {}
    for row in data.DEPARTMENTS:
        bureau = bureaus[row.bureau]
        dept = (
            Department.objects.filter(code=row.code).first()
            or Department.objects.filter(name=row.name, bureau=bureau).first()
            or Department(code=row.code, name=row.name)
        )
        dept.bureau = bureau
        dept.is_external = row.is_external
        dept.active = True
        dept.save()
        out[row.code] = dept
    return out


def _upsert_users(depts: dict[str, Department]) -> dict[str, User]:
    # Hash once (argon2 is deliberately slow) and share the hash across the demo accounts.
    hashed = make_password(data.PASSWORD)
    out: dict[str, User] = {}
    for row in data.DEMO_USERS:
        user = User.objects.filter(username=row.username).first() or User(username=row.username)
        user.role = Role(row.role)
        user.display_name = row.display_name
        user.department = depts[row.department] if row.department else None
        user.bureau = Bureau.objects.get(code=row.bureau) if row.bureau else None
        user.is_active = True
        user.is_staff = user.is_superuser = row.role == Role.ADMIN
        # Fail loudly if the shared password ever stops passing the configured validators.
        validate_password(data.PASSWORD, user=user)
        user.password = hashed
        user.save()
        user.oversees.set([depts[c] for c in row.oversees])
        out[row.username] = user
    return out


# --- directory rows --------------------------------------------------------------------------


def _create_items(depts: dict[str, Department], admin: User) -> dict[str, CheckItem]:
    objs = [
        CheckItem(
            code=row.code,
            name=row.name,
            legal_basis=row.legal_basis,
            department=depts[row.department],
            content=row.content,
            disclosure_channel=data.DISCLOSURE,
            target_kinds=list(row.target_kinds),
            category=row.category,
            active=True,
        )
        for row in data.ITEMS
    ]
    created = bulk_create_with_history(
        objs, CheckItem, default_user=admin, default_change_reason=CHANGE_REASON
    )
    return {item.code: item for item in created}


def _m2m_with_history(
    model: type[Model], field: str, owner_attr: str, other_attr: str, pairs: dict[int, list[int]]
) -> None:
    """Insert the m2m rows and snapshot them into each record's first history entry, as a
    normal save would have (the snapshot copies the through row, its id included)."""
    through = getattr(model, field).through
    links = through.objects.bulk_create(
        [
            through(**{f"{owner_attr}_id": obj_id, f"{other_attr}_id": other})
            for obj_id, others in pairs.items()
            for other in others
        ],
        batch_size=BATCH,
    )
    history_ids = dict(
        model.history.model.objects.filter(id__in=list(pairs)).values_list("id", "history_id")  # type: ignore[attr-defined]
    )
    m2m_model = history_through(through)
    owner, other = f"{owner_attr}_id", f"{other_attr}_id"
    m2m_model.objects.bulk_create(
        [
            m2m_model(
                id=link.pk,
                history_id=history_ids[getattr(link, owner)],
                **{owner: getattr(link, owner), other: getattr(link, other)},
            )
            for link in links
        ],
        batch_size=BATCH,
    )


def _create_targets(specs: list[Any], depts: dict[str, Department], admin: User) -> list[Target]:
    objs = [Target(**spec.fields) for spec in specs]
    created = bulk_create_with_history(
        objs, Target, batch_size=BATCH, default_user=admin, default_change_reason=CHANGE_REASON
    )
    pairs = {
        t.pk: [depts[c].pk for c in spec.departments]
        for t, spec in zip(created, specs, strict=True)
    }
    _m2m_with_history(Target, "departments", "target", "department", pairs)
    return created


def _create_inspectors(
    specs: list[Any],
    depts: dict[str, Department],
    items: dict[str, CheckItem],
    users: dict[str, User],
    admin: User,
) -> list[Inspector]:
    objs = [
        Inspector(
            **spec.fields,
            department=depts[spec.department],
            user=users["demo_inspector"] if spec.is_demo_user else None,
        )
        for spec in specs
    ]
    created = bulk_create_with_history(
        objs, Inspector, default_user=admin, default_change_reason=CHANGE_REASON
    )
    pairs = {
        i.pk: [items[c].pk for c in spec.items] for i, spec in zip(created, specs, strict=True)
    }
    _m2m_with_history(Inspector, "expertise_items", "inspector", "checkitem", pairs)
    return created


def _create_conflicts(
    specs: list[Any],
    targets: list[Target],
    inspectors: list[Inspector],
    users: dict[str, User],
    admin: User,
) -> list[ConflictDeclaration]:
    # Declared by the inspector's own login where there is one, else by the section user of
    # the inspector's department, else by the administrator (as an import would be).
    by_dept = {"market": users["demo_section"], "trade": users["demo_section2"]}
    now = timezone.now()
    objs = []
    for spec in specs:
        inspector = inspectors[spec.inspector]
        declared_by = (
            users["demo_inspector"]
            if inspector.user_id
            else by_dept.get(inspector.department.code, admin)
        )
        objs.append(
            ConflictDeclaration(
                inspector=inspector,
                target=targets[spec.target],
                relation=spec.relation,
                note=spec.note,
                declared_by=declared_by,
                withdrawn_at=now if spec.withdrawn else None,
            )
        )
    return bulk_create_with_history(
        objs, ConflictDeclaration, default_user=admin, default_change_reason=CHANGE_REASON
    )


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, role in Chinese, department, password) for the demo accounts that exist."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r.username for r in data.DEMO_USERS])
        .select_related("department__bureau", "bureau")
        .prefetch_related("oversees")
    }
    rows = []
    for row in data.DEMO_USERS:
        user = users.get(row.username)
        if user is None:
            continue
        if user.department:
            dept = f"{user.department.bureau.name.removesuffix('（演示）')} {user.department.name}"
        else:
            dept = user.bureau.name.removesuffix("（演示）") if user.bureau else "全部机关"
        overseen = [d.name for d in user.oversees.all() if d != user.department]
        if overseen and user.department:
            dept += "（分管 " + "、".join([user.department.name, *overseen]) + "）"
        rows.append((user.username, str(Role(user.role).label), dept, data.PASSWORD))
    return rows
