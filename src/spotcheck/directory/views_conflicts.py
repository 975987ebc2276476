"""利害关系申报 pages (Art. 11): list, declare, withdraw."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import Role
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory import selectors, services
from spotcheck.directory.forms import ConflictForm
from spotcheck.directory.models import ConflictDeclaration, Inspector
from spotcheck.directory.views import call_service, current_user, paginate, require


def _declarable_inspectors(user: Any) -> tuple[Any, bool]:
    """Inspectors this user may declare for, and whether it is only their own record."""
    if str(getattr(user, "role", "")) == Role.INSPECTOR:
        own = Inspector.objects.filter(user=user)
        if not own.exists():
            raise NotAllowed(_("你的账号尚未关联执法检查人员档案，请联系所在科室"))
        return own, True
    if access.can_create_directory_records(user):
        return Inspector.objects.filter(department_id=user.department_id), False
    raise NotAllowed(_("只能由执法人员本人或其所在科室申报利害关系"))


@login_required
@require_GET
def conflict_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_conflicts(user), _("无权查看利害关系申报"))
    include_withdrawn = request.GET.get("withdrawn") == "1"
    qs = selectors.conflict_list(user=user, include_withdrawn=include_withdrawn)
    page, page_range = paginate(request, qs)
    withdrawable = {
        c.pk
        for c in page.object_list
        if c.withdrawn_at is None and access.can_declare_conflict(user, c.inspector)
    }
    try:
        _declarable_inspectors(user)
        can_declare = True
    except NotAllowed:
        can_declare = False
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "page_range": page_range,
        "include_withdrawn": include_withdrawn,
        "withdrawable": withdrawable,
        "can_declare": can_declare,
        "query": params.urlencode(),
    }
    return render(request, "directory/conflict_list.html", context)


@login_required
def conflict_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    inspectors, own = _declarable_inspectors(user)
    form = ConflictForm(request.POST or None, inspectors=inspectors, own=own)
    if request.method == "POST" and form.is_valid():
        target = form.target
        assert target is not None
        conflict = call_service(
            form,
            lambda: services.conflict_declare(
                actor=user,
                inspector=form.cleaned_data["inspector"],
                target=target,
                relation=form.cleaned_data["relation"],
                note=form.cleaned_data["note"],
            ),
        )
        if conflict is not None:
            messages.success(request, _("已申报利害关系：%(c)s") % {"c": conflict})
            return redirect("directory:conflict_list")
    return render(request, "directory/conflict_form.html", {"form": form, "own": own})


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    conflict = get_object_or_404(ConflictDeclaration.objects.select_related("inspector"), pk=pk)
    require(
        access.can_declare_conflict(user, conflict.inspector),
        _("只能由执法人员本人或其所在科室撤回申报"),
    )
    try:
        services.conflict_withdraw(actor=user, conflict=conflict)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤回利害关系申报"))
    return redirect("directory:conflict_list")
