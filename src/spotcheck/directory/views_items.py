"""随机抽查事项清单 pages: list, detail with history, create/edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spotcheck.accounts.models import Department
from spotcheck.core import access
from spotcheck.directory import selectors, services
from spotcheck.directory.forms import CheckItemForm
from spotcheck.directory.models import CheckItem
from spotcheck.directory.views import (
    call_service,
    current_user,
    history_rows,
    paginate,
    record_fields,
    require,
)

DETAIL_FIELDS = [
    "code",
    "name",
    "legal_basis",
    "department",
    "content",
    "disclosure_channel",
    "target_kinds",
    "category",
    "active",
]


def _int_or_none(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_items(user), _("无权查看抽查事项清单"))
    q = request.GET.get("q", "").strip()[:100]
    department = _int_or_none(request.GET.get("department"))
    errors = []
    if request.GET.get("department") and department is None:
        errors.append(_("检查主体的取值“%(v)s”无效") % {"v": request.GET["department"]})
    qs = selectors.item_list(user=user, q=q, department=department)
    page, page_range = paginate(request, qs)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "page_range": page_range,
        "q": q,
        "department": department,
        "departments": access.scope_departments(user, Department.objects.filter(active=True), ""),
        "errors": errors,
        "query": params.urlencode(),
        "can_create": access.can_create_directory_records(user),
        "can_import": access.can_import(user),
        "can_export": access.can_export(user),
        "own_department": getattr(user, "department_id", None),
    }
    return render(request, "directory/item_list.html", context)


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_items(user), _("无权查看抽查事项清单"))
    item = get_object_or_404(
        access.scope_departments(user, CheckItem.objects.select_related("department")), pk=pk
    )
    context = {
        "item": item,
        "fields": record_fields(item, DETAIL_FIELDS),
        "can_edit": access.can_edit_item(user, item),
        "history": history_rows(item) if access.can_view_history(user) else None,
    }
    return render(request, "directory/item_detail.html", context)


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_create_directory_records(user), _("只有业务科室人员可以新增抽查事项"))
    form = CheckItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = call_service(
            form,
            lambda: services.item_create(actor=user, data=form.service_data()),
        )
        if item is not None:
            messages.success(request, _("已新增抽查事项 %(name)s") % {"name": item.name})
            return redirect("directory:item_detail", pk=item.pk)
    return render(request, "directory/item_form.html", {"form": form, "item": None})


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    item = get_object_or_404(CheckItem, pk=pk)
    require(access.can_edit_item(user, item), _("只能修改本部门的抽查事项"))
    form = CheckItemForm(request.POST or None, instance=CheckItem.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        updated = call_service(
            form,
            lambda: services.item_update(actor=user, item=item, data=form.service_data()),
        )
        if updated is not None:
            messages.success(request, _("已保存抽查事项 %(name)s") % {"name": updated.name})
            return redirect("directory:item_detail", pk=pk)
    return render(request, "directory/item_form.html", {"form": form, "item": item})
