"""Recording, submitting and reviewing inspection results; evidence attachments.

Lock order everywhere: the task row, then the inspection row. The task lock serialises the
first save of each target (and the task's own state moves), so two clerks cannot both create
the one inspection a target gets, and the "all accepted → results in" move sees every result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import CreditSource
from spotcheck.credit.services import credit_record_add
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.draws.models import Draw, DrawState
from spotcheck.inspections import selectors
from spotcheck.inspections.models import (
    Evidence,
    Inspection,
    InspectionState,
    InspectionTransition,
    ItemResult,
    ResultCategory,
)
from spotcheck.planning.models import SpotCheckTask, TaskState
from spotcheck.planning.services import _transition

EDITABLE = {InspectionState.DRAFT, InspectionState.RETURNED}
MIN_PRESENT = 2  # Art. 11: at least two inspectors


@dataclass(frozen=True)
class ItemResultInput:
    item: CheckItem
    category: ResultCategory
    findings: str = ""


def _fmt(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _lock(inspection: Inspection) -> tuple[SpotCheckTask, Inspection]:
    task = SpotCheckTask.objects.select_for_update(of=("self",)).get(
        draws__inspections=inspection.pk
    )
    locked = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("draw", "target", "overall_category")
        .defer("draw__proof")
        .get(pk=inspection.pk)
    )
    return task, locked


def _check_date(task: SpotCheckTask, day: dt.date) -> None:
    if not task.window_start <= day <= task.window_end:
        raise ServiceError(
            gettext("检查日期应在检查期 %(window_start)s 至 %(window_end)s 之内")
            % {"window_start": _fmt(task.window_start), "window_end": _fmt(task.window_end)}
        )
    if day > timezone.localdate():
        raise ServiceError(gettext("检查日期不能晚于今天"))


def _check_present(
    draw: Draw, target: Target, inspectors: Sequence[Inspector], day: dt.date | None
) -> None:
    on_team = set(selectors.team(draw, target).values_list("inspector_id", flat=True))
    for inspector in inspectors:
        if inspector.pk not in on_team:
            raise ServiceError(
                f"{inspector.name}（{inspector.cert_no}）不是{target.name}检查组的成员或已回避，"
                "不能记录为到场检查人员"
            )
        if day is not None and not inspector.qualified_on(day):
            raise ServiceError(
                gettext(
                    "%(inspector)s（%(cert_no)s）在检查当日不在岗或执法证不在有效期内（第三条）"
                )
                % {"inspector": inspector.name, "cert_no": inspector.cert_no}
            )


def _check_item_results(
    actor: User, task: SpotCheckTask, target: Target, results: Sequence[ItemResultInput]
) -> None:
    allowed = {i.pk for i in selectors.applicable_items(task, target)}
    seen: set[int] = set()
    for r in results:
        if r.item.pk not in allowed:
            raise ServiceError(
                gettext("事项“%(item)s”不属于本任务或不适用于%(target)s")
                % {"item": r.item.name, "target": target.name}
            )
        if r.item.pk in seen:
            raise ServiceError(gettext("事项“%(item)s”重复录入") % {"item": r.item.name})
        seen.add(r.item.pk)
        if not r.category.active:
            raise ServiceError(
                gettext("检查结果类别“%(category)s”已停用") % {"category": r.category.name},
                field=f"category_{r.item.pk}",
            )
        if r.category.problem_found and not r.findings.strip():
            raise ServiceError(
                gettext("事项“%(item)s”发现问题，请填写检查发现") % {"item": r.item.name},
                field=f"findings_{r.item.pk}",
            )
        # Joint task: a partner department's clerk answers only for its own items (Art. 8).
        if not access.can_record_item(actor, task, r.item):
            raise NotAllowed(
                gettext("只能录入本部门事项的检查结果：“%(item)s”不属于本部门")
                % {"item": r.item.name}
            )


@transaction.atomic
def inspection_save(
    *,
    actor: User,
    draw: Draw,
    target: Target,
    inspected_on: dt.date | None = None,
    inspectors: Sequence[Inspector] | None = None,
    overall_category: ResultCategory | None = None,
    summary: str | None = None,
    item_results: Sequence[ItemResultInput] = (),
) -> Inspection:
    """Create or update the draft of ``target``'s inspection in ``draw``.

    Arguments left as None keep their stored value; ``inspectors`` replaces the whole list;
    ``item_results`` adds or replaces the given items only. Editable while draft or returned.
    """
    task = SpotCheckTask.objects.select_for_update(of=("self",)).get(pk=draw.task_id)
    draw = Draw.objects.select_related("task").get(pk=draw.pk)
    if not access.can_record_inspection(actor, draw, target):
        raise NotAllowed(
            gettext("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以录入检查结果")
        )
    if draw.state != DrawState.EXECUTED:
        raise ServiceError(
            gettext("第%(draw)s号抽取%(state)s，不能录入检查结果")
            % {"draw": draw.pk, "state": draw.get_state_display()}
        )
    if not selectors.is_drawn(draw, target):
        raise ServiceError(
            gettext("%(target)s不是第%(draw)s号抽取抽中的检查对象")
            % {"target": target.name, "draw": draw.pk}
        )
    if task.state not in {TaskState.DRAWN, TaskState.INSPECTING}:
        raise ServiceError(
            gettext("任务状态为“%(state)s”，不能录入检查结果") % {"state": task.get_state_display()}
        )
    if timezone.localdate() < task.window_start:
        raise ServiceError(
            gettext("检查期自 %(window_start)s 开始，尚不能录入检查结果")
            % {"window_start": _fmt(task.window_start)}
        )

    inspection = (
        Inspection.objects.select_for_update(of=("self",)).filter(draw=draw, target=target).first()
    )
    if inspection is not None and inspection.state not in EDITABLE:
        raise ServiceError(
            _("检查结果%(state)s，不能修改") % {"state": inspection.get_state_display()}
        )
    day = inspected_on if inspected_on is not None else getattr(inspection, "inspected_on", None)
    if inspected_on is not None:
        _check_date(task, inspected_on)
    if inspectors is not None:
        _check_present(draw, target, inspectors, day)
    if overall_category is not None and not overall_category.active:
        raise ServiceError(
            gettext("检查结果类别“%(overall_category)s”已停用")
            % {"overall_category": overall_category.name}
        )
    _check_item_results(actor, task, target, item_results)

    if inspection is None:
        inspection = Inspection(draw=draw, target=target, created_by=actor)
    if inspected_on is not None:
        inspection.inspected_on = inspected_on
    if overall_category is not None:
        inspection.overall_category = overall_category
    if summary is not None:
        inspection.summary = summary.strip()
    inspection._history_user = actor  # type: ignore[attr-defined]
    inspection.save()
    if inspectors is not None:
        inspection.inspectors.set(inspectors)
    for r in item_results:
        result = ItemResult.objects.filter(inspection=inspection, item=r.item).first()
        result = result or ItemResult(inspection=inspection, item=r.item)
        result.category = r.category
        result.findings = r.findings.strip()
        result.recorded_by = actor
        result._history_user = actor  # type: ignore[attr-defined]
        result.save()
    if task.state == TaskState.DRAWN:
        _transition(task, TaskState.INSPECTING, actor=actor, reason="开始录入检查结果")
    record(
        events.InspectionSaved(
            object_id=str(inspection.pk),
            summary=f"录入{target.name}的检查结果（第{draw.pk}号抽取）",
            draw=draw.pk,
            target=target.credit_code,
            state=inspection.state,
            inspected_on=inspected_on.isoformat() if inspected_on else None,
            inspectors=[i.cert_no for i in inspectors] if inspectors is not None else [],
            overall_category=overall_category.code if overall_category else None,
            item_results={r.item.code: r.category.code for r in item_results},
        ),
        actor=actor,
    )
    return inspection


def _move(inspection: Inspection, to: str, *, actor: User, comment: str = "") -> None:
    InspectionTransition.objects.create(
        inspection=inspection,
        from_state=inspection.state,
        to_state=to,
        actor=actor,
        comment=comment,
    )
    inspection.state = to


@transaction.atomic
def inspection_submit(*, actor: User, inspection: Inspection) -> Inspection:
    task, inspection = _lock(inspection)
    draw, target = inspection.draw, inspection.target
    if not access.can_record_inspection(actor, draw, target):
        raise NotAllowed(
            gettext("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以提交检查结果")
        )
    if inspection.state not in EDITABLE:
        raise ServiceError(
            gettext("检查结果当前为“%(state)s”，不能提交")
            % {"state": inspection.get_state_display()}
        )
    if inspection.inspected_on is None:
        raise ServiceError(gettext("请填写检查日期"))
    _check_date(task, inspection.inspected_on)
    present = list(inspection.inspectors.all())
    if len(present) < MIN_PRESENT:
        raise ServiceError(gettext("到场检查人员至少应记录两名（第十一条），请补充"))
    # A recusal after the draft was saved must not leave a recused inspector on the record.
    _check_present(draw, target, present, inspection.inspected_on)
    overall = inspection.overall_category
    if overall is None:
        raise ServiceError(gettext("请选择总体检查结果"))
    recorded = {r.item_id: r for r in inspection.item_results.select_related("category")}
    missing = [i.name for i in selectors.applicable_items(task, target) if i.pk not in recorded]
    if missing:
        raise ServiceError("以下事项尚未录入检查结果：" + "、".join(missing))
    if not overall.problem_found and any(r.category.problem_found for r in recorded.values()):
        raise ServiceError(
            gettext("有事项发现问题，总体检查结果不能为“%(overall)s”") % {"overall": overall.name}
        )
    _move(inspection, InspectionState.SUBMITTED, actor=actor)
    inspection.submitted_by = actor
    inspection.submitted_at = timezone.now()
    inspection._history_user = actor  # type: ignore[attr-defined]
    inspection.save()
    record(
        events.InspectionSubmitted(
            object_id=str(inspection.pk),
            summary=f"提交{target.name}的检查结果：{overall.name}",
            draw=draw.pk,
            target=target.credit_code,
            overall_category=overall.code,
        ),
        actor=actor,
    )
    return inspection


@transaction.atomic
def inspection_review(
    *, actor: User, inspection: Inspection, accept: bool, comment: str = ""
) -> Inspection:
    """Accept (→ credit record, Art. 19) or return with a comment for correction."""
    task, inspection = _lock(inspection)
    target = inspection.target
    if not access.can_review_inspection(actor, task):
        raise NotAllowed(gettext("只有牵头部门的业务科室人员可以审核检查结果"))
    if inspection.state != InspectionState.SUBMITTED:
        raise ServiceError(
            gettext("检查结果当前为“%(state)s”，不在待审核状态")
            % {"state": inspection.get_state_display()}
        )
    if inspection.submitted_by_id == actor.pk:
        raise NotAllowed(gettext("不能审核本人提交的检查结果，请由牵头部门其他人员审核"))
    comment = comment.strip()
    if not accept and not comment:
        raise ServiceError(gettext("退回时请填写审核意见"))
    to = InspectionState.ACCEPTED if accept else InspectionState.RETURNED
    _move(inspection, to, actor=actor, comment=comment)
    inspection.reviewed_by = actor
    inspection.reviewed_at = timezone.now()
    inspection.review_comment = comment
    inspection._history_user = actor  # type: ignore[attr-defined]
    inspection.save()
    record(
        events.InspectionReviewed(
            object_id=str(inspection.pk),
            summary=f"{'审核通过' if accept else '退回'}{target.name}的检查结果",
            draw=inspection.draw_id,
            target=target.credit_code,
            decision=to,
            comment=comment,
        ),
        actor=actor,
    )
    if accept:
        overall = inspection.overall_category
        assert overall is not None and inspection.inspected_on is not None
        credit_record_add(
            actor=actor,
            target=target,
            source=CreditSource.INSPECTION,
            problem_found=overall.problem_found,
            summary=f"{task.name}：{overall.name}",
            occurred_on=inspection.inspected_on,
            reference=f"inspection:{inspection.pk}",
        )
        if task.state == TaskState.INSPECTING and selectors.all_accepted(inspection.draw):
            _transition(task, TaskState.RESULTS_IN, actor=actor, reason="全部检查结果审核通过")
    return inspection


# --- evidence ------------------------------------------------------------------------------

# Decided by the file's first bytes, never by its name or the browser's claimed type.
MAGIC: list[tuple[bytes, str, str]] = [
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
]


def detect_type(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


def _read_limited(file: IO[bytes] | bytes, limit: int) -> bytes:
    if isinstance(file, bytes):
        data = file
    else:
        declared = getattr(file, "size", None)
        if isinstance(declared, int) and declared > limit:
            data = b"x" * (limit + 1)  # refuse without reading a huge upload into memory
        else:
            data = file.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            gettext("文件超过大小限制（最大 %(value)s MB）")
            % {"value": format(limit / 1024 / 1024, ".1f")},
            field="file",
        )
    return data


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    inspection: Inspection,
    file: IO[bytes] | bytes,
    filename: str,
    description: str = "",
) -> Evidence:
    """Attach a photo (JPEG/PNG) or PDF. Nothing is written unless every check passes."""
    _, inspection = _lock(inspection)
    if not access.can_record_inspection(actor, inspection.draw, inspection.target):
        raise NotAllowed(
            gettext("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以上传证据材料")
        )
    if inspection.state == InspectionState.ACCEPTED:
        raise ServiceError(gettext("检查结果已审核通过，不能再添加证据材料"))
    data = _read_limited(file, settings.EVIDENCE_MAX_BYTES)
    if not data:
        raise ServiceError(gettext("文件为空"), field="file")
    detected = detect_type(data[:16])
    if detected is None:
        raise ServiceError(gettext("只能上传照片（JPEG、PNG）或 PDF 文件"), field="file")
    content_type, ext = detected
    digest = hashlib.sha256(data).hexdigest()
    name = f"evidence/{timezone.localdate().year}/{digest[:16]}-{uuid.uuid4().hex[:8]}{ext}"
    stored = default_storage.save(name, ContentFile(data))
    try:
        evidence = Evidence.objects.create(
            inspection=inspection,
            file=stored,
            original_name=(filename.replace("\\", "/").rsplit("/", 1)[-1] or "未命名")[:200],
            content_type=content_type,
            size=len(data),
            sha256=digest,
            description=description.strip()[:300],
            uploaded_by=actor,
        )
        record(
            events.EvidenceAdded(
                object_id=str(evidence.pk),
                summary=f"上传{inspection.target.name}的证据材料 {evidence.original_name}",
                inspection=inspection.pk,
                filename=evidence.original_name,
                content_type=content_type,
                size=len(data),
                sha256=digest,
            ),
            actor=actor,
        )
    except BaseException:
        # The row never committed: do not leave an orphan file behind.
        default_storage.delete(stored)
        raise
    return evidence
