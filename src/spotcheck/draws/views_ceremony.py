"""The draw ceremony pages: commit → public randomness → execute; abort and redo; downloads.

What a draw page shows before the inspection is only what the commitment reveals (no targets);
the drawn list and teams live on the results page, behind the Art. 18 selectors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import User
from spotcheck.core import access
from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import PublicationKind
from spotcheck.draws import services, services_abort
from spotcheck.draws import services_confidential as confidential
from spotcheck.draws.attempts import entered_before
from spotcheck.draws.forms import AbortDecisionForm, AbortForm, CommitForm, ExecuteForm
from spotcheck.draws.labels import stratum_label
from spotcheck.draws.models import AbortRequest, Draw, DrawState, RandomnessKind
from spotcheck.draws.snapshot import proof_file_bytes
from spotcheck.engine.canonical import canonical_bytes
from spotcheck.planning.models import SpotCheckTask, TaskState
from spotcheck.planning.views import call_service, current_user, require


def _draw_or_404(pk: int) -> Draw:
    return get_object_or_404(
        Draw.objects.select_related(
            "task", "task__lead_department", "committed_by", "executed_by", "aborted_by", "replaces"
        ),
        pk=pk,
    )


@login_required
def commit(request: HttpRequest, task_pk: int) -> HttpResponse:
    user = current_user(request)
    task = get_object_or_404(SpotCheckTask, pk=task_pk)
    require(access.can_run_draw(user, task), _("只有牵头部门的业务科室人员可以组织抽取"))
    form = CommitForm(request.POST or None, has_previous=task.draws.exists())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draw = call_service(
            form,
            lambda: services.draw_commit(
                actor=user,
                task=task,
                randomness_kind=data["randomness_kind"],
                randomness_names=data["names"],
                not_before=data.get("not_before"),
                hash_name=data["hash_name"],
                reason=data.get("reason", ""),
            ),
        )
        if draw is not None:
            messages.success(
                request,
                _(
                    "第%(id)s号抽取已承诺，承诺已在公示门户公开；"
                    "公开随机数产生后（晚于公示时间）录入并执行抽取"
                )
                % {"id": draw.pk},
            )
            return redirect("draws:draw_detail", pk=draw.pk)
    return render(request, "draws/commit.html", {"task": task, "form": form})


def _detail_context(
    user: User,
    draw: Draw,
    execute_form: ExecuteForm | None,
    abort_form: AbortForm | None,
    decision_form: AbortDecisionForm | None = None,
) -> dict[str, Any]:
    task = draw.task
    can_run = access.can_run_draw(user, task)
    requests = list(draw.abort_requests.select_related("requested_by", "decided_by"))
    pending = next((r for r in requests if r.pending), None)
    can_execute = can_run and draw.state == DrawState.COMMITTED and pending is None
    abortable = draw.state != DrawState.ABORTED and task.state in {
        TaskState.COMMITTED,
        TaskState.DRAWN,
    }
    can_abort = abortable and pending is None and services_abort.can_request_abort(user, draw)
    can_decide = (
        abortable
        and pending is not None
        and services_abort.can_decide_abort(user, draw)
        and pending.requested_by_id != user.pk
    )
    commitment = draw.commitment
    earlier = entered_before(draw) if draw.state == DrawState.COMMITTED else None
    if execute_form is None and can_execute:
        # A second attempt must enter the first one's values: offer them.
        values = {item["name"]: item["value"] for item in earlier or []}
        execute_form = ExecuteForm(draw=draw)
        execute_form.initial = {
            f"value_{n}": values[name]
            for n, name in enumerate(execute_form.items)
            if name in values
        }
    return {
        "earlier_randomness": earlier,
        "abort_requests": requests,
        "pending_abort": pending,
        "decision_form": (decision_form or AbortDecisionForm()) if can_decide else None,
        "commitment_publication": draw_publication(PublicationKind.DRAW_COMMITMENT, draw),
        "previous": commitment.get("previous"),
        "draw": draw,
        "task": task,
        "commitment": commitment,
        "source": commitment.get("randomness_source", {}),
        "strata": sorted((stratum_label(k), v) for k, v in commitment.get("strata", {}).items()),
        "execute_form": execute_form if can_execute else None,
        "abort_form": (abort_form or AbortForm()) if can_abort else None,
        "can_view_result": draw.state != DrawState.COMMITTED
        and access.can_view_draw_result(user, task),
        "can_download_proof": draw.has_proof() and access.can_download_proof(user, task),
        "witnesses": draw.randomness_kind == RandomnessKind.WITNESSES,
    }


@login_required
@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _draw_or_404(pk)
    require(access.can_view_task(user, draw.task), _("无权查看该抽查任务"))
    return render(request, "draws/draw_detail.html", _detail_context(user, draw, None, None))


@login_required
@require_POST
def execute(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _draw_or_404(pk)
    require(access.can_run_draw(user, draw.task), _("只有牵头部门的业务科室人员可以组织抽取"))
    if draw.state != DrawState.COMMITTED:
        messages.error(
            request,
            _("第%(id)s号抽取状态为“%(state)s”，不能执行")
            % {"id": draw.pk, "state": draw.get_state_display()},
        )
        return redirect("draws:draw_detail", pk=pk)
    form = ExecuteForm(request.POST, draw=draw)
    if form.is_valid():
        done = call_service(
            form,
            lambda: services.draw_execute(
                actor=user, draw=draw, entries=form.entries(), published_at=form.published_at()
            ),
        )
        if done is not None:
            messages.success(request, _("第%(id)s号抽取已完成") % {"id": draw.pk})
            return redirect("draws:results", pk=pk)
    return render(request, "draws/draw_detail.html", _detail_context(user, draw, form, None))


@login_required
@require_POST
def abort(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _draw_or_404(pk)
    require(
        services_abort.can_request_abort(user, draw),
        _("只有牵头部门的业务科室人员可以申请作废抽取"),
    )
    form = AbortForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            lambda: services_abort.draw_abort_request(
                actor=user, draw=draw, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("已申请作废第%(id)s号抽取，待分管领导审批；批准前抽取仍然有效") % {"id": draw.pk},
            )
            return redirect("draws:draw_detail", pk=draw.pk)
    draw.refresh_from_db()
    return render(request, "draws/draw_detail.html", _detail_context(user, draw, None, form))


@login_required
@require_POST
def abort_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    abort_request = get_object_or_404(
        AbortRequest.objects.select_related("draw").defer("draw__proof"), pk=pk
    )
    draw = _draw_or_404(abort_request.draw_id)
    require(
        services_abort.can_decide_abort(user, draw),
        _("只有牵头部门的分管领导可以审批作废抽取"),
    )
    form = AbortDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = call_service(
            form,
            lambda: services_abort.draw_abort_decide(
                actor=user,
                request=abort_request,
                approve=approve,
                comment=form.cleaned_data["comment"],
            ),
        )
        if done is not None:
            if approve:
                messages.success(
                    request,
                    _("第%(id)s号抽取已作废，门户上的承诺已标记作废；任务可说明原因后重新抽取")
                    % {"id": draw.pk},
                )
                return redirect("planning:task_detail", pk=draw.task_id)
            messages.success(request, _("已驳回作废申请，第%(id)s号抽取继续有效") % {"id": draw.pk})
            return redirect("draws:draw_detail", pk=draw.pk)
    draw.refresh_from_db()
    return render(request, "draws/draw_detail.html", _detail_context(user, draw, None, None, form))


@login_required
@require_GET
def commitment_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The commitment is public before the inspection: it fingerprints but names no target."""
    user = current_user(request)
    draw = _draw_or_404(pk)
    require(access.can_view_task(user, draw.task), _("无权查看该抽查任务"))
    # The canonical bytes, as the portal serves them: `verify --commitment` compares bytes.
    response = HttpResponse(
        canonical_bytes(draw.commitment), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f"attachment; filename=draw-{draw.pk}-commitment.json"
    return response


@login_required
@require_GET
def proof_json(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _draw_or_404(pk)
    require(
        access.can_download_proof(user, draw.task),
        _("检查开始前抽取证明保密（第十八条），您无权下载"),
    )
    if draw.proof is None:
        raise Http404("该抽取尚未执行，还没有抽取证明")
    confidential.log_confidential_access(actor=user, draw=draw, what="抽取证明")
    # The canonical bytes of the whole document: the verifier reads them back exactly.
    response = HttpResponse(proof_file_bytes(draw), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename=draw-{draw.pk}-proof.json"
    return response
