"""The administrator's pages for users and departments (用户与部门管理): thin views over
``accounts.services``; anyone else gets 403."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from spotcheck.accounts import forms as account_forms
from spotcheck.accounts import services, services_bureaus
from spotcheck.accounts.models import Bureau, Department, Role, User
from spotcheck.api import selectors as token_selectors
from spotcheck.api import services as token_services
from spotcheck.core import access
from spotcheck.core.errors import ServiceError


def _admin(request: HttpRequest) -> User:
    user = request.user
    if not access.can_manage_users(user):
        raise PermissionDenied(_("只有系统管理员可以管理用户和部门"))
    assert isinstance(user, User)
    return user


def _managed_users(admin: User) -> Any:
    """Accounts this administrator manages: those of its bureaus (see can_manage_account)."""
    users = User.objects.select_related("department__bureau", "bureau")
    scope = access.bureau_scope(admin)
    if scope is None:
        return users
    return users.filter(
        Q(department__bureau_id__in=scope) | Q(department=None, bureau_id__in=scope)
    )


def _refused(form: forms.Form, exc: ServiceError) -> None:
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    users = _managed_users(admin).prefetch_related("oversees")
    q = request.GET.get("q", "").strip()[:50]
    role = request.GET.get("role", "")
    department = request.GET.get("department", "")
    state = request.GET.get("state", "")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role in Role.values:
        users = users.filter(role=role)
    if department.isdigit():
        users = users.filter(department_id=int(department))
    if state in {"active", "inactive"}:
        users = users.filter(is_active=state == "active")
    return render(
        request,
        "accounts/user_list.html",
        {
            "users": users.order_by("-is_active", "department__code", "username")[:500],
            "roles": Role.choices,
            "several_bureaus": Bureau.objects.count() > 1,
            "departments": access.scope_departments(admin, Department.objects.order_by("code"), ""),
            "filters": {"q": q, "role": role, "department": department, "state": state},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    form = account_forms.UserCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                username=data["username"],
                display_name=data["display_name"],
                role=data["role"],
                department=data["department"],
                oversees=data["oversees"],
                password=data["password1"],
                bureau=data.get("bureau"),
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已创建用户 %(name)s") % {"name": user.username})
            return redirect("accounts:user_edit", user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _edit_context(subject: User, form: forms.Form, password_form: forms.Form) -> dict[str, Any]:
    return {
        "subject": subject,
        "form": form,
        "password_form": password_form,
        "token": token_selectors.active_token(user=subject),
    }


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    subject = get_object_or_404(_managed_users(actor), pk=pk)
    initial = {
        "bureau": subject.bureau,
        "display_name": subject.display_name,
        "role": subject.role,
        "department": subject.department,
        "oversees": list(subject.oversees.all()),
        "is_active": subject.is_active,
    }
    form = account_forms.UserEditForm(request.POST or None, initial=initial, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user=subject,
                display_name=data["display_name"],
                role=data["role"],
                department=data["department"],
                oversees=data["oversees"],
                is_active=data["is_active"],
                bureau=data.get("bureau", services.KEEP),
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已保存用户 %(name)s") % {"name": subject.username})
            return redirect("accounts:user_edit", subject.pk)
    return render(
        request,
        "accounts/user_edit.html",
        _edit_context(subject, form, account_forms.PasswordResetForm()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    subject = get_object_or_404(_managed_users(actor), pk=pk)
    form = account_forms.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=actor, user=subject, password=form.cleaned_data["password1"]
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                _("已重置用户 %(name)s 的密码，其接口令牌已失效") % {"name": subject.username},
            )
            return redirect("accounts:user_edit", subject.pk)
    return render(request, "accounts/user_password.html", {"subject": subject, "form": form})


@login_required
@require_POST
def user_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    subject = get_object_or_404(_managed_users(actor), pk=pk)
    token = token_selectors.active_token(user=subject)
    if token is None:
        messages.info(request, _("该用户没有有效的接口令牌"))
    else:
        token_services.token_revoke(actor=actor, token=token)
        messages.success(request, _("已撤销该用户的接口令牌"))
    return redirect("accounts:user_edit", subject.pk)


# --- departments -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def department_list(request: HttpRequest) -> HttpResponse:
    """The list, with the form for a new department below it."""
    actor = _admin(request)
    form = account_forms.DepartmentCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = services.department_create(
                actor=actor,
                code=data["code"],
                name=data["name"],
                is_external=data["is_external"],
                bureau=data.get("bureau"),
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已创建部门 %(name)s") % {"name": department.name})
            return redirect("accounts:department_list")
    departments = access.scope_departments(
        actor,
        Department.objects.select_related("bureau").order_by(
            "bureau__path", "-active", "is_external", "code"
        ),
        "",
    )
    return render(
        request,
        "accounts/department_list.html",
        {"departments": departments, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    department = get_object_or_404(access.scope_departments(actor, Department.objects, ""), pk=pk)
    form = account_forms.DepartmentEditForm(
        request.POST or None,
        initial={
            "name": department.name,
            "is_external": department.is_external,
            "active": department.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = services.department_update(
                actor=actor,
                department=department,
                name=data["name"],
                is_external=data["is_external"],
                active=data["active"],
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已保存部门 %(name)s") % {"name": department.name})
            return redirect("accounts:department_list")
    members = department.members.order_by("-is_active", "username")
    return render(
        request,
        "accounts/department_form.html",
        {"department": department, "form": form, "members": members},
    )


# --- the organisation tree -------------------------------------------------------------------


def _tree_admin(request: HttpRequest) -> User:
    user = _admin(request)
    if not access.can_manage_bureaus(user):
        raise PermissionDenied(_("只有全部机关的系统管理员可以维护机关设置"))
    return user


@login_required
@require_http_methods(["GET", "POST"])
def bureau_list(request: HttpRequest) -> HttpResponse:
    """The tree, indented, with the form for a new bureau below it."""
    actor = _tree_admin(request)
    form = account_forms.BureauCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bureau = services_bureaus.bureau_create(
                actor=actor,
                code=data["code"],
                name=data["name"],
                level=data["level"],
                parent=data["parent"],
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已创建机关 %(name)s") % {"name": bureau.name})
            return redirect("accounts:bureau_list")
    bureaus = Bureau.objects.annotate(n_departments=Count("departments")).order_by("path")
    # Portal addresses hang off the deployment's own prefix (SCRIPT_NAME behind a sub-path).
    portal_root = str(request.META.get("SCRIPT_NAME", "")).rstrip("/")
    return render(
        request,
        "accounts/bureau_list.html",
        {"bureaus": bureaus, "form": form, "portal_root": portal_root},
    )


@login_required
@require_http_methods(["GET", "POST"])
def bureau_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _tree_admin(request)
    bureau = get_object_or_404(Bureau, pk=pk)
    form = account_forms.BureauEditForm(
        request.POST or None,
        initial={"name": bureau.name, "level": bureau.level, "parent": bureau.parent},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bureau = services_bureaus.bureau_update(
                actor=actor,
                bureau=bureau,
                name=data["name"],
                level=data["level"],
                parent=data["parent"],
            )
        except ServiceError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已保存机关 %(name)s") % {"name": bureau.name})
            return redirect("accounts:bureau_list")
    departments = bureau.departments.order_by("code")
    return render(
        request,
        "accounts/bureau_form.html",
        {"bureau": bureau, "form": form, "departments": departments},
    )
