"""Inspection pages: one target's record (results, inspectors present, evidence, submit), the
检查通知书/双清单 downloads, and the lists of results.

Thin like every page here: parse, ask a core.access predicate, call one service. ServiceError
becomes a Chinese message on the form; NotAllowed is a 403; unknown ids are a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.models import User
from spotcheck.core import access
from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import Target
from spotcheck.draws import services_confidential as confidential
from spotcheck.draws.models import Draw, DrawState
from spotcheck.inspections import selectors, services
from spotcheck.inspections.documents import DOCUMENTS
from spotcheck.inspections.forms import (
    EvidenceForm,
    InspectionForm,
    PenaltyForm,
    PenaltyResubmitForm,
    RectificationForm,
    TransferForm,
    VerifyForm,
)
from spotcheck.inspections.models import (
    Evidence,
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
)
from spotcheck.inspections.services_inspection import EDITABLE
from spotcheck.planning.views import act_and_redirect, call_service, current_user, paginate, require

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# ``lists`` is accepted as a short alias of the service's ``double_list``.
DOC_ALIASES = {"notice": "notice", "double_list": "double_list", "lists": "double_list"}


# --- loading and the shared page context -----------------------------------------------------


def _draw_and_target(user: User, draw_pk: int, target_pk: int) -> tuple[Draw, Target]:
    """404 for unknown ids, 403 without access, and only then 404 for a target not drawn, so
    an outsider cannot probe who was drawn (Art. 18)."""
    draw = get_object_or_404(Draw.objects.select_related("task"), pk=draw_pk)
    target = get_object_or_404(Target, pk=target_pk)
    require(access.can_view_inspection(user, draw, target), _("无权查看该检查对象的检查记录"))
    if draw.state != DrawState.EXECUTED or not selectors.is_drawn(draw, target):
        raise Http404(_("该检查对象不在本次抽取结果中"))
    return draw, target


def _inspection(pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.select_related("draw__task", "target", "overall_category").defer(
            "draw__proof"
        ),
        pk=pk,
    )


@dataclass
class FollowUpRow:
    follow_up: FollowUp
    reviews: list[Any]
    verify_form: VerifyForm | None = None
    resubmit_form: PenaltyResubmitForm | None = None


def _follow_up_rows(
    user: User, inspection: Inspection, bound: dict[int, forms.Form]
) -> list[FollowUpRow]:
    rows = []
    for fu in inspection.follow_ups.select_related("department", "created_by", "verified_by"):
        row = FollowUpRow(fu, list(fu.legal_reviews.select_related("reviewer")))
        if (
            fu.kind == FollowUpKind.RECTIFICATION
            and fu.state == FollowUpState.OPEN
            and access.can_verify_rectification(user, fu)
        ):
            form = bound.get(fu.pk)
            row.verify_form = (
                form if isinstance(form, VerifyForm) else VerifyForm(id_prefix=f"verify{fu.pk}")
            )
        if (
            fu.kind == FollowUpKind.PENALTY
            and fu.state == FollowUpState.RETURNED
            and access.can_add_follow_up(user, inspection.draw.task)
            and user.department_id == fu.department_id
        ):
            form = bound.get(fu.pk)
            row.resubmit_form = (
                form
                if isinstance(form, PenaltyResubmitForm)
                else PenaltyResubmitForm(
                    id_prefix=f"resubmit{fu.pk}",
                    initial={
                        "decision_no": fu.decision_no,
                        "penalty_kind": fu.penalty_kind,
                        "amount": fu.amount,
                        "decided_on": fu.decided_on,
                        "description": fu.description,
                    },
                )
            )
        rows.append(row)
    return rows


def summary_context(user: User, draw: Draw, target: Target) -> dict[str, Any]:
    """What every page about one inspection shows read-only (record, review, legal review)."""
    task = draw.task
    inspection = (
        Inspection.objects.select_related("overall_category", "submitted_by", "reviewed_by")
        .filter(draw=draw, target=target)
        .first()
    )
    items = selectors.applicable_items(task, target)
    results = (
        {r.item_id: r for r in inspection.item_results.select_related("category")}
        if inspection
        else {}
    )
    return {
        "task": task,
        "draw": draw,
        "target": target,
        "inspection": inspection,
        "team": list(selectors.team(draw, target)),
        "item_rows": [(item, results.get(item.pk)) for item in items],
        "present": list(inspection.inspectors.order_by("cert_no")) if inspection else [],
        "evidence": list(inspection.evidence.select_related("uploaded_by")) if inspection else [],
        "transitions": list(inspection.transitions.select_related("actor")) if inspection else [],
    }


def _record_context(user: User, draw: Draw, target: Target, **bound: Any) -> dict[str, Any]:
    context = summary_context(user, draw, target)
    task, inspection = draw.task, context["inspection"]
    can_record = access.can_record_inspection(user, draw, target)
    editable = inspection is None or inspection.state in EDITABLE
    window = access.window_open(task)
    form = None
    if can_record and editable and window:
        form = bound.get("form") or InspectionForm(
            team=[m.inspector for m in context["team"]],
            items=_own_items(user, task, context),
            initial=_initial(inspection, context),
        )
    accepted = inspection is not None and inspection.state == InspectionState.ACCEPTED
    can_follow_up = accepted and access.can_add_follow_up(user, task)
    context.update(
        {
            "form": form,
            "window_open": window,
            "can_submit": can_record and inspection is not None and editable,
            "evidence_form": (bound.get("evidence_form") or EvidenceForm())
            if can_record and inspection is not None and not accepted
            else None,
            "can_review": inspection is not None
            and inspection.state == InspectionState.SUBMITTED
            and access.can_review_inspection(user, task),
            "follow_ups": _follow_up_rows(user, inspection, bound.get("row_forms", {}))
            if inspection
            else [],
            "rectification_form": (bound.get("rectification_form") or RectificationForm())
            if can_follow_up
            else None,
            "penalty_form": (bound.get("penalty_form") or PenaltyForm()) if can_follow_up else None,
            "transfer_form": (bound.get("transfer_form") or TransferForm())
            if can_follow_up
            else None,
            "can_documents": access.can_generate_target_documents(user, draw, target),
        }
    )
    return context


def _own_items(user: User, task: Any, context: dict[str, Any]) -> list[Any]:
    """The items this user answers for: a joint task's partner clerk sees the others' results
    read-only above the form instead of fields the service would refuse."""
    return [item for item, _ in context["item_rows"] if access.can_record_item(user, task, item)]


def _initial(inspection: Inspection | None, context: dict[str, Any]) -> dict[str, Any]:
    if inspection is None:
        # A new record: the whole current team is the usual "present" list.
        return {"inspectors": [m.inspector.pk for m in context["team"]]}
    initial: dict[str, Any] = {
        "inspected_on": inspection.inspected_on,
        "inspectors": [i.pk for i in context["present"]],
        "overall_category": inspection.overall_category_id,
        "summary": inspection.summary,
    }
    for item, result in context["item_rows"]:
        if result is not None:
            initial[f"category_{item.pk}"] = result.category_id
            initial[f"findings_{item.pk}"] = result.findings
    return initial


def render_record(
    request: HttpRequest, draw: Draw, target: Target, status: int = 200, **bound: Any
) -> HttpResponse:
    user = current_user(request)
    context = _record_context(user, draw, target, **bound)
    # A form the page no longer shows (e.g. the inspection is not accepted, so no follow-up
    # forms) still has to say why it was refused.
    shown = {id(v) for v in context.values()} | {
        id(f) for row in context["follow_ups"] for f in (row.verify_form, row.resubmit_form)
    }
    forms_ = [f for k, f in bound.items() if k != "row_forms"]
    for form in [*forms_, *bound.get("row_forms", {}).values()]:
        if id(form) not in shown:
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else None
                for error in errors:
                    messages.error(request, f"{label}：{error}" if label else error)
    return render(request, "inspections/record.html", context, status=status)


# --- the record page --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record(request: HttpRequest, draw_pk: int, target_pk: int) -> HttpResponse:
    """GET: the record (editable for the team and the task's sections); POST: save the draft."""
    user = current_user(request)
    draw, target = _draw_and_target(user, draw_pk, target_pk)
    if request.method != "POST":
        if not access.window_open(draw.task):
            # The page names the team: before the window that is a confidential access.
            confidential.log_confidential_access(
                actor=user, draw=draw, what="检查组", target=target
            )
        return render_record(request, draw, target)
    require(
        access.can_record_inspection(user, draw, target),
        _("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以录入检查结果"),
    )
    context = summary_context(user, draw, target)
    form = InspectionForm(
        request.POST,
        team=[m.inspector for m in context["team"]],
        items=_own_items(user, draw.task, context),
    )
    if form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.inspection_save(
                actor=user,
                draw=draw,
                target=target,
                inspected_on=data["inspected_on"],
                inspectors=list(data["inspectors"]),
                overall_category=data["overall_category"],
                summary=data["summary"],
                item_results=form.item_results(),
            ),
        )
        if saved is not None:
            messages.success(request, _("检查结果草稿已保存"))
            return redirect("inspections:record", draw_pk=draw.pk, target_pk=target.pk)
    return render_record(request, draw, target, form=form)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    require(
        access.can_record_inspection(user, inspection.draw, inspection.target),
        _("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以提交检查结果"),
    )
    return act_and_redirect(
        request,
        lambda: services.inspection_submit(actor=user, inspection=inspection),
        _("检查结果已提交，等待牵头部门审核"),
        "inspections:record",
        draw_pk=inspection.draw_id,
        target_pk=inspection.target_id,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    draw, target = inspection.draw, inspection.target
    require(
        access.can_record_inspection(user, draw, target),
        _("只有该检查对象检查组的执法人员或参与部门的业务科室人员可以上传证据材料"),
    )
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        evidence = call_service(
            form,
            lambda: services.evidence_add(
                actor=user,
                inspection=inspection,
                file=upload,
                filename=upload.name or "",
                description=form.cleaned_data["description"],
            ),
        )
        if evidence is not None:
            messages.success(
                request,
                _("已上传证据材料 %(name)s（SHA-256：%(hash)s）")
                % {"name": evidence.original_name, "hash": evidence.sha256},
            )
            return redirect("inspections:record", draw_pk=draw.pk, target_pk=target.pk)
    return render_record(request, draw, target, evidence_form=form)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = current_user(request)
    evidence = get_object_or_404(
        Evidence.objects.select_related("inspection__draw__task", "inspection__target"), pk=pk
    )
    inspection = evidence.inspection
    require(
        access.can_view_inspection(user, inspection.draw, inspection.target),
        _("无权查看该证据材料"),
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("证据文件不存在")) from exc
    # Always a download with the type detected at upload: never rendered as a page of ours.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- 检查通知书 and 双清单 ---------------------------------------------------------------------------


@login_required
@require_GET
def target_documents(request: HttpRequest, draw_pk: int, target_pk: int) -> HttpResponse:
    """Without ``doc``: the page with both links; ``doc=notice|double_list``: the .docx."""
    user = current_user(request)
    draw = get_object_or_404(Draw.objects.select_related("task"), pk=draw_pk)
    target = get_object_or_404(Target, pk=target_pk)
    require(
        access.can_generate_target_documents(user, draw, target),
        _("只有参与部门的业务科室人员或该对象的检查组成员可以生成检查文书"),
    )
    if draw.state != DrawState.EXECUTED or not selectors.is_drawn(draw, target):
        raise Http404(_("该检查对象不在本次抽取结果中"))
    doc = request.GET.get("doc", "")
    if doc:
        document = DOC_ALIASES.get(doc)
        if document is None:
            raise Http404(_("文书类型无效"))
        title = DOCUMENTS[document][0]
        try:
            name, data = services.target_document(
                actor=user, draw=draw, target=target, document=document
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("inspections:target_documents", draw_pk=draw.pk, target_pk=target.pk)
        # Names the team: a confidential access before the window (Art. 18), logged every time.
        confidential.log_confidential_access(
            actor=user, draw=draw, what=f"{title}（下载）", target=target
        )
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    confidential.log_confidential_access(actor=user, draw=draw, what="检查文书", target=target)
    context = {
        "draw": draw,
        "task": draw.task,
        "target": target,
        "team": list(selectors.team(draw, target)),
        "items": selectors.applicable_items(draw.task, target),
        "window_open": access.window_open(draw.task),
    }
    return render(request, "inspections/documents.html", context)


# --- lists -----------------------------------------------------------------------------------


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_inspection_list(user), _("无权查看检查结果"))
    qs = selectors.inspections_visible(user=user)
    state = request.GET.get("state", "")
    if state in InspectionState.values:
        qs = qs.filter(state=state)
    page, page_range = paginate(request, qs, 50)
    context = {
        "page": page,
        "page_range": page_range,
        "state": state,
        "states": InspectionState.choices,
        "query": f"state={state}" if state in InspectionState.values else "",
    }
    return render(request, "inspections/inspection_list.html", context)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_review_queue(user), _("只有业务科室人员可以审核检查结果"))
    qs = (
        selectors.inspections_visible(user=user)
        .filter(state=InspectionState.SUBMITTED, draw__task__lead_department=user.department_id)
        .select_related("submitted_by")
    )
    page, page_range = paginate(request, qs, 50)
    return render(
        request,
        "inspections/review_queue.html",
        {"page": page, "page_range": page_range, "query": ""},
    )
