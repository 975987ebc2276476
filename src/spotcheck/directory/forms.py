"""Forms for the directory pages. They validate and clean input only; services do the writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, Role, User
from spotcheck.core.widgets import PickerCheckboxes
from spotcheck.directory.creditcode import check_code, normalise_code
from spotcheck.directory.models import (
    CheckItem,
    ConflictRelation,
    Inspector,
    SupervisionGrade,
    Target,
    TargetKind,
)
from spotcheck.directory.selectors import target_regions

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TargetForm(forms.ModelForm[Target]):
    # Wider than the model's 18 so that pasted codes with spaces or full-width characters reach
    # clean_credit_code and get normalised instead of failing a length check first.
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=60,
        help_text=_("18位统一社会信用代码或15位旧注册号；全角字符和空格会自动规范化"),
    )
    confirm_code_warning = forms.BooleanField(label=_("我已核实该代码真实有效"), required=False)

    class Meta:
        model = Target
        fields = [
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
        ]
        widgets = {"departments": PickerCheckboxes}
        # These two are the entity's (主体的) values; each department may keep its own
        # (directory.Supervision, set on the detail page), which this form does not touch.
        help_texts = {
            "supervision_grade": _(
                "主体的内部监管等级，监管该主体的各部门共用；"
                "某一部门自己的监管等级请在检查对象详情页的“本部门监管属性”中设置，"
                "未设置的部门沿用此值。"
            ),
            "key_industry": _(
                "主体的重点行业标记，监管该主体的各部门共用；"
                "某一部门自己的判断请在检查对象详情页的“本部门监管属性”中设置，"
                "未设置的部门沿用此值。"
            ),
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.code_warning = ""
        departments = self.fields["departments"]
        assert isinstance(departments, forms.ModelMultipleChoiceField)
        departments.queryset = Department.objects.filter(active=True)
        if not self.instance.pk and actor.department_id:
            departments.initial = [actor.department_id]
        # The region is the target's own data (a new street can appear), so it stays free text,
        # with the directory's regions offered as suggestions to keep spellings consistent.
        self.fields["region"].widget.attrs["list"] = "region-suggestions"
        self.region_suggestions = target_regions()

    def clean_credit_code(self) -> str:
        result = check_code(self.cleaned_data.get("credit_code", ""))
        if result.error:
            raise forms.ValidationError(result.error)
        self.code_warning = result.warning
        return result.code

    def clean_industry_code(self) -> str:
        return normalise_code(self.cleaned_data.get("industry_code", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("credit_code")
        if self.code_warning and code:
            # A code that was confirmed before and did not change needs no second confirmation.
            already = (
                self.instance.pk is not None
                and self.instance.code_warning_confirmed
                and self.initial.get("credit_code") == code
            )
            if not already and not cleaned.get("confirm_code_warning"):
                # The warning itself is shown above the checkbox; the error says what to do.
                self.add_error(
                    "confirm_code_warning",
                    _("如确认无误，请勾选“我已核实该代码真实有效”后再提交。"),
                )
        departments = cleaned.get("departments")
        if departments is not None and self.actor.department_id not in {d.pk for d in departments}:
            self.add_error("departments", _("监管部门必须包含本部门"))
        return cleaned

    @property
    def needs_code_confirmation(self) -> bool:
        return bool(self.code_warning)

    def service_data(self) -> dict[str, Any]:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "departments" and name in self.cleaned_data
        }
        data["code_warning_confirmed"] = bool(self.code_warning)
        return data


class CheckItemForm(forms.ModelForm[CheckItem]):
    target_kinds = forms.MultipleChoiceField(
        label=_("适用对象类型"),
        choices=TargetKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CheckItem
        fields = [
            "code",
            "name",
            "legal_basis",
            "content",
            "disclosure_channel",
            "target_kinds",
            "category",
            "active",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 3}),
        }

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["target_kinds"] = list(data["target_kinds"])
        return data


class InspectorForm(forms.ModelForm[Inspector]):
    class Meta:
        model = Inspector
        fields = [
            "cert_no",
            "name",
            "employee_no",
            "cert_valid_from",
            "cert_valid_to",
            "status",
            "expertise_industries",
            "expertise_items",
            "phone",
            "user",
        ]
        widgets = {
            "cert_valid_from": DATE_WIDGET,
            "cert_valid_to": DATE_WIDGET,
            "expertise_items": PickerCheckboxes,
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        # Only inspector accounts of the same department not yet linked to another record.
        taken = Inspector.objects.exclude(pk=self.instance.pk).exclude(user=None).values("user_id")
        user_field.queryset = User.objects.filter(
            role=Role.INSPECTOR, department=actor.department, is_active=True
        ).exclude(pk__in=taken)
        items_field = self.fields["expertise_items"]
        assert isinstance(items_field, forms.ModelMultipleChoiceField)
        # Items this department checks; any item already linked stays listed, so saving the
        # form never drops it silently.
        linked = (
            list(self.instance.expertise_items.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        items_field.queryset = CheckItem.objects.filter(
            Q(active=True, department_id=actor.department_id) | Q(pk__in=linked)
        ).order_by("code")

    def clean_cert_no(self) -> str:
        return normalise_code(self.cleaned_data.get("cert_no", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("cert_valid_from"), cleaned.get("cert_valid_to")
        if start and end and end < start:
            self.add_error("cert_valid_to", _("执法证有效期止不能早于有效期起"))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "expertise_items" and name in self.cleaned_data
        }


class ConflictForm(forms.Form):
    inspector = forms.ModelChoiceField(label=_("检查人员"), queryset=Inspector.objects.none())
    target_code = forms.CharField(
        label=_("检查对象统一社会信用代码"),
        max_length=60,
        help_text=_("输入统一社会信用代码（或旧注册号）"),
    )
    relation = forms.ChoiceField(label=_("利害关系"), choices=ConflictRelation.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args: Any, inspectors: Any, own: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspector"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = inspectors
        # An inspector declares for themself only: nothing to choose.
        if own:
            field.initial = inspectors.first()
            field.widget = forms.HiddenInput()
        self.target: Target | None = None

    def clean_target_code(self) -> str:
        code = normalise_code(self.cleaned_data.get("target_code", ""))
        self.target = Target.objects.filter(credit_code=code).first()
        if self.target is None:
            raise forms.ValidationError(
                _("未找到统一社会信用代码为 %(code)s 的检查对象") % {"code": code}
            )
        return code


def _optional_bool(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class SupervisionForm(forms.Form):
    """A department's own grade and key-industry flag; the empty choice = follow the entity."""

    supervision_grade = forms.TypedChoiceField(
        label=_("本部门监管等级"),
        choices=[("", _("沿用主体的监管等级")), *SupervisionGrade.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("监管等级应为一级至四级，或沿用主体的监管等级")},
    )
    key_industry = forms.TypedChoiceField(
        label=_("本部门重点行业"),
        choices=[("", _("沿用主体的设置")), ("1", _("是")), ("0", _("否"))],
        coerce=_optional_bool,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("重点行业应为“是”“否”或沿用主体的设置")},
    )
