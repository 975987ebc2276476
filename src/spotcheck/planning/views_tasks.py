"""抽查任务 (实施方案) pages: list, create, detail with history, preview of 抽查概率, approval,
and the yearly-cap override (request by the lead section, approval by the leader)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.core import access
from spotcheck.directory.models import (
    Affiliation,
    CreditClass,
    ProjectProgress,
    Scale,
    Target,
    TargetKind,
)
from spotcheck.draws import selectors as draw_selectors
from spotcheck.draws import services_cap
from spotcheck.draws.forms import CommitForm
from spotcheck.draws.labels import stratum_label
from spotcheck.draws.models import CapOverride
from spotcheck.draws.pool import (
    pool_shortfall,
)
from spotcheck.draws.preview import BEFORE_COMMIT
from spotcheck.planning import services
from spotcheck.planning.forms import CapOverrideForm, TaskForm
from spotcheck.planning.models import SpotCheckTask, TaskState
from spotcheck.planning.views import (
    act_and_redirect,
    call_service,
    current_user,
    paginate,
    require,
)
from spotcheck.planning.views_preview import preview_context

# After the draw the lead section moves the task on by hand (the inspections services also move
# it when results come in); each move is a TaskTransition with its reason.
NEXT_STATE: dict[str, str] = {
    TaskState.DRAWN: TaskState.INSPECTING,
    TaskState.INSPECTING: TaskState.RESULTS_IN,
    TaskState.RESULTS_IN: TaskState.CLOSED,
}
FILTER_LABELS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "industry": ("行业", None),
    "region": ("所属区域", None),
    "affiliation": ("隶属关系", dict(Affiliation.choices)),
    "scale": ("生产经营规模", dict(Scale.choices)),
    "project_progress": ("项目进展", dict(ProjectProgress.choices)),
    "credit_class": ("信用风险分类", dict(CreditClass.choices)),
    "kind": ("对象类型", dict(TargetKind.choices)),
    "q": ("关键字", None),
    "status": ("登记状态", None),
    "department": ("监管部门", None),
}
FLAG_LABELS = {
    "key_industry": "重点行业",
    "blacklisted": "列入黑名单",
    "abnormal_list": "列入经营异常名录",
    "serious_violation": "严重违法失信",
}


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_tasks(user), _("无权查看抽查任务"))
    qs = draw_selectors.task_list(user=user).prefetch_related("departments")
    state = request.GET.get("state", "")
    if state in TaskState.values:
        qs = qs.filter(state=state)
    page, page_range = paginate(request, qs, 50)
    context = {
        "page": page,
        "page_range": page_range,
        "query": f"state={state}" if state in TaskState.values else "",
        "state": state,
        "states": TaskState.choices,
        "can_create": access.can_create_directory_records(user),
    }
    return render(request, "planning/task_list.html", context)


@login_required
def task_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_create_directory_records(user), _("只有业务科室人员可以制定抽查任务"))
    initial = {}
    if request.GET.get("plan", "").isdigit():
        initial["plan"] = int(request.GET["plan"])
    form = TaskForm(request.POST or None, actor=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        task = call_service(
            form,
            lambda: services.task_create(
                actor=user,
                name=data["name"],
                mode=data["mode"],
                items=data["items"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                sample=data["sample"],
                partner_departments=list(data["partner_departments"]),
                filters=form.filters(),
                stratify_by=data.get("stratify_by") or "",
                team_size=data["team_size"],
                plan=data.get("plan"),
            ),
        )
        if task is not None:
            shortfall = pool_shortfall(task)
            if shortfall:
                # Saved as a draft all the same (the clerk may fix the directory first), but
                # said now rather than when the leader's approval is refused.
                messages.warning(
                    request,
                    _("已保存抽查任务“%(name)s”（草稿），但暂不能报批：%(why)s")
                    % {"name": task.name, "why": shortfall},
                )
            else:
                messages.success(
                    request,
                    _("已制定抽查任务“%(name)s”，请报分管领导批准") % {"name": task.name},
                )
            return redirect("planning:task_detail", pk=task.pk)
    return render(request, "planning/task_form.html", {"form": form})


# --- detail and preview ----------------------------------------------------------------------


def _filters_display(filters: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in filters.items():
        if key == "flags":
            out.append((_("标记"), "、".join(FLAG_LABELS.get(f, f) for f in value)))
            continue
        label, choices = FILTER_LABELS.get(key, (key, None))
        out.append((label, str(choices.get(value, value)) if choices else str(value)))
    return out


def _sample_display(sample: dict[str, Any]) -> str:
    mode = _("按数量") if sample.get("mode") == "count" else _("按比例")
    parts = [f"{stratum_label(k)}={v}" for k, v in sample.get("values", {}).items()]
    text = f"{mode}：{'；'.join(parts)}"
    if sample.get("minimum"):
        text += _("；每层至少 %(n)s 个") % {"n": sample["minimum"]}
    return text


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = get_object_or_404(
        SpotCheckTask.objects.select_related(
            "lead_department", "plan", "created_by", "approved_by", "risk_model"
        ),
        pk=pk,
    )
    require(access.can_view_task(user, task), _("无权查看该抽查任务"))
    preview = preview_context(request, task)
    can_run = access.can_run_draw(user, task)
    context = {
        "task": task,
        "departments": task.departments.order_by("code"),
        "items": task.items.select_related("department").order_by("department__code", "code"),
        "filters": _filters_display(task.filters),
        "sample": _sample_display(task.sample),
        "transitions": task.transitions.select_related("actor"),
        "draws": task.draws.select_related("committed_by", "executed_by", "aborted_by")
        .annotate(
            pending_abort_requests=Count(
                "abort_requests", filter=Q(abort_requests__decided_at__isnull=True)
            )
        )
        .order_by("id"),
        "overrides": task.cap_overrides.select_related(
            "target", "requested_by", "approved_by"
        ).order_by("id"),
        "preview": preview,
        "query": "",
        "can_approve": access.can_approve_task(user, task) and task.state == TaskState.DRAFT,
        # Before approval: why this task cannot go forward, said before anyone tries.
        "shortfall": preview.get("shortfall", "") if task.state == TaskState.DRAFT else "",
        "can_run": can_run,
        "can_view_result": access.can_view_draw_result(user, task),
        "commit_form": CommitForm(has_previous=task.draws.exists())
        if can_run and task.state == TaskState.APPROVED
        else None,
        "override_form": CapOverrideForm(targets=preview.get("capped", []))
        if can_run and task.state in BEFORE_COMMIT and preview.get("capped")
        else None,
        "can_approve_override": access.can_approve_task(user, task),
        "next_state": TaskState(NEXT_STATE[task.state])
        if can_run and task.state in NEXT_STATE
        else None,
    }
    return render(request, "planning/task_detail.html", context)


@login_required
@require_POST
def task_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = get_object_or_404(SpotCheckTask, pk=pk)
    require(access.can_approve_task(user, task), _("只有分管牵头部门的领导可以批准抽查任务"))
    return act_and_redirect(
        request,
        lambda: services.task_approve(actor=user, task=task),
        _("已批准抽查任务"),
        "planning:task_detail",
        pk=pk,
    )


@login_required
@require_POST
def task_advance(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = get_object_or_404(SpotCheckTask, pk=pk)
    require(access.can_run_draw(user, task), _("只有牵头部门的业务科室人员可以推进任务"))
    to = NEXT_STATE.get(task.state)
    if to is None or request.POST.get("to") != to:
        # A stale page (someone else moved the task meanwhile) must not skip a state.
        messages.error(request, _("任务状态已变化，请刷新页面后重试"))
        return redirect("planning:task_detail", pk=pk)
    reason = str(request.POST.get("reason", ""))[:300]
    return act_and_redirect(
        request,
        lambda: services.task_advance(actor=user, task=task, to=to, reason=reason),
        _("任务状态已变更为“%(state)s”") % {"state": TaskState(to).label},
        "planning:task_detail",
        pk=pk,
    )


@login_required
@require_POST
def override_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    task = get_object_or_404(SpotCheckTask, pk=pk)
    require(access.can_run_draw(user, task), _("只有牵头部门的业务科室人员可以申请"))
    target = None
    if str(request.POST.get("target", "")).isdigit():
        target = Target.objects.filter(pk=int(request.POST["target"])).first()
    reason = str(request.POST.get("reason", ""))
    if target is None:
        messages.error(request, _("请选择因年度检查次数上限被排除的检查对象"))
        return redirect("planning:task_detail", pk=pk)
    return act_and_redirect(
        request,
        lambda: services_cap.cap_override_request(
            actor=user, task=task, target=target, reason=reason
        ),
        _("已提交突破年度检查次数上限的申请，待分管领导批准"),
        "planning:task_detail",
        pk=pk,
    )


@login_required
@require_POST
def override_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    override = get_object_or_404(CapOverride.objects.select_related("task"), pk=pk)
    require(
        access.can_approve_task(user, override.task),
        _("只有分管领导可以批准突破年度检查次数上限"),
    )
    return act_and_redirect(
        request,
        lambda: services_cap.cap_override_approve(actor=user, override=override),
        _("已批准突破年度检查次数上限"),
        "planning:task_detail",
        pk=override.task_id,
    )
