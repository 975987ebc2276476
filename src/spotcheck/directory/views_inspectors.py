"""执法检查人员名录库 pages: list, detail with history, create/edit."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spotcheck.accounts.models import Department
from spotcheck.core import access
from spotcheck.directory import selectors, services
from spotcheck.directory.forms import InspectorForm
from spotcheck.directory.models import Inspector, InspectorStatus
from spotcheck.directory.views import (
    call_service,
    current_user,
    history_rows,
    paginate,
    record_fields,
    require,
)

DETAIL_FIELDS = [
    "cert_no",
    "name",
    "department",
    "employee_no",
    "cert_valid_from",
    "cert_valid_to",
    "status",
    "expertise_industries",
    "expertise_items",
    "phone",
    "user",
]


@login_required
@require_GET
def inspector_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_inspectors(user), _("无权查看执法检查人员名录库"))
    q = request.GET.get("q", "").strip()[:100]
    raw_dept = request.GET.get("department", "").strip()
    status = request.GET.get("status", "").strip()
    errors = []
    department = int(raw_dept) if raw_dept.isdigit() else None
    if raw_dept and department is None:
        errors.append(_("所属部门的取值“%(v)s”无效") % {"v": raw_dept})
    if status and status not in InspectorStatus.values:
        errors.append(_("状态的取值“%(v)s”无效") % {"v": status})
        status = ""
    qs = selectors.inspector_list(user=user, q=q, department=department, status=status)
    page, page_range = paginate(request, qs)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "page_range": page_range,
        "q": q,
        "department": department,
        "status": status,
        "statuses": InspectorStatus.choices,
        "departments": access.scope_departments(user, Department.objects.filter(active=True), ""),
        "errors": errors,
        "query": params.urlencode(),
        "today": timezone.localdate(),
        "can_create": access.can_create_directory_records(user),
        "can_import": access.can_import(user),
        "can_export": access.can_export(user),
        "own_department": getattr(user, "department_id", None),
    }
    return render(request, "directory/inspector_list.html", context)


@login_required
@require_GET
def inspector_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_inspectors(user), _("无权查看执法检查人员名录库"))
    inspector = get_object_or_404(
        access.scope_departments(
            user,
            Inspector.objects.select_related("department", "user").prefetch_related(
                "expertise_items"
            ),
        ),
        pk=pk,
    )
    today: dt.date = timezone.localdate()
    context = {
        "inspector": inspector,
        "fields": record_fields(inspector, DETAIL_FIELDS),
        "qualified_today": inspector.qualified_on(today),
        "can_edit": access.can_edit_inspector(user, inspector),
        "history": history_rows(inspector) if access.can_view_history(user) else None,
        # The selector already limits inspectors to their own declarations.
        "conflicts": selectors.conflict_list(user=user).filter(inspector=inspector)
        if access.can_view_conflicts(user)
        else None,
    }
    return render(request, "directory/inspector_detail.html", context)


@login_required
def inspector_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_create_directory_records(user), _("只有业务科室人员可以新增执法检查人员"))
    form = InspectorForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        inspector = call_service(
            form,
            lambda: services.inspector_create(
                actor=user,
                data=form.service_data(),
                expertise_items=list(form.cleaned_data["expertise_items"]),
            ),
        )
        if inspector is not None:
            messages.success(request, _("已新增执法检查人员 %(name)s") % {"name": inspector.name})
            return redirect("directory:inspector_detail", pk=inspector.pk)
    return render(request, "directory/inspector_form.html", {"form": form, "inspector": None})


@login_required
def inspector_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    inspector = get_object_or_404(Inspector, pk=pk)
    require(access.can_edit_inspector(user, inspector), _("只能修改本部门的执法检查人员"))
    form = InspectorForm(
        request.POST or None,
        instance=Inspector.objects.get(pk=pk),
        actor=user,
    )
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            lambda: services.inspector_update(
                actor=user,
                inspector=inspector,
                data=form.service_data(),
                expertise_items=list(form.cleaned_data["expertise_items"]),
            ),
        )
        if updated is not None:
            messages.success(request, _("已保存执法检查人员 %(name)s") % {"name": updated.name})
            return redirect("directory:inspector_detail", pk=pk)
    return render(request, "directory/inspector_form.html", {"form": form, "inspector": inspector})
