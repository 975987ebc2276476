"""待办: what waits for one person, most urgent first.

One selector for the home page and the staff API (``/api/v1/todo/``), so both show the same
list. Every row is something the user may act on (the same predicates as the pages it links to)
and links to the page where it is done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.accounts.models import Role
from spotcheck.core import access
from spotcheck.directory.models import ConflictDeclaration, Inspector, InspectorStatus
from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.disclosure.publications import can_review
from spotcheck.disclosure.selectors_staff import due_context
from spotcheck.draws.models import AbortRequest, CapOverride, Draw, DrawState, TeamMember
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
)
from spotcheck.planning.models import AnnualPlan, PlanState, SpotCheckTask, TaskState

# A deadline this close (days) counts as urgent; a certificate this close to its end is shown.
SOON_DAYS = 7
CERT_WARNING_DAYS = 30

# Urgency bands: lower is more urgent.
OVERDUE, SOON, WAITING = 0, 1, 2


@dataclass(frozen=True)
class TodoItem:
    kind: str
    kind_label: str
    title: str
    url: str
    due_on: dt.date | None
    urgency: int
    overdue: bool

    @property
    def urgency_label(self) -> str:
        return {OVERDUE: _("已逾期"), SOON: _("即将到期"), WAITING: _("待办理")}[self.urgency]


KIND_LABELS = {
    "plan_approval": gettext_lazy("年度计划待批准"),
    "task_approval": gettext_lazy("抽查任务待批准"),
    "cap_override": gettext_lazy("超次数抽查待批准"),
    "abort_request": gettext_lazy("作废抽取申请待决定"),
    "draw_commit": gettext_lazy("待承诺抽取"),
    "draw_execute": gettext_lazy("待执行抽取"),
    "recusal": gettext_lazy("待办理回避"),
    "result_record": gettext_lazy("检查结果待录入"),
    "result_review": gettext_lazy("检查结果待审核"),
    "rectification": gettext_lazy("整改待核查"),
    "penalty_returned": gettext_lazy("处罚决定被退回"),
    "legal_review": gettext_lazy("重大执法决定待法制审核"),
    "publication_review": gettext_lazy("公示待审核"),
    "publication_returned": gettext_lazy("公示被退回"),
    "publication_due": gettext_lazy("公示期限"),
    "certificate": gettext_lazy("执法证即将到期"),
    "certificate_expired": gettext_lazy("执法证已过期"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind])


def _item(kind: str, title: str, url: str, day: dt.date, due_on: dt.date | None = None) -> TodoItem:
    if due_on is not None and due_on < day:
        urgency = OVERDUE
    elif due_on is not None and (due_on - day).days <= SOON_DAYS:
        urgency = SOON
    else:
        urgency = WAITING
    return TodoItem(
        kind=kind,
        kind_label=kind_label(kind),
        title=title,
        url=url,
        due_on=due_on,
        urgency=urgency,
        overdue=urgency == OVERDUE,
    )


def _leader(user: Any, day: dt.date) -> list[TodoItem]:
    depts = set(user.department_ids())
    out = []
    for plan in AnnualPlan.objects.filter(state=PlanState.DRAFT, department__in=depts):
        out.append(
            _item("plan_approval", str(plan), reverse("planning:plan_detail", args=[plan.pk]), day)
        )
    for task in SpotCheckTask.objects.filter(state=TaskState.DRAFT, lead_department__in=depts):
        out.append(
            _item(
                "task_approval",
                task.name,
                reverse("planning:task_detail", args=[task.pk]),
                day,
                task.window_start,
            )
        )
    overrides = CapOverride.objects.filter(
        approved_at__isnull=True, task__lead_department__in=depts
    ).select_related("task", "target")
    for o in overrides:
        out.append(
            _item(
                "cap_override",
                _("%(task)s：%(target)s") % {"task": o.task.name, "target": o.target.name},
                reverse("planning:task_detail", args=[o.task_id]),
                day,
                o.task.window_start,
            )
        )
    requests = (
        AbortRequest.objects.filter(decided_at__isnull=True, draw__task__lead_department__in=depts)
        .exclude(requested_by=user)
        .select_related("draw__task")
        .defer("draw__proof")
    )
    for r in requests:
        out.append(
            _item(
                "abort_request",
                _("%(draw)s（%(task)s）") % {"draw": r.draw, "task": r.draw.task.name},
                reverse("draws:draw_detail", args=[r.draw_id]),
                day,
            )
        )
    return out


def _section(user: Any, day: dt.date) -> list[TodoItem]:
    dept = user.department_id
    if dept is None:
        return []
    out = []
    for task in SpotCheckTask.objects.filter(state=TaskState.APPROVED, lead_department=dept):
        out.append(
            _item(
                "draw_commit",
                task.name,
                reverse("planning:task_detail", args=[task.pk]),
                day,
                task.window_start,
            )
        )
    committed = Draw.objects.filter(
        state=DrawState.COMMITTED, task__lead_department=dept
    ).select_related("task")
    for draw in committed:
        out.append(
            _item(
                "draw_execute",
                _("%(draw)s（%(task)s）") % {"draw": draw, "task": draw.task.name},
                reverse("draws:draw_detail", args=[draw.pk]),
                day,
                draw.task.window_start,
            )
        )
    # A team member with an open conflict declaration about its target must be recused.
    conflicted = (
        TeamMember.objects.filter(
            active=True,
            draw__state=DrawState.EXECUTED,
            draw__task__departments=dept,
            draw__task__state__in=[TaskState.DRAWN, TaskState.INSPECTING],
        )
        .filter(
            inspector__conflicts__withdrawn_at__isnull=True,
            inspector__conflicts__target=F("target"),
        )
        .select_related("draw__task", "inspector", "target")
        .defer("draw__proof")
        .distinct()
    )
    for m in conflicted:
        out.append(
            _item(
                "recusal",
                _("%(inspector)s 与 %(target)s 有利害关系")
                % {"inspector": m.inspector.name, "target": m.target.name},
                reverse("draws:results", args=[m.draw_id]),
                day,
                m.draw.task.window_start,
            )
        )
    submitted = (
        Inspection.objects.filter(state=InspectionState.SUBMITTED, draw__task__lead_department=dept)
        .select_related("target", "draw__task")
        .defer("draw__proof")
    )
    for ins in submitted:
        out.append(
            _item(
                "result_review",
                ins.target.name,
                reverse("inspections:review", args=[ins.pk]),
                day,
                ins.draw.task.window_end,
            )
        )
    returned = (
        Inspection.objects.filter(state=InspectionState.RETURNED, draw__task__lead_department=dept)
        .select_related("target", "draw__task")
        .defer("draw__proof")
    )
    for ins in returned:
        out.append(_record_item(ins.draw_id, ins.target_id, ins.target.name, ins.draw.task, day))
    rectifications = FollowUp.objects.filter(
        kind=FollowUpKind.RECTIFICATION,
        verified_at__isnull=True,
        department_id=dept,
        due_on__isnull=False,
    ).select_related("inspection__target")
    for fu in rectifications:
        out.append(
            _item(
                "rectification",
                fu.inspection.target.name,
                reverse(
                    "inspections:record", args=[fu.inspection.draw_id, fu.inspection.target_id]
                ),
                day,
                fu.due_on,
            )
        )
    penalties = FollowUp.objects.filter(
        kind=FollowUpKind.PENALTY, state=FollowUpState.RETURNED, department_id=dept
    ).select_related("inspection__target")
    for fu in penalties:
        out.append(
            _item(
                "penalty_returned",
                fu.decision_no or fu.inspection.target.name,
                reverse(
                    "inspections:record", args=[fu.inspection.draw_id, fu.inspection.target_id]
                ),
                day,
            )
        )
    certificates = Inspector.objects.filter(
        department_id=dept,
        status=InspectorStatus.ACTIVE,
        cert_valid_to__lte=day + dt.timedelta(days=CERT_WARNING_DAYS),
    )
    for person in certificates:
        out.append(
            _item(
                _certificate_kind(person, day),
                str(person),
                reverse("directory:inspector_detail", args=[person.pk]),
                day,
                person.cert_valid_to,
            )
        )
    return out


def _certificate_kind(inspector: Inspector, day: dt.date) -> str:
    # "即将到期" beside a date already passed read as a contradiction: an expired one says so.
    return "certificate_expired" if inspector.cert_valid_to < day else "certificate"


def _record_item(
    draw_id: int, target_id: int, name: str, task: SpotCheckTask, day: dt.date
) -> TodoItem:
    return _item(
        "result_record",
        name,
        reverse("inspections:record", args=[draw_id, target_id]),
        day,
        task.window_end,
    )


def _inspector(user: Any, day: dt.date) -> list[TodoItem]:
    out = []
    members = (
        TeamMember.objects.filter(
            inspector__user=user,
            active=True,
            draw__state=DrawState.EXECUTED,
            draw__task__state__in=[TaskState.DRAWN, TaskState.INSPECTING],
        )
        .select_related("draw__task", "target")
        .defer("draw__proof")
    )
    done = set(
        Inspection.objects.filter(
            draw__in={m.draw_id for m in members},
            state__in=[InspectionState.SUBMITTED, InspectionState.ACCEPTED],
        ).values_list("draw_id", "target_id")
    )
    for m in members:
        if (m.draw_id, m.target_id) in done:
            continue
        out.append(_record_item(m.draw_id, m.target_id, m.target.name, m.draw.task, day))
    open_conflicts = set(
        ConflictDeclaration.objects.filter(
            inspector__user=user, withdrawn_at__isnull=True
        ).values_list("target_id", flat=True)
    )
    for m in members:
        if m.target_id in open_conflicts:
            out.append(
                _item(
                    "recusal",
                    m.target.name,
                    reverse("draws:my_assignments"),
                    day,
                    m.draw.task.window_start,
                )
            )
    own = Inspector.objects.filter(
        user=user,
        status=InspectorStatus.ACTIVE,
        cert_valid_to__lte=day + dt.timedelta(days=CERT_WARNING_DAYS),
    )
    for ins in own:
        out.append(
            _item(
                _certificate_kind(ins, day),
                str(ins),
                reverse("directory:inspector_detail", args=[ins.pk]),
                day,
                ins.cert_valid_to,
            )
        )
    return out


def _legal_reviewer(user: Any, day: dt.date) -> list[TodoItem]:
    pending = access.scope_departments(
        user,
        FollowUp.objects.filter(
            kind=FollowUpKind.PENALTY, state=FollowUpState.PENDING_LEGAL_REVIEW
        ).select_related("inspection__target"),
    )
    return [
        _item(
            "legal_review",
            fu.decision_no or fu.inspection.target.name,
            reverse("inspections:legal_review", args=[fu.pk]),
            day,
        )
        for fu in pending
    ]


def _publications(user: Any, day: dt.date) -> list[TodoItem]:
    out = []
    submitted = Publication.objects.filter(
        state=PublicationState.SUBMITTED, department_id__in=user.department_ids()
    ).exclude(author=user)
    for p in submitted:
        if can_review(user, p):
            out.append(
                _item(
                    "publication_review",
                    p.title,
                    reverse("disclosure:publication_detail", args=[p.pk]),
                    day,
                    p.due_on,
                )
            )
    for p in Publication.objects.filter(state=PublicationState.RETURNED, author=user):
        out.append(
            _item(
                "publication_returned",
                p.title,
                reverse("disclosure:publication_detail", args=[p.pk]),
                day,
                p.due_on,
            )
        )
    for row in due_context(user)["due"]:
        if row.overdue or row.days_left <= SOON_DAYS:
            pub = getattr(row, "publication", None)
            url = (
                reverse("disclosure:publication_detail", args=[pub.pk])
                if pub is not None
                else reverse("disclosure:publication_list")
            )
            title = pub.title if pub is not None else row.title
            out.append(_item("publication_due", str(title), url, day, row.due_on))
    return out


def todo_list(*, user: Any, today: dt.date | None = None) -> list[TodoItem]:
    """Everything waiting for ``user``: overdue first, then due soon, then the rest; within a
    band the earliest date first (undated rows last)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    day = today or timezone.localdate()
    items: list[TodoItem] = []
    role = user.role
    if role == Role.LEADER:
        items += _leader(user, day)
        items += _publications(user, day)
    elif role == Role.SECTION:
        items += _section(user, day)
        items += _publications(user, day)
    elif role == Role.INSPECTOR:
        items += _inspector(user, day)
    elif role == Role.LEGAL_REVIEWER:
        items += _legal_reviewer(user, day)
    items.sort(key=lambda i: (i.urgency, i.due_on or dt.date.max, i.kind, i.title))
    return items


def todo_counts(items: list[TodoItem]) -> list[tuple[str, str, int]]:
    """(kind, label, count) per kind present, in the order of first appearance."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return [(kind, kind_label(kind), n) for kind, n in counts.items()]
