"""Django admin shows users and departments read-only.

Who may do what (role, department, leader scope, active flag, password, staff rights) changes
only through ``accounts.services``, which write the audit chain: the in-app pages
(用户与部门管理, ``accounts:user_list``) and the ``user_create``/``user_update`` commands. Each
admin page links there. Groups and per-user permissions are not used (access is by role, in
``core.access``), so the Group admin is removed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, User


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(_ReadOnly, admin.ModelAdmin[Department]):
    list_display = ("code", "name", "is_external", "active", "manage")
    readonly_fields = ("manage",)

    @admin.display(description=_("在系统中管理"))
    def manage(self, obj: Department) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts:department_edit", args=[obj.pk]), _("管理")
        )


@admin.register(User)
class UserAdmin(_ReadOnly, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "is_active", "manage")
    list_filter = ("role", "department", "is_active")
    readonly_fields = ("manage",)
    fieldsets = (
        (None, {"fields": ("manage", "username", "display_name")}),
        ("spotcheck", {"fields": ("role", "department", "oversees", "is_active")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description=_("在系统中管理"))
    def manage(self, obj: User) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("accounts:user_edit", args=[obj.pk]), _("管理")
        )


admin.site.unregister(Group)
