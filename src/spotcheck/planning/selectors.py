"""Reads of annual plans, filtered by who asks (the same rules as core.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from spotcheck.accounts.models import Role
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.planning.models import AnnualPlan


def plan_list(*, user: Any) -> QuerySet[AnnualPlan]:
    if not access.can_view_plans(user):
        raise NotAllowed(gettext("无权查看年度抽查工作计划"))
    qs = AnnualPlan.objects.select_related("department", "created_by", "approved_by")
    if user.role in {Role.SECTION, Role.LEADER}:
        return qs.filter(department__in=user.department_ids())
    return access.scope_departments(user, qs)
