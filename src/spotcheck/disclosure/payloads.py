"""Public payloads of publications, built from their source records through the redaction rules.

Each builder returns only fields meant for the public, with personal data already masked, plus
the kinds of data it masked. Publication services store exactly this and nothing else, so no
later reader (portal, feeds, API) can reach the unmasked source through a publication.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.directory.models import CheckItem, Inspector, InspectorStatus, Target, TargetKind
from spotcheck.disclosure import redaction
from spotcheck.disclosure.models import PublicationKind
from spotcheck.draws.models import Draw
from spotcheck.draws.snapshot import proof_document
from spotcheck.inspections.models import FollowUp, FollowUpKind, Inspection
from spotcheck.planning.models import AnnualPlan, SpotCheckTask


@dataclass
class Built:
    title: str
    payload: dict[str, Any]
    redactions: list[str] = field(default_factory=list)
    # The task whose inspection window gates publication (Art. 18), if any.
    task: SpotCheckTask | None = None
    # Decision date and deadline kind for the Art. 16 deadline, if the kind has one.
    decided_on: dt.date | None = None
    deadline_kind: str = ""


class _Masker:
    """Collects what was masked while a payload is assembled."""

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def _keep(self, result: redaction.Redacted) -> str:
        value, kinds = result
        self.kinds.extend(k for k in kinds if k not in self.kinds)
        return value

    def text(self, value: str, names: list[str], addresses: list[str] | None = None) -> str:
        return self._keep(
            redaction.mask_text(value, person_names=names, home_addresses=addresses or [])
        )

    def name(self, value: str) -> str:
        return self._keep(redaction.mask_person_name(value))

    def address(self, value: str) -> str:
        return self._keep(redaction.mask_home_address(value))


def _target(target: Target, m: _Masker) -> dict[str, Any]:
    """Enterprises are public registry data; an individual business's operator is a natural
    person whose name and home address are masked."""
    individual = target.kind == TargetKind.INDIVIDUAL
    rep = target.legal_representative
    names = [rep] if individual and rep else []
    return {
        "name": m.text(target.name, names),
        "credit_code": target.credit_code,
        "kind": target.get_kind_display(),
        "legal_representative": m.name(rep) if individual and rep else rep,
        "address": m.address(target.address) if individual and target.address else target.address,
    }


def _item(item: CheckItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "legal_basis": item.legal_basis,
        "department": item.department.name,
        "content": item.content,
        "disclosure_channel": item.disclosure_channel,
    }


def _task(task: SpotCheckTask) -> dict[str, Any]:
    return {
        "name": task.name,
        "mode": task.get_mode_display(),
        "lead_department": task.lead_department.name,
        "departments": sorted(d.name for d in task.departments.all()),
        "items": [_item(i) for i in task.items.order_by("code")],
        "window_start": task.window_start.isoformat(),
        "window_end": task.window_end.isoformat(),
    }


def build(kind: str, source: Any, department: Department) -> Built:
    m = _Masker()
    if kind == PublicationKind.ITEM_LIST and isinstance(source, Department):
        items = CheckItem.objects.filter(department=source, active=True).order_by("code")
        return Built(f"{source.name}随机抽查事项清单", {"items": [_item(i) for i in items]})
    if kind == PublicationKind.INSPECTOR_LIST and isinstance(source, Department):
        # 行政执法公示 publishes name, department and certificate number — nothing else
        # (phone numbers and employee numbers stay internal).
        people = Inspector.objects.filter(department=source, status=InspectorStatus.ACTIVE)
        rows = [
            {"name": i.name, "department": source.name, "cert_no": i.cert_no}
            for i in people.order_by("cert_no")
        ]
        return Built(f"{source.name}执法检查人员名录", {"inspectors": rows})
    if kind == PublicationKind.ANNUAL_PLAN and isinstance(source, AnnualPlan):
        payload = {
            "year": source.year,
            "department": source.department.name,
            "items": [_item(i) for i in source.items.order_by("code")],
            "sectors": source.sectors,
            "notes": m.text(source.notes, []),
        }
        return Built(f"{source.year}年度{source.department.name}抽查工作计划", payload, m.kinds)
    if kind == PublicationKind.TASK_ANNOUNCEMENT and isinstance(source, SpotCheckTask):
        return Built(f"{source.name}公告", _task(source), task=source)
    if kind in {PublicationKind.DRAW_COMMITMENT, PublicationKind.DRAW_PROOF} and isinstance(
        source, Draw
    ):
        # Commitments and proofs hold credit codes, hashes and inspector certificate numbers
        # only: the proof must stay byte-exact to verify, so it is published as recorded.
        body = (
            source.commitment if kind == PublicationKind.DRAW_COMMITMENT else proof_document(source)
        )
        payload = {
            "task": source.task.name,
            "task_id": source.task_id,
            "draw_id": source.pk,
            "commitment_digest": source.commitment_digest,
            "document": body,
        }
        if kind == PublicationKind.DRAW_PROOF and source.aborted_at is not None:
            payload["aborted"] = {
                "at": timezone.localtime(source.aborted_at).isoformat(),
                "reason": source.abort_reason,
            }
        return Built(f"{source.task.name}抽取记录 #{source.pk}", payload, task=source.task)
    if kind == PublicationKind.INSPECTION_RESULT and isinstance(source, Inspection):
        return _result(source, department, m)
    if kind == PublicationKind.PENALTY_DECISION and isinstance(source, FollowUp):
        if source.kind != FollowUpKind.PENALTY:
            raise ValueError("只有行政处罚可以作为处罚决定公示")
        target = source.inspection.target
        names = [target.legal_representative] if target.kind == TargetKind.INDIVIDUAL else []
        homes = [target.address] if target.kind == TargetKind.INDIVIDUAL else []
        payload = {
            "decision_no": source.decision_no,
            "target": _target(target, m),
            "penalty_kind": source.get_penalty_kind_display(),
            "amount": str(source.amount) if source.amount is not None else None,
            "facts": m.text(source.description, names, homes),
            "decided_on": source.decided_on.isoformat() if source.decided_on else None,
            "department": source.department.name,
        }
        return Built(
            f"行政处罚决定 {source.decision_no}",
            payload,
            m.kinds,
            task=source.inspection.draw.task,
            decided_on=source.decided_on,
            deadline_kind="penalty",
        )
    raise ValueError("该记录不能作为此类公示的来源")


def _result(inspection: Inspection, department: Department, m: _Masker) -> Built:
    """谁执法、谁公示: only the publishing department's own items of a (joint) inspection."""
    target = inspection.target
    names = [target.legal_representative] if target.kind == TargetKind.INDIVIDUAL else []
    homes = [target.address] if target.kind == TargetKind.INDIVIDUAL else []
    rows = [
        {
            "item": r.item.name,
            "category": r.category.name if r.category else "",
            "findings": m.text(r.findings, names, homes),
        }
        for r in inspection.item_results.select_related("item", "category").order_by("item__code")
        if r.item.department_id == department.pk
    ]
    if not rows:
        raise ValueError("本部门在该次检查中没有检查事项（谁执法、谁公示）")
    task = inspection.draw.task
    public_target = _target(target, m)
    payload = {
        "task": task.name,
        "department": department.name,
        "target": public_target,
        "inspected_on": inspection.inspected_on.isoformat() if inspection.inspected_on else None,
        "items": rows,
    }
    # The result is final when accepted; the local (Beijing) date is the decision day.
    decided = timezone.localdate(inspection.reviewed_at) if inspection.reviewed_at else None
    return Built(
        # The masked name: an individual business is often named after its operator.
        f"{public_target['name']}抽查检查结果",
        payload,
        m.kinds,
        task=task,
        decided_on=decided,
        deadline_kind="result",
    )
