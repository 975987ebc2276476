"""Staff pages of publications (Art. 14–18): list, detail, and the draft/submit/review/correct/
withdraw actions.

Thin like every page here: parse, ask a predicate, call one service. A ServiceError becomes a
Chinese message on the form, NotAllowed a 403 that says why, unknown ids a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.models import Department, Role, User
from spotcheck.core import access
from spotcheck.disclosure import payloads, selectors, selectors_staff
from spotcheck.disclosure.forms_publications import (
    CorrectForm,
    PublicationFilterForm,
    RestrictionForm,
    ReviewForm,
    WithdrawForm,
)
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.disclosure.publications import (
    can_draft,
    can_review,
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.planning.views import act_and_redirect, call_service, current_user, paginate, require

S = PublicationState
K = PublicationKind
OPEN_STATES = {S.DRAFT, S.SUBMITTED, S.RETURNED}
LIVE_STATES = {S.PUBLISHED, S.SCHEDULED}


def _load(user: User, pk: int) -> Publication:
    publication = get_object_or_404(
        Publication.objects.select_related("department", "author", "reviewer", "withdrawn_by"),
        pk=pk,
    )
    require(access.can_view_publication(user, publication), _("无权查看该公示"))
    return publication


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submission (a draft without restrictions), not an unbound form.
    return request.POST if request.method == "POST" else None


def _visible_departments(user: User) -> Any:
    if user.role == Role.AUDITOR:
        return access.scope_departments(user, Department.objects.order_by("code"), "")
    return Department.objects.filter(pk__in=user.department_ids()).order_by("code")


# --- list ------------------------------------------------------------------------------------


@login_required
@require_GET
def publication_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_publications(user), _("无权查看公示管理"))
    form = PublicationFilterForm(request.GET or None, departments=_visible_departments(user))
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        department = form.cleaned_data["department"]
        filters = {
            "state": form.cleaned_data["state"],
            "kind": form.cleaned_data["kind"],
            "department_id": department.pk if department else None,
        }
    rows = selectors_staff.staff_publications(user=user, **filters)
    page, page_range = paginate(request, rows, 50)
    return render(
        request,
        "disclosure/publication_list.html",
        {
            "form": form,
            "page": page,
            "page_range": page_range,
            **selectors_staff.due_context(user),
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- detail ----------------------------------------------------------------------------------


def _source_url(publication: Publication) -> str:
    """The staff page of the record this publication was drafted from ("" if it is gone)."""
    if not publication.source_id.isdigit():
        return ""
    source = selectors_staff.source_of(publication.kind, int(publication.source_id))
    if source is None:
        return ""
    kind = publication.kind
    if kind == K.ITEM_LIST:
        return reverse("directory:item_list")
    if kind == K.INSPECTOR_LIST:
        return reverse("directory:inspector_list")
    if kind == K.ANNUAL_PLAN:
        return reverse("planning:plan_detail", args=[source.pk])
    if kind == K.TASK_ANNOUNCEMENT:
        return reverse("planning:task_detail", args=[source.pk])
    if kind in {K.DRAW_COMMITMENT, K.DRAW_PROOF}:
        return reverse("draws:draw_detail", args=[source.pk])
    inspection = source if kind == K.INSPECTION_RESULT else source.inspection
    return reverse("inspections:record", args=[inspection.draw_id, inspection.target_id])


def _detail_context(user: User, publication: Publication, **bound: Any) -> dict[str, Any]:
    today = timezone.localdate()
    versions = selectors.history(publication)
    state = publication.state
    correction = next((v for v in versions if v.supersedes_id == publication.pk), None)
    may_draft = can_draft(user, publication.department)
    # A bound form that failed comes back with its errors whatever the state now is.
    review_form = bound.get("review_form")
    review_blocked = ""
    if review_form is None and state == S.SUBMITTED:
        if user.pk == publication.author_id:
            review_blocked = _(
                "你是本公示的起草人，不能审核自己起草的公示（第十四条）：请由本科室其他业务人员或分管领导审核。"
            )
        elif can_review(user, publication):
            review_form = ReviewForm()
        else:
            review_blocked = _("只有公示部门的其他业务科室人员或分管领导可以审核公示。")
    withdraw_form = bound.get("withdraw_form")
    withdrawable = state in LIVE_STATES | {S.DRAFT, S.RETURNED} and access.can_withdraw_publication(
        user, publication
    )
    if withdraw_form is None and withdrawable:
        withdraw_form = WithdrawForm()
    due_on = publication.due_on
    return {
        "publication": publication,
        "versions": versions,
        "trail": selectors_staff.audit_trail(versions),
        "source_url": _source_url(publication),
        "correction": correction,
        "overdue": due_on is not None and state in OPEN_STATES and due_on < today,
        "days_left": (due_on - today).days if due_on is not None else None,
        "open": state in OPEN_STATES,
        "discardable": state in {S.DRAFT, S.RETURNED},
        "can_submit": may_draft and state in {S.DRAFT, S.RETURNED},
        "can_correct": may_draft and state in LIVE_STATES and correction is None,
        "review_form": review_form,
        "review_blocked": review_blocked,
        "withdraw_form": withdraw_form,
    }


@login_required
@require_GET
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    publication = _load(user, pk)
    return render(request, "disclosure/publication_detail.html", _detail_context(user, publication))


# --- draft -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def publication_new(request: HttpRequest, kind: str, source_pk: int) -> HttpResponse:
    """Draft a publication from a source record; the page shows exactly what would be public
    (already redacted) so the clerk can narrow it under Art. 17 before drafting."""
    user = current_user(request)
    if kind not in K.values:
        raise Http404(_("未知的公示类型"))
    source = selectors_staff.source_of(kind, source_pk)
    if source is None:
        raise Http404(_("公示来源不存在"))
    department = selectors_staff.drafting_department(kind, source, user)
    if kind == K.INSPECTION_RESULT and user.role == Role.SECTION and department is None:
        require(False, _("本科室在该检查中没有检查事项，无需公示其结果（谁执法、谁公示）"))
    require(
        department is not None and can_draft(user, department),
        _("只有公示部门的业务科室人员可以起草公示"),
    )
    assert department is not None
    not_ready = selectors_staff.not_ready_reason(kind, source) or _already_published(
        kind, source, department
    )
    built = None
    preview_error = not_ready
    if not not_ready:
        try:
            built = payloads.build(kind, source, department)
        except ValueError as exc:
            preview_error = _("无法从该记录生成公示：%(error)s") % {"error": exc}
    fields = list(built.payload) if built else []
    form = RestrictionForm(_posted(request), fields=fields)
    if request.method == "POST" and built is not None and form.is_valid():
        data = form.cleaned_data
        publication = call_service(
            form,
            lambda: publication_draft(
                actor=user,
                kind=kind,
                source=source,
                restriction_reason=data["restriction_reason"],
                withheld_fields=data["withheld_fields"],
                delayed_until=data["delayed_until"],
            ),
        )
        if publication is not None:
            messages.success(request, _("已起草公示，请核对内容后提交审核"))
            return redirect("disclosure:publication_detail", pk=publication.pk)
    if request.method == "POST" and preview_error:
        messages.error(request, preview_error)
    return render(
        request,
        "disclosure/publication_new.html",
        {
            "kind": kind,
            "kind_label": K(kind).label,
            "department": department,
            "built": built,
            "preview_error": preview_error,
            "form": form if built else None,
            "existing": [
                p for p in selectors_staff.publications_of(source, user=user) if p.kind == kind
            ],
        },
    )


def _already_published(kind: str, source: Any, department: Department) -> str:
    current = selectors_staff.active_publication(kind, source, department)
    if current is None:
        return ""
    return _("该记录已有公示「%(title)s」v%(v)d（%(state)s）；如需修改，请在该公示的详情页更正") % {
        "title": current.title,
        "v": current.version,
        "state": current.get_state_display(),
    }


# --- actions on one publication ---------------------------------------------------------------


@login_required
@require_POST
def publication_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    publication = _load(user, pk)
    require(can_draft(user, publication.department), _("只有公示部门的业务科室人员可以提交公示"))
    return act_and_redirect(
        request,
        lambda: publication_submit(actor=user, publication=publication),
        _("已提交审核"),
        "disclosure:publication_detail",
        pk=publication.pk,
    )


@login_required
@require_POST
def publication_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    publication = _load(user, pk)
    require(
        user.pk != publication.author_id,
        _("你是本公示的起草人，不能审核自己起草的公示（第十四条）"),
    )
    require(
        can_review(user, publication),
        _("只有公示部门的其他业务科室人员或分管领导可以审核公示"),
    )
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = call_service(
            form,
            lambda: publication_review(
                actor=user,
                publication=publication,
                approve=approve,
                comment=form.cleaned_data["comment"].strip(),
            ),
        )
        if done is not None:
            if not approve:
                messages.success(request, _("已退回起草人修改"))
            elif done.state == S.SCHEDULED:
                messages.success(
                    request,
                    _("审核通过，将于 %(day)s 起公开（暂缓公开）")
                    % {"day": f"{done.delayed_until:%Y-%m-%d}"},
                )
            else:
                messages.success(request, _("审核通过，已公示"))
            return redirect("disclosure:publication_detail", pk=publication.pk)
    publication.refresh_from_db()
    return render(
        request,
        "disclosure/publication_detail.html",
        _detail_context(user, publication, review_form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A correction is a new version rebuilt from the source as it is now; the published
    version stays public until the correction is reviewed."""
    user = current_user(request)
    publication = _load(user, pk)
    require(can_draft(user, publication.department), _("只有公示部门的业务科室人员可以更正公示"))
    if publication.state not in LIVE_STATES:
        messages.error(request, _("只有已公示的记录可以更正"))
        return redirect("disclosure:publication_detail", pk=publication.pk)
    fields = list(dict.fromkeys([*publication.payload, *publication.withheld_fields]))
    form = CorrectForm(
        _posted(request),
        fields=fields,
        initial={
            "restriction_reason": publication.restriction_reason,
            "withheld_fields": publication.withheld_fields,
            # A delay still running carries over unless the clerk clears it.
            "delayed_until": publication.delayed_until
            if publication.delayed_until and publication.delayed_until > timezone.localdate()
            else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        correction = call_service(
            form,
            lambda: publication_correct(
                actor=user,
                publication=publication,
                note=data["note"],
                restriction_reason=data["restriction_reason"],
                withheld_fields=data["withheld_fields"],
                delayed_until=data["delayed_until"],
            ),
        )
        if correction is not None:
            messages.success(
                request,
                _("已起草更正版 v%(v)d，提交审核通过后替换原公示") % {"v": correction.version},
            )
            return redirect("disclosure:publication_detail", pk=correction.pk)
    return render(
        request, "disclosure/publication_correct.html", {"publication": publication, "form": form}
    )


@login_required
@require_POST
def publication_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    publication = _load(user, pk)
    require(
        access.can_withdraw_publication(user, publication),
        _("抽取承诺公示后不能撤回；如需重新抽取，请申请作废本次抽取（须分管领导批准）")
        if publication.kind == K.DRAW_COMMITMENT and publication.state != S.DRAFT
        else _("只有公示部门的业务科室人员或分管领导可以撤回公示"),
    )
    form = WithdrawForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            lambda: publication_withdraw(
                actor=user, publication=publication, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("已撤回，公众不再能看到该公示的内容"))
            return redirect("disclosure:publication_detail", pk=publication.pk)
    publication.refresh_from_db()
    return render(
        request,
        "disclosure/publication_detail.html",
        _detail_context(user, publication, withdraw_form=form),
    )
