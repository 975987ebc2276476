"""检查对象名录库 pages: list with the Art. 8 filters, detail with history, create/edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import Department
from spotcheck.core import access
from spotcheck.core.errors import ServiceError
from spotcheck.directory import selectors, services
from spotcheck.directory.forms import SupervisionForm, TargetForm
from spotcheck.directory.models import (
    Affiliation,
    CreditClass,
    ProjectProgress,
    Scale,
    Supervision,
    SupervisionGrade,
    Target,
    TargetKind,
    TargetStatus,
)
from spotcheck.directory.selectors import TargetFilter
from spotcheck.directory.views import (
    call_service,
    current_user,
    field_label,
    history_rows,
    paginate,
    record_fields,
    require,
)

INDUSTRY_SUGGESTIONS = 400
FLAG_NAMES = ["key_industry", "blacklisted", "abnormal_list", "serious_violation"]


SELECT_FILTERS = [
    ("kind", TargetKind.choices),
    ("affiliation", Affiliation.choices),
    ("scale", Scale.choices),
    ("project_progress", ProjectProgress.choices),
    ("credit_class", CreditClass.choices),
    ("status", TargetStatus.choices),
]
DETAIL_FIELDS = [
    "credit_code",
    "name",
    "kind",
    "legal_representative",
    "address",
    "industry_code",
    "industry_name",
    "region",
    "affiliation",
    "scale",
    "project_progress",
    "credit_class",
    "supervision_grade",
    "key_industry",
    "complaint_count",
    "blacklisted",
    "abnormal_list",
    "serious_violation",
    "status",
    "departments",
    "updated_at",
]


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_targets(user), _("无权查看检查对象名录库"))
    filters, errors = TargetFilter.from_params(request.GET)
    # A department's clerks filter and read 重点行业 by their department's own flag.
    own = selectors.register_department(user)
    qs = selectors.target_list(user=user, filters=filters, department_id=own)
    qs = qs.prefetch_related("departments")
    page, page_range = paginate(request, qs, capped=True)
    own_flags = selectors.own_key_industry(own, [t.pk for t in page.object_list])
    for target in page.object_list:
        target.shown_key_industry = own_flags.get(target.pk, target.key_industry)
    editable: set[int] = set()
    if access.can_create_directory_records(user) and user.department is not None:
        # One query for the page instead of one permission check per row.
        ids = [t.pk for t in page.object_list]
        editable = set(
            Target.objects.filter(pk__in=ids, departments=user.department).values_list(
                "pk", flat=True
            )
        )
    context = {
        "page": page,
        "page_range": page_range,
        "filters": filters,
        "errors": errors,
        "query": _query_without_page(request),
        "editable": editable,
        "can_create": access.can_create_directory_records(user),
        "can_import": access.can_import(user),
        "can_export": access.can_export(user),
        "regions": selectors.target_regions(),
        # Suggestions only (any GB/T 4754 prefix may be typed); keep the page small.
        "industries": selectors.target_industries()[:INDUSTRY_SUGGESTIONS],
        "departments": access.scope_departments(user, Department.objects.filter(active=True), ""),
        "selects": [
            {
                "name": name,
                "label": field_label(Target, name),
                "choices": [c for c in choices if c[0]],
                "value": getattr(filters, name),
            }
            for name, choices in SELECT_FILTERS
        ],
        "flag_labels": [(name, field_label(Target, name)) for name in FLAG_NAMES],
        "own_department": own is not None,
    }
    return render(request, "directory/target_list.html", context)


@login_required
@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_targets(user), _("无权查看检查对象名录库"))
    target = get_object_or_404(
        selectors.in_scope_targets(user, Target.objects.prefetch_related("departments")), pk=pk
    )
    context = {
        "target": target,
        "fields": record_fields(target, DETAIL_FIELDS),
        "supervisions": _supervision_rows(user, target),
        "can_edit": access.can_edit_target(user, target),
        "history": history_rows(target) if access.can_view_history(user) else None,
        # Declared conflicts matter when drawing teams for this target (Art. 11).
        "conflicts": selectors.conflict_list(user=user).filter(target=target)
        if access.can_view_conflicts(user)
        else None,
    }
    return render(request, "directory/target_detail.html", context)


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_create_directory_records(user), _("只有业务科室人员可以新增检查对象"))
    form = TargetForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        target = call_service(
            form,
            lambda: services.target_create(
                actor=user,
                data=form.service_data(),
                departments=list(form.cleaned_data["departments"]),
            ),
        )
        if target is not None:
            messages.success(request, _("已新增检查对象 %(name)s") % {"name": target.name})
            return redirect("directory:target_detail", pk=target.pk)
    return render(request, "directory/target_form.html", {"form": form, "target": None})


@login_required
@require_POST
def target_join(request: HttpRequest) -> HttpResponse:
    """纳入本部门监管: the department joins an entity already in the shared register."""
    user = current_user(request)
    require(
        access.can_create_directory_records(user),
        _("只有业务科室人员可以把检查对象纳入本部门监管"),
    )
    try:
        target = services.target_join(
            actor=user, credit_code=str(request.POST.get("credit_code", ""))[:40]
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("directory:target_list")
    messages.success(request, _("已把 %(name)s 纳入本部门监管") % {"name": target.name})
    return redirect("directory:target_detail", pk=target.pk)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    target = get_object_or_404(Target, pk=pk)
    require(access.can_edit_target(user, target), _("只能修改本部门监管的检查对象"))
    # The form works on a copy so a failed submission does not rename the page heading.
    form = TargetForm(
        request.POST or None,
        instance=Target.objects.get(pk=pk),
        actor=user,
    )
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            lambda: services.target_update(
                actor=user,
                target=target,
                data=form.service_data(),
                departments=list(form.cleaned_data["departments"]),
            ),
        )
        if updated is not None:
            messages.success(request, _("已保存检查对象 %(name)s") % {"name": updated.name})
            return redirect("directory:target_detail", pk=pk)
    return render(request, "directory/target_form.html", {"form": form, "target": target})


def _supervision_rows(user: Any, target: Target) -> list[dict[str, Any]]:
    """本部门监管属性: each supervising department's effective grade and flag, with a form
    where this user may set that department's own values."""
    rows = []
    links = Supervision.objects.filter(target=target).select_related("department__bureau")
    for link in links.order_by("department__bureau__path", "department__name"):
        link.target = target
        editable = access.can_set_supervision(user, link.department_id)
        rows.append(
            {
                "link": link,
                "grade": SupervisionGrade(link.effective_grade).label,
                "key_industry": _("是") if link.effective_key_industry else _("否"),
                "form": SupervisionForm(
                    initial={
                        "supervision_grade": link.supervision_grade or "",
                        "key_industry": ""
                        if link.key_industry is None
                        else ("1" if link.key_industry else "0"),
                    },
                    prefix=f"s{link.department_id}",
                )
                if editable
                else None,
            }
        )
    return rows


@login_required
@require_POST
def supervision_set(request: HttpRequest, pk: int, department_id: int) -> HttpResponse:
    """Set or clear one supervising department's own grade and key-industry flag."""
    user = current_user(request)
    require(access.can_set_supervision(user, department_id), _("只能设置本部门的监管属性"))
    target = get_object_or_404(selectors.in_scope_targets(user, Target.objects.all()), pk=pk)
    department = get_object_or_404(Department, pk=department_id)
    form = SupervisionForm(request.POST, prefix=f"s{department_id}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_supervision_anchor(pk))
    try:
        services.supervision_set(
            actor=user,
            target=target,
            department=department,
            supervision_grade=form.cleaned_data["supervision_grade"],
            key_industry=form.cleaned_data["key_industry"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(_supervision_anchor(pk))
    messages.success(request, _("已保存 %(department)s 的监管属性") % {"department": department})
    return redirect(_supervision_anchor(pk))


def _supervision_anchor(pk: int) -> str:
    return reverse("directory:target_detail", kwargs={"pk": pk}) + "#supervisions"
