"""Reads of publications for staff pages (never for public-facing code: that is ``published``).

Staff see drafts, returned and withdrawn records of the departments they act for; the auditor
sees every department's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Role, User
from spotcheck.audit.models import AuditEvent
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.disclosure.selectors import upcoming_and_overdue
from spotcheck.draws.models import Draw, DrawState
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
)
from spotcheck.planning.models import AnnualPlan, PlanState, SpotCheckTask, TaskState

K = PublicationKind
# What each kind is published from: lists are per department (谁执法、谁公示).
SOURCE_MODELS: dict[str, type[Any]] = {
    K.ITEM_LIST: Department,
    K.INSPECTOR_LIST: Department,
    K.ANNUAL_PLAN: AnnualPlan,
    K.TASK_ANNOUNCEMENT: SpotCheckTask,
    K.DRAW_COMMITMENT: Draw,
    K.DRAW_PROOF: Draw,
    K.INSPECTION_RESULT: Inspection,
    K.PENALTY_DECISION: FollowUp,
}


def staff_publications(
    *,
    user: User,
    state: str = "",
    kind: str = "",
    department_id: int | None = None,
) -> QuerySet[Publication]:
    rows = Publication.objects.select_related("department", "author", "reviewer")
    if user.role != Role.AUDITOR:
        rows = rows.filter(department_id__in=user.department_ids())
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if department_id is not None:
        rows = rows.filter(department_id=department_id)
    return rows.order_by("-created_at", "-pk")


def publications_of(source: Any, *, user: User) -> list[Publication]:
    """Every version of every publication made from ``source`` that ``user`` may see."""
    rows = Publication.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk)
    ).select_related("department")
    if user.role != Role.AUDITOR:
        rows = rows.filter(department_id__in=user.department_ids())
    return list(rows.order_by("department__code", "kind", "version", "pk"))


def audit_trail(publications: list[Publication]) -> QuerySet[AuditEvent]:
    """The audit events of all versions of a record, oldest first."""
    return (
        AuditEvent.objects.filter(
            object_type="disclosure.Publication",
            object_id__in=[str(p.pk) for p in publications],
        )
        .select_related("actor")
        .order_by("seq")
    )


def source_of(kind: str, pk: int) -> Any | None:
    """The source record a publication of ``kind`` would be drafted from, or None."""
    model = SOURCE_MODELS.get(kind)
    if model is None:
        return None
    return model._default_manager.filter(pk=pk).first()


def drafting_department(kind: str, source: Any, user: User) -> Department | None:
    """The department a draft by ``user`` would be published under (as the draft service
    decides it): a result belongs to the clerk's own department, anything else to its owner."""
    if isinstance(source, Department):
        return source
    if kind == K.INSPECTION_RESULT:
        if user.department is None:
            return None
        own_items = source.item_results.filter(item__department_id=user.department_id)
        return user.department if own_items.exists() else None
    if isinstance(source, FollowUp):
        return source.department
    if isinstance(source, Draw):
        return source.task.lead_department
    if isinstance(source, SpotCheckTask):
        return source.lead_department
    if isinstance(source, AnnualPlan):
        return source.department
    return None


def not_ready_reason(kind: str, source: Any) -> str:
    """Why ``source`` cannot be published yet ("" when it can). The payload builders take any
    record; what is final enough to publish is decided here, for the pages and the commands."""
    # A source of the wrong type is refused by the payload builder with its own message.
    if kind == K.ANNUAL_PLAN and isinstance(source, AnnualPlan):
        return "" if source.state == PlanState.APPROVED else _("年度抽查工作计划批准后才能公示")
    if kind == K.TASK_ANNOUNCEMENT and isinstance(source, SpotCheckTask):
        return _("抽查任务批准后才能公示") if source.state == TaskState.DRAFT else ""
    if kind == K.DRAW_COMMITMENT and isinstance(source, Draw):
        return _("已作废的抽取不能公示") if source.state == DrawState.ABORTED else ""
    if kind == K.DRAW_PROOF and isinstance(source, Draw):
        executed = source.state == DrawState.EXECUTED and bool(source.proof)
        return "" if executed else _("抽取完成后才有抽取证明")
    if kind == K.INSPECTION_RESULT and isinstance(source, Inspection):
        accepted = source.state == InspectionState.ACCEPTED
        return "" if accepted else _("检查结果审核通过后才能公示")
    if kind == K.PENALTY_DECISION and isinstance(source, FollowUp):
        if source.kind != FollowUpKind.PENALTY:
            return _("只有行政处罚决定可以作为处罚决定公示")
        if source.state != FollowUpState.EFFECTIVE:
            return _("处罚决定生效后才能公示（重大执法决定须先经法制审核）")
    return ""


def due_context(user: User) -> dict[str, Any]:
    """Upcoming and overdue publications for the sections and leaders who owe them, as the
    publication list and the dashboard show them."""
    due = upcoming_and_overdue(user=user)
    return {
        "show_due": user.role in {Role.SECTION, Role.LEADER},
        "due": due,
        "due_uncertain": any(row.uncertain for row in due),
        "due_overdue": sum(1 for row in due if row.overdue),
    }


def active_publication(kind: str, source: Any, department: Department) -> Publication | None:
    """The department's current publication of ``source`` (being drafted, reviewed or public).
    A second one would put two versions of the same record before the public: a change goes
    through a correction instead. Withdrawn and superseded ones do not count."""
    return (
        Publication.objects.filter(
            kind=kind,
            department=department,
            source_type=ContentType.objects.get_for_model(source),
            source_id=str(source.pk),
        )
        .exclude(state__in=[PublicationState.WITHDRAWN, PublicationState.CORRECTED])
        .order_by("-version", "-pk")
        .first()
    )
