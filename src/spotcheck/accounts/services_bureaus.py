"""The organisation tree (省 → 市 → 县区 bureaus): audited like every change of who oversees
whom, since moving a bureau changes which auditors and administrators see its records."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from spotcheck.accounts.events import BureauChanged, BureauCreated
from spotcheck.accounts.models import Bureau, BureauLevel, User
from spotcheck.accounts.services import KEEP, AccountError, check_code
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed

# Higher number = higher in the tree; a bureau sits strictly below its parent.
RANK = {BureauLevel.PROVINCE: 3, BureauLevel.CITY: 2, BureauLevel.DISTRICT: 1}


def _check_actor(actor: User | None) -> None:
    if actor is not None and not access.can_manage_bureaus(actor):
        raise NotAllowed(gettext("只有全部机关的系统管理员可以维护机关设置"))


def _check_name(name: str, *, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise AccountError("请填写机关名称", "name")
    if len(name) > 100:
        raise AccountError("机关名称不能超过 100 个字符", "name")
    clash = Bureau.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise AccountError(f"机关名称“{name}”已存在", "name")
    return name


def _check_place(level: str, parent: Bureau | None, bureau: Bureau | None = None) -> None:
    if level not in BureauLevel.values:
        raise AccountError(f"层级“{level}”不存在", "level")
    if parent is None:
        return
    if bureau is not None and bureau.path and parent.path.startswith(bureau.path):
        raise AccountError("不能把机关放到它自己或它的下级机关之下", "parent")
    if RANK[BureauLevel(level)] >= RANK[BureauLevel(parent.level)]:
        raise AccountError(
            f"{BureauLevel(level).label}机关不能隶属于{BureauLevel(parent.level).label}机关"
            f"“{parent.name}”：上级机关的层级必须更高",
            "parent",
        )


@transaction.atomic
def bureau_create(
    *, actor: User | None, code: str, name: str, level: str, parent: Bureau | None
) -> Bureau:
    _check_actor(actor)
    code = check_code(code, model=Bureau, noun="机关")
    name = _check_name(name)
    _check_place(level, parent)
    bureau = Bureau.objects.create(code=code, name=name, level=level, parent=parent)
    record(
        BureauCreated(
            object_id=str(bureau.pk),
            summary=f"新建机关 {name}（{code}）" + (f"，隶属 {parent.name}" if parent else ""),
            code=code,
            name=name,
            level=level,
            parent=parent.code if parent else "",
        ),
        actor=actor,
    )
    return bureau


@transaction.atomic
def bureau_update(
    *,
    actor: User | None,
    bureau: Bureau,
    name: Any = KEEP,
    level: Any = KEEP,
    parent: Any = KEEP,
) -> Bureau:
    """Rename, change level or move under another bureau. The code never changes."""
    _check_actor(actor)
    bureau = Bureau.objects.select_for_update().get(pk=bureau.pk)
    new_name = bureau.name if name is KEEP else _check_name(name, exclude=bureau.pk)
    new_level = bureau.level if level is KEEP else level
    new_parent: Bureau | None = bureau.parent if parent is KEEP else parent
    if new_parent is not None:
        new_parent = Bureau.objects.get(pk=new_parent.pk)  # its path as it is now
    _check_place(new_level, new_parent, bureau)
    for child in bureau.children.all():
        if RANK[BureauLevel(child.level)] >= RANK[BureauLevel(new_level)]:
            raise AccountError(
                f"下级机关“{child.name}”的层级不低于{BureauLevel(new_level).label}", "level"
            )
    changes: dict[str, list[Any]] = {}
    if new_name != bureau.name:
        changes["name"] = [bureau.name, new_name]
    if new_level != bureau.level:
        changes["level"] = [bureau.level, new_level]
    if new_parent != bureau.parent:
        changes["parent"] = [
            bureau.parent.code if bureau.parent else "",
            new_parent.code if new_parent else "",
        ]
    if not changes:
        return bureau
    bureau.name, bureau.level, bureau.parent = new_name, new_level, new_parent
    bureau.save()
    labels = {"name": "名称", "level": "层级", "parent": "上级机关"}
    record(
        BureauChanged(
            object_id=str(bureau.pk),
            summary=f"修改机关 {bureau.name}：{'、'.join(labels[f] for f in changes)}",
            code=bureau.code,
            changes=changes,
        ),
        actor=actor,
    )
    return bureau
