"""Reads of publications for staff pages (never for public-facing code: that is ``published``).

Staff see drafts, returned and withdrawn records of the departments they act for; the auditor
sees every department's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department, Role, User
from spotcheck.audit.models import AuditEvent
from spotcheck.core import access
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.disclosure.selectors import upcoming_and_overdue
from spotcheck.disclosure.workdays import publication_deadline
from spotcheck.draws.models import Draw, DrawState
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
    ItemResult,
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
    rows = access.scope_departments(user, rows)
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
    rows = access.scope_departments(user, rows)
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
        # An aborted draw that had been executed is published too: a re-draw stays visible.
        return "" if source.has_proof() else _("抽取完成后才有抽取证明")
    if kind == K.INSPECTION_RESULT and isinstance(source, Inspection):
        accepted = source.state == InspectionState.ACCEPTED
        return "" if accepted else _("检查结果审核通过后才能公示")
    if kind == K.PENALTY_DECISION and isinstance(source, FollowUp):
        if source.kind != FollowUpKind.PENALTY:
            return _("只有行政处罚决定可以作为处罚决定公示")
        if source.state != FollowUpState.EFFECTIVE:
            return _("处罚决定生效后才能公示（重大执法决定须先经法制审核）")
    return ""


@dataclass(frozen=True)
class Undrafted:
    """A decision whose Art. 16 deadline runs although nobody has drafted its publication."""

    kind: str
    source_pk: int
    department: Department
    title: str
    decided_on: dt.date
    due_on: dt.date
    overdue: bool
    days_left: int
    uncertain: bool
    publication: None = None


def _existing(kind: str, model: type[Any], dept_ids: set[int]) -> set[tuple[str, int]]:
    """(source id, department) pairs that have a publication, other than a discarded draft:
    once drafted the row itself carries the deadline, and a record that was public and later
    withdrawn met its deadline (withdrawing it was a decision of its own)."""
    rows = Publication.objects.filter(
        kind=kind,
        source_type=ContentType.objects.get_for_model(model),
        department_id__in=dept_ids,
    ).exclude(state=PublicationState.WITHDRAWN, published_at__isnull=True)
    return set(rows.values_list("source_id", "department_id"))


def _undrafted_row(
    kind: str, pk: int, department: Department, title: str, decided: dt.date, day: dt.date
) -> Undrafted:
    deadline = publication_deadline(
        decided_on=decided, kind="penalty" if kind == K.PENALTY_DECISION else "result"
    )
    return Undrafted(
        kind=kind,
        source_pk=pk,
        department=department,
        title=title,
        decided_on=decided,
        due_on=deadline.date,
        overdue=deadline.date < day,
        days_left=(deadline.date - day).days,
        uncertain=deadline.uncertain,
    )


def undrafted_decisions(*, user: User, today: dt.date | None = None) -> list[Undrafted]:
    """Accepted results and penalties in effect that the user's departments have not drafted
    a publication for: the deadline counts from the decision, not from the draft, so a result
    nobody thought to publish must show up as due (and then overdue) all the same."""
    if not user.is_active or user.role not in {Role.SECTION, Role.LEADER}:
        return []
    day = today or timezone.localdate()
    dept_ids = set(user.department_ids())
    departments = Department.objects.in_bulk(dept_ids)
    out: list[Undrafted] = []
    # 谁执法、谁公示: one result per department that has items in the inspection.
    done = _existing(K.INSPECTION_RESULT, Inspection, dept_ids)
    pairs = (
        ItemResult.objects.filter(
            inspection__state=InspectionState.ACCEPTED,
            inspection__reviewed_at__isnull=False,
            item__department_id__in=dept_ids,
        )
        .values_list("inspection_id", "item__department_id")
        .distinct()
    )
    todo = [(i, d) for i, d in pairs if (str(i), d) not in done]
    inspections = Inspection.objects.select_related("target").in_bulk({i for i, _d in todo})
    for inspection_id, dept_id in todo:
        inspection = inspections[inspection_id]
        assert inspection.reviewed_at is not None
        title = _("%(target)s 抽查检查结果（尚未起草公示）") % {"target": inspection.target.name}
        decided = timezone.localdate(inspection.reviewed_at)
        out.append(
            _undrafted_row(
                K.INSPECTION_RESULT, inspection_id, departments[dept_id], title, decided, day
            )
        )
    done = _existing(K.PENALTY_DECISION, FollowUp, dept_ids)
    penalties = FollowUp.objects.filter(
        kind=FollowUpKind.PENALTY,
        state=FollowUpState.EFFECTIVE,
        decided_on__isnull=False,
        department_id__in=dept_ids,
    ).select_related("department")
    for penalty in penalties:
        if (str(penalty.pk), penalty.department_id) in done:
            continue
        assert penalty.decided_on is not None
        title = _("行政处罚决定 %(no)s（尚未起草公示）") % {"no": penalty.decision_no}
        out.append(
            _undrafted_row(
                K.PENALTY_DECISION,
                penalty.pk,
                penalty.department,
                title,
                penalty.decided_on,
                day,
            )
        )
    return out


def due_context(user: User) -> dict[str, Any]:
    """Upcoming and overdue publications for the sections and leaders who owe them, as the
    publication list and the dashboard show them: drafts in progress and decisions nobody has
    drafted yet, soonest deadline first."""
    due: list[Any] = [*upcoming_and_overdue(user=user), *undrafted_decisions(user=user)]
    due.sort(key=lambda row: row.due_on)
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
