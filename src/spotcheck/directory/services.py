"""Writes to the directory. Each function is one transaction with its audit event inside."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Department, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.creditcode import normalise_code
from spotcheck.directory.models import (
    CheckItem,
    ConflictDeclaration,
    Inspector,
    Supervision,
    SupervisionGrade,
    Target,
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return value


def _assign(instance: Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set fields on ``instance``; return {field: [old, new]} for the ones that changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in data.items():
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        old = getattr(instance, attname)
        new_raw = new.pk if isinstance(new, Model) else new
        if old != new_raw:
            changes[name] = [_jsonable(old), _jsonable(new_raw)]
            setattr(instance, attname, new_raw)
    return changes


def _set_m2m(instance: Any, name: str, new: list[Any] | None) -> dict[str, list[Any]]:
    if new is None:
        return {}
    manager = getattr(instance, name)
    old_ids = sorted(manager.values_list("id", flat=True))
    new_ids = sorted(x.pk if isinstance(x, Model) else int(x) for x in new)
    if old_ids == new_ids:
        return {}
    manager.set(new_ids)
    return {name: [old_ids, new_ids]}


# Label shown in audit summaries and the natural key recorded with each event, per model.
_LABELS = {"Target": "检查对象", "CheckItem": "抽查事项", "Inspector": "执法检查人员"}


def _natural_key(obj: Model) -> str:
    return str(getattr(obj, "credit_code", None) or getattr(obj, "cert_no", None) or obj.code)  # type: ignore[attr-defined]


def _save_new(actor: User, obj: Model, m2m: dict[str, list[Any]] | None = None) -> None:
    """Save a new record as ``actor`` (history and audit event alike)."""
    model = type(obj).__name__
    obj._history_user = actor  # type: ignore[attr-defined]
    obj.save()
    for name, values in (m2m or {}).items():
        if values:
            getattr(obj, name).set(values)
    record(
        events.RecordCreated(
            object_id=str(obj.pk),
            summary=f"新增{_LABELS[model]} {obj.name}",  # type: ignore[attr-defined]
            model=model,
            natural_key=_natural_key(obj),
        ),
        actor=actor,
    )


def _save_changes(
    actor: User, obj: Model, data: dict[str, Any], m2m: dict[str, list[Any] | None] | None = None
) -> None:
    """Apply ``data`` and M2M sets; write history and one audit event only if anything changed."""
    model = type(obj).__name__
    changes = _assign(obj, data)
    obj._history_user = actor  # type: ignore[attr-defined]
    if changes:
        obj.save()
    for name, values in (m2m or {}).items():
        changes |= _set_m2m(obj, name, values)
    if changes:
        record(
            events.RecordChanged(
                object_id=str(obj.pk),
                summary=f"修改{_LABELS[model]} {obj.name}：{'、'.join(changes)}",  # type: ignore[attr-defined]
                model=model,
                natural_key=_natural_key(obj),
                changes=changes,
            ),
            actor=actor,
        )


# --- targets ---------------------------------------------------------------------------------


@transaction.atomic
def target_create(
    *, actor: User, data: dict[str, Any], departments: list[Department] | None = None
) -> Target:
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以新增检查对象"))
    if Target.objects.filter(credit_code=data["credit_code"]).exists():
        raise ServiceError(
            gettext(
                "统一社会信用代码 %(credit_code)s 已在名录库中（全省共用一份名录）。"
                "如本部门也负有监管职责，请在名录库页面用“纳入本部门监管”加入，不必重复新增"
            )
            % {"credit_code": data["credit_code"]}
        )
    owners = departments or ([actor.department] if actor.department else [])
    target = Target(**data)
    _save_new(actor, target, {"departments": list(owners)})
    return target


@transaction.atomic
def target_join(*, actor: User, credit_code: str) -> Target:
    """The register is one for the province: a department that also regulates an entity
    already registered (by another department, perhaps of another bureau) joins it as one of
    its 监管部门 instead of registering a second copy. The other departments' attributes and
    history stay; the change is history and an audit event like any other."""
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以把检查对象纳入本部门监管"))
    code = normalise_code(credit_code or "")
    if not code:
        raise ServiceError(gettext("请填写统一社会信用代码"))
    target = Target.objects.select_for_update().filter(credit_code=code).first()
    if target is None:
        raise ServiceError(
            gettext("名录库中没有统一社会信用代码为 %(code)s 的主体，请用“新增检查对象”登记")
            % {"code": code}
        )
    owners = list(target.departments.all())
    if actor.department in owners:
        raise ServiceError(gettext("%(name)s 已由本部门监管") % {"name": target.name})
    _save_changes(actor, target, {}, {"departments": [*owners, actor.department]})
    return target


@transaction.atomic
def target_update(
    *,
    actor: User,
    target: Target,
    data: dict[str, Any],
    departments: list[Department] | None = None,
) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    if not access.can_edit_target(actor, target):
        raise NotAllowed(gettext("只能修改本部门监管的检查对象"))
    if departments is not None and actor.department not in departments:
        raise ServiceError(gettext("不能把本部门从监管部门中移除；如需移交请联系对方部门"))
    _save_changes(actor, target, data, {"departments": departments})
    return target


@transaction.atomic
def supervision_set(
    *,
    actor: User,
    target: Target,
    department: Department,
    supervision_grade: int | None,
    key_industry: bool | None,
) -> Supervision:
    """Set (or, with None, clear) ``department``'s own grade and key-industry flag for
    ``target``. The entity's values stay as they are for every other department; the draw of
    a task led by ``department`` weighs the target by these. History (the target's snapshot
    includes its supervision rows) and the audit event are written only if anything changed."""
    if not access.can_set_supervision(actor, department.pk):
        raise NotAllowed(gettext("只能设置本部门的监管属性"))
    if supervision_grade is not None and supervision_grade not in SupervisionGrade.values:
        raise ServiceError(gettext("监管等级应为一级至四级"), field="supervision_grade")
    target = Target.objects.select_for_update().get(pk=target.pk)
    link = Supervision.objects.filter(target=target, department=department).first()
    if link is None:
        raise ServiceError(
            gettext("%(department)s 不是 %(name)s 的监管部门，请先纳入本部门监管")
            % {"department": department, "name": target.name}
        )
    changes = _assign(link, {"supervision_grade": supervision_grade, "key_industry": key_industry})
    if not changes:
        return link
    link.save(update_fields=list(changes))
    # The link row has no history of its own: a save of the target snapshots it (with the
    # other departments' rows) into the target's history, by ``actor``.
    target._history_user = actor  # type: ignore[attr-defined]
    target.save(update_fields=["updated_at"])
    record(
        events.SupervisionChanged(
            object_id=str(target.pk),
            summary=f"修改 {department} 对 {target.name} 的监管属性：{'、'.join(changes)}",
            natural_key=target.credit_code,
            department=department.code,
            changes=changes,
        ),
        actor=actor,
    )
    return link


# --- check items -----------------------------------------------------------------------------


@transaction.atomic
def item_create(*, actor: User, data: dict[str, Any]) -> CheckItem:
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以新增抽查事项"))
    data = {**data, "department": actor.department}
    if CheckItem.objects.filter(code=data["code"]).exists():
        raise ServiceError(gettext("事项编码 %(code)s 已存在") % {"code": data["code"]})
    item = CheckItem(**data)
    _save_new(actor, item)
    return item


@transaction.atomic
def item_update(*, actor: User, item: CheckItem, data: dict[str, Any]) -> CheckItem:
    item = CheckItem.objects.select_for_update().get(pk=item.pk)
    if not access.can_edit_item(actor, item):
        raise NotAllowed(gettext("只能修改本部门的抽查事项"))
    data = {k: v for k, v in data.items() if k != "department"}
    _save_changes(actor, item, data)
    return item


# --- inspectors ------------------------------------------------------------------------------


def _check_cert_dates(data: dict[str, Any]) -> None:
    start, end = data.get("cert_valid_from"), data.get("cert_valid_to")
    if start and end and end < start:
        raise ServiceError(gettext("执法证有效期止不能早于有效期起"))


@transaction.atomic
def inspector_create(
    *, actor: User, data: dict[str, Any], expertise_items: list[CheckItem] | None = None
) -> Inspector:
    if not access.can_create_directory_records(actor):
        raise NotAllowed(gettext("只有业务科室人员可以新增执法检查人员"))
    data = {**data, "department": actor.department}
    _check_cert_dates(data)
    if Inspector.objects.filter(cert_no=data["cert_no"]).exists():
        raise ServiceError(gettext("执法证号 %(cert_no)s 已存在") % {"cert_no": data["cert_no"]})
    inspector = Inspector(**data)
    _save_new(actor, inspector, {"expertise_items": list(expertise_items or [])})
    return inspector


@transaction.atomic
def inspector_update(
    *,
    actor: User,
    inspector: Inspector,
    data: dict[str, Any],
    expertise_items: list[CheckItem] | None = None,
) -> Inspector:
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if not access.can_edit_inspector(actor, inspector):
        raise NotAllowed(gettext("只能修改本部门的执法检查人员"))
    data = {k: v for k, v in data.items() if k != "department"}
    merged = {
        "cert_valid_from": inspector.cert_valid_from,
        "cert_valid_to": inspector.cert_valid_to,
        **data,
    }
    _check_cert_dates(merged)
    _save_changes(actor, inspector, data, {"expertise_items": expertise_items})
    return inspector


# --- conflicts of interest -------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, actor: User, inspector: Inspector, target: Target, relation: str, note: str = ""
) -> ConflictDeclaration:
    if not access.can_declare_conflict(actor, inspector):
        raise NotAllowed(gettext("只能由执法人员本人或其所在科室申报利害关系"))
    if ConflictDeclaration.objects.filter(
        inspector=inspector, target=target, withdrawn_at__isnull=True
    ).exists():
        raise ServiceError(gettext("该执法人员与该检查对象的利害关系已申报"))
    conflict = ConflictDeclaration(
        inspector=inspector, target=target, relation=relation, note=note, declared_by=actor
    )
    conflict._history_user = actor  # type: ignore[attr-defined]
    conflict.save()
    record(
        events.ConflictDeclared(
            object_id=str(conflict.pk),
            summary=f"{inspector.name} 申报与 {target.name} 存在利害关系",
            inspector=inspector.cert_no,
            target=target.credit_code,
            relation=relation,
        ),
        actor=actor,
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, actor: User, conflict: ConflictDeclaration) -> ConflictDeclaration:
    conflict = ConflictDeclaration.objects.select_for_update().get(pk=conflict.pk)
    if not access.can_declare_conflict(actor, conflict.inspector):
        raise NotAllowed(gettext("只能由执法人员本人或其所在科室撤回申报"))
    if conflict.withdrawn_at is not None:
        raise ServiceError(gettext("该申报已撤回"))
    conflict.withdrawn_at = timezone.now()
    conflict._history_user = actor  # type: ignore[attr-defined]
    conflict.save(update_fields=["withdrawn_at"])
    record(
        events.ConflictWithdrawn(
            object_id=str(conflict.pk),
            summary=f"撤回 {conflict.inspector.name} 与 {conflict.target.name} 的利害关系申报",
            inspector=conflict.inspector.cert_no,
            target=conflict.target.credit_code,
        ),
        actor=actor,
    )
    return conflict
