"""Editing the result categories (reference data): administrators only, audited.

Categories are never deleted: results already recorded point at them. Deactivate instead.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.inspections.models import ResultCategory

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@transaction.atomic
def result_category_save(
    *,
    actor: User,
    code: str,
    name: str,
    problem_found: bool,
    active: bool = True,
    order: int = 0,
) -> ResultCategory:
    """Create the category ``code`` or update it in place."""
    if actor.role != Role.ADMIN:
        raise NotAllowed(gettext("只有系统管理员可以维护检查结果类别"))
    code, name = code.strip(), name.strip()
    if not CODE.match(code):
        raise ServiceError(gettext("类别编码应为小写字母开头的字母、数字或下划线（2–40 位）"))
    if not name:
        raise ServiceError(gettext("请填写类别名称"))
    if not 0 <= order <= 32767:
        raise ServiceError(gettext("排序应为 0–32767 的整数"))
    if ResultCategory.objects.filter(name=name).exclude(code=code).exists():
        raise ServiceError(gettext("类别名称“%(name)s”已存在") % {"name": name})
    category = ResultCategory.objects.select_for_update().filter(code=code).first()
    new = {"name": name, "problem_found": problem_found, "active": active, "order": order}
    changes: dict[str, list[object]] = {}
    if category is None:
        category = ResultCategory(code=code)
    for field, value in new.items():
        old = getattr(category, field) if category.pk else None
        if old != value:
            changes[field] = [old, value]
            setattr(category, field, value)
    category.save()
    record(
        events.ResultCategorySaved(
            object_id=str(category.pk),
            summary=f"维护检查结果类别“{name}”",
            code=code,
            changes=changes,
        ),
        actor=actor,
    )
    return category
