"""Review of submitted results by the lead section, 后续处置 on accepted ones (rectification,
penalty, transfer) and 重大执法决定法制审核 by the legal reviewers (Art. 4, 6)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.core import access
from spotcheck.inspections import selectors, services
from spotcheck.inspections.forms import (
    LegalReviewForm,
    PenaltyForm,
    PenaltyResubmitForm,
    RectificationForm,
    ReviewForm,
    TransferForm,
    VerifyForm,
)
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpKind,
    FollowUpState,
    Inspection,
    InspectionState,
    LegalReview,
)
from spotcheck.inspections.views import render_record, summary_context
from spotcheck.planning.views import call_service, current_user, paginate, require


def _follow_up_denied() -> str:
    # A function, not a constant: translated in the language of the request.
    return _("只有参与该任务的部门的业务科室人员可以登记后续处置")


def _inspection(pk: int) -> Inspection:
    return get_object_or_404(
        Inspection.objects.select_related("draw__task", "target").defer("draw__proof"), pk=pk
    )


def _follow_up(pk: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.select_related("inspection__draw__task", "inspection__target"), pk=pk
    )


def _back(inspection: Inspection) -> HttpResponse:
    return redirect(
        "inspections:record", draw_pk=inspection.draw_id, target_pk=inspection.target_id
    )


# --- review by the lead section ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    require(
        access.can_review_inspection(user, inspection.draw.task),
        _("只有牵头部门的业务科室人员可以审核检查结果"),
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.inspection_review(
                actor=user,
                inspection=inspection,
                accept=form.accept(),
                comment=form.cleaned_data["comment"],
            ),
        )
        if done is not None:
            text = (
                _("已审核通过%(name)s的检查结果")
                if done.state == InspectionState.ACCEPTED
                else _("已退回%(name)s的检查结果")
            )
            messages.success(request, text % {"name": inspection.target.name})
            return redirect("inspections:review_queue")
    context = summary_context(user, inspection.draw, inspection.target)
    context.update(
        {
            "form": form if inspection.state == InspectionState.SUBMITTED else None,
            "own": inspection.submitted_by_id == user.pk,
        }
    )
    return render(request, "inspections/review.html", context)


# --- follow-ups on an accepted inspection ------------------------------------------------------


@login_required
@require_POST
def rectification_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    require(access.can_add_follow_up(user, inspection.draw.task), _follow_up_denied())
    form = RectificationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.rectification_order(
                actor=user,
                inspection=inspection,
                order_text=data["order_text"],
                due_on=data["due_on"],
                description=data["description"],
            ),
        )
        if done is not None:
            messages.success(request, _("已登记责令改正"))
            return _back(inspection)
    return render_record(request, inspection.draw, inspection.target, rectification_form=form)


@login_required
@require_POST
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    follow_up = _follow_up(pk)
    inspection = follow_up.inspection
    require(
        access.can_verify_rectification(user, follow_up),
        _("只有处置部门的业务科室人员或该对象的检查组成员可以核查整改情况"),
    )
    form = VerifyForm(request.POST, id_prefix=f"verify{follow_up.pk}")
    if form.is_valid():
        done = call_service(
            form,
            lambda: services.rectification_verify(
                actor=user,
                follow_up=follow_up,
                rectified=form.cleaned_data["rectified"],
                note=form.cleaned_data["note"],
            ),
        )
        if done is not None:
            messages.success(request, _("已登记整改核查情况"))
            return _back(inspection)
    return render_record(
        request, inspection.draw, inspection.target, row_forms={follow_up.pk: form}
    )


@login_required
@require_POST
def penalty_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    require(access.can_add_follow_up(user, inspection.draw.task), _follow_up_denied())
    form = PenaltyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.penalty_decide(
                actor=user,
                inspection=inspection,
                decision_no=data["decision_no"],
                penalty_kind=data["penalty_kind"],
                decided_on=data["decided_on"],
                amount=data["amount"],
                major=data["major"],
                description=data["description"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("已登记处罚决定，重大执法决定须经法制审核后生效")
                if done.major
                else _("已登记处罚决定，即时生效"),
            )
            return _back(inspection)
    return render_record(request, inspection.draw, inspection.target, penalty_form=form)


@login_required
@require_POST
def penalty_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    follow_up = _follow_up(pk)
    inspection = follow_up.inspection
    require(
        access.can_add_follow_up(user, inspection.draw.task)
        and user.department_id == follow_up.department_id,
        _("只有作出处罚决定的部门的业务科室人员可以修改后重新提交"),
    )
    form = PenaltyResubmitForm(request.POST, id_prefix=f"resubmit{follow_up.pk}")
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.penalty_resubmit(
                actor=user,
                follow_up=follow_up,
                decision_no=data["decision_no"],
                penalty_kind=data["penalty_kind"],
                decided_on=data["decided_on"],
                amount=data["amount"],
                description=data["description"],
            ),
        )
        if done is not None:
            messages.success(request, _("已修改并重新提交法制审核"))
            return _back(inspection)
    return render_record(
        request, inspection.draw, inspection.target, row_forms={follow_up.pk: form}
    )


@login_required
@require_POST
def transfer_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspection = _inspection(pk)
    require(access.can_add_follow_up(user, inspection.draw.task), _follow_up_denied())
    form = TransferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            lambda: services.transfer_record(
                actor=user,
                inspection=inspection,
                transfer_to=data["transfer_to"],
                receiving_body=data["receiving_body"],
                transferred_on=data["transferred_on"],
                description=data["description"],
            ),
        )
        if done is not None:
            messages.success(request, _("已登记移送"))
            return _back(inspection)
    return render_record(request, inspection.draw, inspection.target, transfer_form=form)


# --- legal review --------------------------------------------------------------------------


@login_required
@require_GET
def legal_queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_legal_review(user), _("只有法制审核人员可以审核重大执法决定"))
    page, page_range = paginate(request, selectors.pending_legal_reviews(user=user), 50)
    decided = access.scope_departments(
        user,
        LegalReview.objects.select_related("follow_up__inspection__target", "reviewer"),
        "follow_up__department",
    ).order_by("-decided_at", "-id")[:20]
    context = {"page": page, "page_range": page_range, "query": "", "decided": decided}
    return render(request, "inspections/legal_queue.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def legal_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(access.can_legal_review(user), _("只有法制审核人员可以审核重大执法决定"))
    follow_up = get_object_or_404(
        access.scope_departments(
            user,
            FollowUp.objects.select_related(
                "inspection__draw__task", "inspection__target", "department", "submitted_by"
            ),
        ),
        pk=pk,
        kind=FollowUpKind.PENALTY,
        major=True,
    )
    form = LegalReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: services.legal_review_decide(
                actor=user,
                follow_up=follow_up,
                approve=form.approve(),
                comment=form.cleaned_data["comment"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                (
                    _("已审核通过处罚决定 %(no)s，决定生效")
                    if form.approve()
                    else _("已退回处罚决定 %(no)s")
                )
                % {"no": follow_up.decision_no},
            )
            return redirect("inspections:legal_queue")
    inspection = follow_up.inspection
    context: dict[str, Any] = summary_context(user, inspection.draw, inspection.target)
    context.update(
        {
            "follow_up": follow_up,
            "reviews": follow_up.legal_reviews.select_related("reviewer"),
            "form": form if follow_up.state == FollowUpState.PENDING_LEGAL_REVIEW else None,
        }
    )
    return render(request, "inspections/legal_review.html", context)
