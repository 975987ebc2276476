"""Reads of tasks and draws, filtered by who asks (Art. 18 confidentiality lives here)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from spotcheck.accounts.models import Role
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.draws.models import Draw, DrawnLine, DrawState, TeamMember
from spotcheck.planning.models import SpotCheckTask


def task_list(*, user: Any) -> QuerySet[SpotCheckTask]:
    role = getattr(user, "role", None)
    qs = SpotCheckTask.objects.select_related("lead_department")
    if role in {Role.AUDITOR, Role.ADMIN}:
        scope = access.bureau_scope(user)
        if scope is None:
            return qs
        return qs.filter(
            pk__in=SpotCheckTask.departments.through.objects.filter(
                department__bureau_id__in=scope
            ).values("spotchecktask_id")
        )
    if role in {Role.SECTION, Role.LEADER}:
        return qs.filter(departments__in=user.department_ids()).distinct()
    raise NotAllowed(gettext("无权查看抽查任务"))


def current_draw(task: SpotCheckTask) -> Draw | None:
    return task.draws.exclude(state=DrawState.ABORTED).order_by("-id").first()


def drawn_entries(*, user: Any, draw: Draw) -> QuerySet[DrawnLine]:
    if not access.can_view_draw_result(user, draw.task):
        raise NotAllowed(gettext("抽取结果在检查开始前保密，您无权查看"))
    return draw.drawn_lines.select_related("target").order_by("credit_code")


def teams(*, user: Any, draw: Draw, include_history: bool = False) -> QuerySet[TeamMember]:
    """Whole teams for those allowed; an inspector gets only the teams they are on."""
    qs = TeamMember.objects.filter(draw=draw).select_related(
        "target", "inspector", "inspector__department", "replaces__inspector"
    )
    if not include_history:
        qs = qs.filter(active=True)
    if access.can_view_draw_result(user, draw.task):
        return qs.order_by("target__credit_code", "position")
    if getattr(user, "role", None) == Role.INSPECTOR:
        mine = TeamMember.objects.filter(draw=draw, inspector__user=user, active=True).values(
            "target"
        )
        return qs.filter(Q(target__in=mine)).order_by("target__credit_code", "position")
    raise NotAllowed(gettext("抽取结果在检查开始前保密，您无权查看"))


def own_assignments(*, user: Any) -> QuerySet[TeamMember]:
    """An inspector's own current assignments across tasks."""
    return (
        TeamMember.objects.filter(inspector__user=user, active=True, draw__state=DrawState.EXECUTED)
        .select_related("draw__task", "target")
        .defer("draw__proof")
        .order_by("-draw_id")
    )
