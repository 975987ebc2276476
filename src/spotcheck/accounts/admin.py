from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from spotcheck.accounts.models import Department, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("code", "name", "is_external", "active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department", "is_active")
    list_filter = ("role", "department", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("spotcheck", {"fields": ("display_name", "role", "department", "oversees")}),
    )
