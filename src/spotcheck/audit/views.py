"""The audit-log browser (执法全过程记录): auditors and admins only, read-only."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spotcheck.audit import confidential, verification
from spotcheck.audit.models import AuditEvent
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.jobs.models import JobState
from spotcheck.jobs.services import job_for

PAGE_SIZE = 50
# Readable names for the event types known today; an unknown type is shown by its code, so a new
# event kind never disappears from the page just because nobody named it here yet.
EVENT_LABELS = {
    "directory.created": gettext_lazy("新增名录记录"),
    "directory.changed": gettext_lazy("修改名录记录"),
    "directory.import_committed": gettext_lazy("批量导入"),
    "directory.exported": gettext_lazy("导出"),
    "directory.conflict_declared": gettext_lazy("申报利害关系"),
    "directory.conflict_withdrawn": gettext_lazy("撤回利害关系申报"),
    "planning.plan_saved": gettext_lazy("保存年度计划"),
    "planning.plan_approved": gettext_lazy("批准年度计划"),
    "planning.task_created": gettext_lazy("创建抽查任务"),
    "planning.task_state_changed": gettext_lazy("抽查任务状态变更"),
    "draws.committed": gettext_lazy("抽取承诺"),
    "draws.executed": gettext_lazy("执行抽取"),
    "draws.aborted": gettext_lazy("抽取作废"),
    "draws.abort_requested": gettext_lazy("申请作废抽取"),
    "draws.abort_rejected": gettext_lazy("驳回作废抽取申请"),
    "disclosure.publication_voided": gettext_lazy("公示标记作废"),
    "draws.recusal": gettext_lazy("回避"),
    "draws.advance_notice": gettext_lazy("提前告知"),
    "draws.confidential_access": gettext_lazy("查看保密名单"),
    "draws.cap_override_requested": gettext_lazy("申请超出年度检查次数"),
    "draws.cap_override_approved": gettext_lazy("批准超出年度检查次数"),
    "inspections.saved": gettext_lazy("保存检查结果"),
    "inspections.submitted": gettext_lazy("提交检查结果"),
    "inspections.reviewed": gettext_lazy("审核检查结果"),
    "inspections.legal_review": gettext_lazy("法制审核"),
    "inspections.evidence_added": gettext_lazy("添加证据"),
    "inspections.follow_up_added": gettext_lazy("新增后续处置"),
    "inspections.follow_up_changed": gettext_lazy("修改后续处置"),
    "inspections.document_generated": gettext_lazy("生成文书"),
    "credit.record_added": gettext_lazy("新增信用记录"),
    "credit.risk_model_created": gettext_lazy("新建风险模型"),
    "audit.signing_key_registered": gettext_lazy("登记审计签名公钥"),
    "system.demo_loaded": gettext_lazy("载入演示数据"),
    "accounts.user_created": gettext_lazy("新建用户"),
    "accounts.user_changed": gettext_lazy("修改用户（角色、部门、分管、启用）"),
    "accounts.password_reset": gettext_lazy("重置用户密码"),
    "accounts.department_created": gettext_lazy("新建部门"),
    "accounts.department_changed": gettext_lazy("修改部门"),
    "api.token_created": gettext_lazy("创建接口令牌"),
    "api.token_revoked": gettext_lazy("撤销接口令牌"),
}


# Directory events name their model in the payload; link them to the record's page (and its
# change history) so an auditor can go from "who did it" to "what it looks like now".
RECORD_URLS = {
    "Target": "directory:target_detail",
    "CheckItem": "directory:item_detail",
    "Inspector": "directory:inspector_detail",
}


def record_url(event: AuditEvent) -> str:
    name = RECORD_URLS.get(str((event.payload or {}).get("model", "")))
    if name is None or not event.object_id.isdigit():
        return ""
    return reverse(name, args=[int(event.object_id)])


def event_label(event_type: str) -> str:
    label = EVENT_LABELS.get(event_type)
    return f"{label}（{event_type}）" if label else event_type


class _KnownCountPaginator(Paginator):
    """A paginator told its count, so the unfiltered log is not COUNT(*)-ed on every visit."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def _parse_date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(
            _("%(label)s“%(value)s”不是有效日期，应为 年-月-日（如 2026-01-31）")
            % {"label": label, "value": raw}
        )
        return None


def _filtered(
    params: Any, errors: list[str], user: Any
) -> tuple[QuerySet[AuditEvent], dict[str, str]]:
    values = {
        name: str(params.get(name, "") or "").strip()[:100]
        for name in ("event_type", "actor", "object", "date_from", "date_to")
    }
    qs = AuditEvent.objects.all()
    if values["event_type"]:
        qs = qs.filter(event_type=values["event_type"])
    if values["actor"]:
        qs = qs.filter(actor_label__icontains=values["actor"])
    if values["object"]:
        term = values["object"]
        qs = qs.filter(
            Q(object_id=term)
            | Q(object_type__iexact=term)
            | confidential.summary_search(user, term)
        )
    start = _parse_date(values["date_from"], _("开始日期"), errors)
    end = _parse_date(values["date_to"], _("结束日期"), errors)
    if start and end and end < start:
        errors.append(_("结束日期不能早于开始日期"))
    else:
        if start:
            qs = qs.filter(at__date__gte=start)
        if end:
            qs = qs.filter(at__date__lte=end)
    return qs.order_by("-seq"), values


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_audit(request.user):
        raise NotAllowed(_("只有纪检监督人员和系统管理员可以查看审计日志"))
    errors: list[str] = []
    qs, values = _filtered(request.GET, errors, request.user)
    unfiltered = not any(values.values())
    paginator = (
        _KnownCountPaginator(qs, PAGE_SIZE, verification.log_size())
        if unfiltered
        else Paginator(qs, PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    # Work bounded by the checkpoint interval, never by the size of the whole log.
    check = verification.page_check(run=request.GET.get("verify") == "1")
    full_job = None
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            full_job = job_for(request.user, uuid.UUID(job_id))  # type: ignore[arg-type]
        except ValueError:
            full_job = None
        if full_job is not None and full_job.kind != verification.JOB_KIND:
            full_job = None
    # Art. 18: names of drawn targets and teams only for readers who may see the lists.
    for ev in confidential.present(page.object_list, request.user):
        ev.payload_json = json.dumps(ev.shown_payload, ensure_ascii=False, indent=2, default=str)
        ev.type_label = event_label(ev.event_type)
        ev.record_url = record_url(ev)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("verify", None)
    params.pop("job", None)
    context = {
        "page": page,
        "page_range": page_range,
        "values": values,
        "errors": errors,
        "event_types": [
            (t, event_label(t))
            for t in AuditEvent.objects.values_list("event_type", flat=True)
            .distinct()
            .order_by("event_type")
        ],
        "check": check,
        "full_job": full_job,
        "full_finished": full_job is not None
        and full_job.state in (JobState.DONE, JobState.FAILED),
        "query": params.urlencode(),
    }
    return render(request, "audit/event_list.html", context)


@login_required
@require_POST
def full_verify(request: HttpRequest) -> HttpResponse:
    """Start re-hashing the whole log from its first event, as a job with a progress bar."""
    job = verification.full_verify_start(actor=request.user)  # type: ignore[arg-type]
    return redirect(f"{reverse('audit:event_list')}?job={job.pk}#chain-verification")
