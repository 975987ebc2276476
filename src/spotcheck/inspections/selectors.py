"""Reads of inspections and follow-ups, filtered by who asks (rules in core.access)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext

from spotcheck.accounts.models import Role
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.directory.models import CheckItem, Target
from spotcheck.draws.models import Draw, DrawnLine, TeamMember
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
    ResultCategory,
)
from spotcheck.planning.models import SpotCheckTask


def result_categories(*, include_inactive: bool = False) -> QuerySet[ResultCategory]:
    qs = ResultCategory.objects.all()
    return qs if include_inactive else qs.filter(active=True)


def applicable_items(task: SpotCheckTask, target: Target) -> list[CheckItem]:
    """Items of the task whose target kinds include the target's (empty list = every kind).

    In a joint task this is every department's items: one visit covers them all (Art. 8).
    """
    return [
        item
        for item in task.items.select_related("department").order_by("code")
        if not item.target_kinds or target.kind in item.target_kinds
    ]


def is_drawn(draw: Draw, target: Target) -> bool:
    return DrawnLine.objects.filter(
        draw=draw, credit_code=target.credit_code, target=target
    ).exists()


def team(draw: Draw, target: Target) -> QuerySet[TeamMember]:
    """The current (not recused) team of one target, in draw order."""
    return (
        TeamMember.objects.filter(draw=draw, target=target, active=True)
        .select_related("inspector", "inspector__department")
        .order_by("position")
    )


def inspections_visible(
    *, user: Any, task: SpotCheckTask | None = None, draw: Draw | None = None
) -> QuerySet[Inspection]:
    """Inspector: own assignments; section/leader: the task's departments; auditor: all.

    A legal reviewer sees the inspections behind penalties marked major (to judge them).
    Anyone else gets an empty result rather than an error, so lists render uniformly.
    """
    qs = (
        Inspection.objects.select_related("draw", "draw__task", "target", "overall_category")
        .defer("draw__proof")
        .order_by("draw_id", "target__credit_code")
    )
    if task is not None:
        qs = qs.filter(draw__task=task)
    if draw is not None:
        qs = qs.filter(draw=draw)
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    if not getattr(user, "is_active", False):
        role = None
    if role == Role.AUDITOR:
        scope = access.bureau_scope(user)
        if scope is None:
            return qs
        return qs.filter(draw__task__departments__bureau_id__in=scope).distinct()
    if role in {Role.SECTION, Role.LEADER}:
        return qs.filter(draw__task__departments__in=user.department_ids()).distinct()
    if role == Role.INSPECTOR:
        mine = TeamMember.objects.filter(
            draw=OuterRef("draw"), target=OuterRef("target"), active=True, inspector__user=user
        )
        return qs.filter(Exists(mine))
    if role == Role.LEGAL_REVIEWER:
        return access.scope_departments(
            user,
            qs.filter(follow_ups__kind=FollowUpKind.PENALTY, follow_ups__major=True),
            "follow_ups__department",
        ).distinct()
    return qs.none()


def inspection_for(*, user: Any, pk: int) -> Inspection:
    """One inspection, or NotAllowed when the user may not see it (never reveal it exists)."""
    found = inspections_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise NotAllowed(gettext("无权查看该检查结果"))
    return found


@dataclass(frozen=True)
class TargetRow:
    target: Target
    inspection: Inspection | None
    team: list[TeamMember]


def draw_overview(*, user: Any, draw: Draw) -> list[TargetRow]:
    """Every drawn target of ``draw`` with its team and inspection (or None yet).

    An inspector gets only the targets whose team they are on.
    """
    task = draw.task
    if access.can_view_inspections_of(user, task):
        targets = Target.objects.filter(pk__in=DrawnLine.objects.filter(draw=draw).values("target"))
    elif getattr(user, "role", None) == Role.INSPECTOR:
        targets = Target.objects.filter(
            pk__in=TeamMember.objects.filter(draw=draw, inspector__user=user, active=True).values(
                "target"
            )
        )
    else:
        raise NotAllowed(gettext("无权查看该任务的检查情况"))
    inspections = {i.target_id: i for i in Inspection.objects.filter(draw=draw)}
    teams: dict[int, list[TeamMember]] = {}
    for member in (
        TeamMember.objects.filter(draw=draw, active=True)
        .select_related("inspector")
        .order_by("position")
    ):
        teams.setdefault(member.target_id, []).append(member)
    return [
        TargetRow(target=t, inspection=inspections.get(t.pk), team=teams.get(t.pk, []))
        for t in targets.order_by("credit_code")
    ]


def all_accepted(draw: Draw) -> bool:
    """Every drawn target of ``draw`` has an accepted inspection."""
    drawn = DrawnLine.objects.filter(draw=draw).values("target")
    accepted = Inspection.objects.filter(
        draw=draw, state=InspectionState.ACCEPTED, target__in=drawn
    ).count()
    return accepted == drawn.count()


def follow_ups_visible(*, user: Any) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.select_related(
        "inspection", "inspection__target", "inspection__draw__task", "department"
    )
    visible = inspections_visible(user=user).values("pk")
    if getattr(user, "role", None) == Role.LEGAL_REVIEWER:
        return qs.filter(kind=FollowUpKind.PENALTY, major=True)
    return qs.filter(Q(inspection__in=visible))


def pending_legal_reviews(*, user: Any) -> QuerySet[FollowUp]:
    """The legal reviewer's queue: major penalties waiting for a decision."""
    if not access.can_legal_review(user):
        raise NotAllowed(gettext("只有法制审核人员可以查看待审核的重大执法决定"))
    return access.scope_departments(
        user,
        FollowUp.objects.filter(
            kind=FollowUpKind.PENALTY, major=True, state=FollowUpState.PENDING_LEGAL_REVIEW
        )
        .select_related("inspection__target", "department")
        .order_by("created_at"),
    )
