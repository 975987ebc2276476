"""Forms of the administrator's user and department pages. They only parse input: every rule
(who needs a department, password strength, unique names) lives in ``accounts.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Bureau, BureauLevel, Department, Role, several_bureaus
from spotcheck.core import access


def _active_departments(actor: Any = None) -> Any:
    rows = Department.objects.filter(active=True).select_related("bureau")
    if actor is not None:
        rows = access.scope_departments(actor, rows, "")
    return rows.order_by("bureau__path", "is_external", "code")


def _bureaus(actor: Any = None) -> Any:
    rows = Bureau.objects.order_by("path")
    scope = access.bureau_scope(actor) if actor is not None else None
    return rows if scope is None else rows.filter(pk__in=scope)


class BureauChoiceField(forms.ModelChoiceField):
    """Shown indented by depth, so the tree reads in the drop-down."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * max(obj.depth(), 0) + obj.name


class _AssignmentFields(forms.Form):
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("所属部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（无）"),
        help_text=_("业务科室人员、执法检查人员和分管领导必须有所属部门"),
    )
    oversees = forms.ModelMultipleChoiceField(
        label=_("分管部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("仅分管领导：除所属部门外还分管的部门（可审批其计划和任务，查看其全部记录）"),
    )
    bureau = BureauChoiceField(
        label=_("所属机关"),
        queryset=Bureau.objects.none(),
        required=False,
        empty_label=_("（全部机关）"),
        help_text=_(
            "仅无所属部门的用户（管理员、纪检、法制审核）：其负责的机关，含下级机关；"
            "有所属部门的用户属于部门所在机关"
        ),
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureaus = _bureaus(actor)
        # Department.__str__ names the bureau once there are several: the choices need no
        # label of their own.
        several = several_bureaus()
        for name in ("department", "oversees"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = _active_departments(actor)
        bureau = self.fields["bureau"]
        assert isinstance(bureau, forms.ModelChoiceField)
        bureau.queryset = bureaus
        if not several:
            # One bureau: nothing to choose, and the field would only puzzle the administrator.
            del self.fields["bureau"]


class UserCreateForm(_AssignmentFields):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用；创建后不能修改")
    )
    password1 = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    field_order = ["username", "display_name", "role", "department", "oversees", "bureau"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return cleaned


class UserEditForm(_AssignmentFields):
    is_active = forms.BooleanField(
        label=_("启用"),
        required=False,
        help_text=_("停用的账户不能登录，其接口令牌立即失效；记录和审计日志保留"),
    )


class PasswordResetForm(forms.Form):
    password1 = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return cleaned


class DepartmentCreateForm(forms.Form):
    bureau = BureauChoiceField(
        label=_("所属机关"),
        queryset=Bureau.objects.none(),
        required=False,
        empty_label=_("（您所在的机关）"),
    )
    code = forms.CharField(
        label=_("部门代码"),
        max_length=40,
        help_text=_("小写字母、数字、连字符，如 market；创建后不能修改"),
    )
    name = forms.CharField(label=_("部门名称"), max_length=100)
    is_external = forms.BooleanField(
        label=_("外部机关"), required=False, help_text=_("参与跨部门联合抽查的其他行政机关")
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau = self.fields["bureau"]
        assert isinstance(bureau, forms.ModelChoiceField)
        bureau.queryset = _bureaus(actor)
        if not several_bureaus():
            del self.fields["bureau"]


class DepartmentEditForm(forms.Form):
    name = forms.CharField(label=_("部门名称"), max_length=100)
    is_external = forms.BooleanField(label=_("外部机关"), required=False)
    active = forms.BooleanField(
        label=_("启用"), required=False, help_text=_("有启用用户的部门不能停用")
    )


class BureauEditForm(forms.Form):
    name = forms.CharField(label=_("机关名称"), max_length=100)
    level = forms.ChoiceField(
        label=_("层级"), choices=BureauLevel.choices, initial=BureauLevel.DISTRICT
    )
    parent = BureauChoiceField(
        label=_("上级机关"),
        queryset=Bureau.objects.none(),
        required=False,
        empty_label=_("（无，顶层机关）"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Bureau.objects.order_by("path")


class BureauCreateForm(BureauEditForm):
    code = forms.CharField(
        label=_("机关代码"),
        max_length=40,
        help_text=_("小写字母、数字、连字符；创建后不能修改，也是该机关公示网址的一部分"),
    )

    field_order = ["code", "name", "level", "parent"]
