"""The 监管等级 / 重点行业 columns of a target import by one department.

For a target only the importing department supervises, they are the entity's values, as
before. For a target other departments supervise too, they are the importing department's
own judgement (``directory.Supervision``): the row is compared with what that department
sees (its own value, else the entity's) and a difference is written to its link only, so one
district's import never changes another's grade. An export by a department lists the same
effective values, so re-importing it changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spotcheck.directory.models import Supervision

OWN_FIELDS = ("supervision_grade", "key_industry")


def own_attributes(department_id: int | None, pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """target pk → the values ``department_id`` set for itself (None = follows the entity)."""
    if department_id is None:
        return {}
    rows = Supervision.objects.filter(department_id=department_id, target_id__in=list(pks))
    return {
        target_id: {"supervision_grade": grade, "key_industry": key}
        for target_id, grade, key in rows.values_list(
            "target_id", "supervision_grade", "key_industry"
        )
    }


def seen_by_department(current: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The entity's column values with the department's own ones where it set them."""
    return {**current, **{name: v for name, v in own.items() if v is not None}}


def write_own_values(department_id: int, values: dict[int, dict[str, Any]]) -> None:
    """Set the department's own values (target pk → {field: value}) on its links."""
    links = list(
        Supervision.objects.filter(department_id=department_id, target_id__in=list(values))
    )
    fields: set[str] = set()
    for link in links:
        for name, value in values[link.target_id].items():
            setattr(link, name, value)
            fields.add(name)
    if links and fields:
        Supervision.objects.bulk_update(links, sorted(fields))
