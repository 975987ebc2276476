"""年度抽查工作计划 pages, and the small helpers every planning/draw page shares.

Pages stay thin: parse the request, ask a core.access predicate, call one service or
selector. Business refusals (ServiceError) become Chinese messages; NotAllowed is a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.models import User
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.engine.hashing import EngineError
from spotcheck.planning import selectors, services
from spotcheck.planning.forms import PlanForm, SectorFormSet
from spotcheck.planning.models import AnnualPlan

T = TypeVar("T")


def current_user(request: HttpRequest) -> User:
    """The logged-in user (every page here is behind login_required)."""
    return cast(User, request.user)


def require(allowed: bool, message: str) -> None:
    """403 with ``message`` on the error page unless ``allowed``."""
    if not allowed:
        raise NotAllowed(message)


def paginate(request: HttpRequest, items: Any, size: int) -> tuple[Page[Any], list[Any]]:
    """A bad or out-of-range ``page`` falls back to a valid page instead of a 500."""
    paginator = Paginator(items, size)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, page_range


def call_service(form: forms.BaseForm | None, fn: Callable[[], T]) -> T | None:
    """Run a service; a business-rule refusal becomes a form error, NotAllowed stays a 403."""
    try:
        return fn()
    except ServiceError as exc:
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    except EngineError as exc:
        # The engine re-checks its inputs (ids, weights, sizes); a refusal there is still the
        # user's data, not a server fault.
        if form is not None:
            form.add_error(None, _("抽取引擎拒绝了输入数据：%(error)s") % {"error": exc})
        return None


def act_and_redirect(
    request: HttpRequest, fn: Callable[[], Any], done: str, to: str, **kwargs: Any
) -> HttpResponse:
    """A one-button POST: run the service, say what happened (or why not), go back."""
    try:
        fn()
    except ServiceError as exc:
        messages.error(request, exc.message)
    except EngineError as exc:
        messages.error(request, _("抽取引擎拒绝了输入数据：%(error)s") % {"error": exc})
    except PermissionDenied:
        raise
    else:
        messages.success(request, done)
    return redirect(to, **kwargs)


# --- plans -----------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(access.can_view_plans(user), _("无权查看年度抽查工作计划"))
    page, page_range = paginate(request, selectors.plan_list(user=user), 50)
    context = {
        "page": page,
        "page_range": page_range,
        "can_create": access.can_create_directory_records(user),
    }
    return render(request, "planning/plan_list.html", context)


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require(
        access.can_create_directory_records(user),
        _("只有业务科室人员可以编制年度抽查工作计划"),
    )
    form = PlanForm(request.POST or None, actor=user)
    sectors = SectorFormSet(request.POST or None, prefix="sectors")
    if request.method == "POST" and form.is_valid() and sectors.is_valid():
        rows = [s for f in sectors.forms if (s := f.sector()) is not None]
        plan = call_service(
            form,
            lambda: services.plan_create(
                actor=user,
                year=form.cleaned_data["year"],
                items=list(form.cleaned_data["items"]),
                sectors=rows,
                notes=form.cleaned_data["notes"],
            ),
        )
        if plan is not None:
            messages.success(request, _("已编制 %(year)s 年度抽查工作计划") % {"year": plan.year})
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "sectors": sectors})


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    plan = get_object_or_404(
        AnnualPlan.objects.select_related("department", "created_by", "approved_by"), pk=pk
    )
    require(access.can_view_plan(user, plan), _("无权查看该年度计划"))
    context = {
        "plan": plan,
        "items": plan.items.order_by("code"),
        "tasks": plan.tasks.order_by("-created_at"),
        "can_approve": access.can_approve_plan(user, plan) and plan.state == "draft",
        "can_create_task": access.can_create_directory_records(user)
        and user.department_id == plan.department_id,
    }
    return render(request, "planning/plan_detail.html", context)


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    plan = get_object_or_404(AnnualPlan, pk=pk)
    require(access.can_approve_plan(user, plan), _("只有分管该部门的领导可以批准计划"))
    return act_and_redirect(
        request,
        lambda: services.plan_approve(actor=user, plan=plan),
        _("已批准年度抽查工作计划"),
        "planning:plan_detail",
        pk=pk,
    )
