"""Forms of the publication pages. Parsing and field-level checks only; who may act and the
state machine live in ``disclosure.publications``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department
from spotcheck.disclosure.models import PublicationKind, PublicationState

# Readable names of the payload fields the builders produce (payloads.py), for the detail page
# and the "withheld fields" choice (Art. 17).
FIELD_LABELS: dict[str, Any] = {
    "items": _("抽查事项"),
    "inspectors": _("执法检查人员"),
    "year": _("年度"),
    "department": _("部门"),
    "sectors": _("行业领域"),
    "notes": _("说明"),
    "name": _("名称"),
    "mode": _("抽查方式"),
    "lead_department": _("牵头部门"),
    "departments": _("参与部门"),
    "window_start": _("检查开始日期"),
    "window_end": _("检查结束日期"),
    "task": _("抽查任务"),
    "draw_id": _("抽取编号"),
    "commitment_digest": _("承诺摘要"),
    "document": _("抽取文件"),
    "target": _("检查对象"),
    "inspected_on": _("检查日期"),
    "decision_no": _("处罚决定书文号"),
    "penalty_kind": _("处罚种类"),
    "amount": _("罚款金额（元）"),
    "facts": _("违法事实"),
    "decided_on": _("决定日期"),
    "code": _("事项编码"),
    "legal_basis": _("检查依据"),
    "content": _("检查内容"),
    "disclosure_channel": _("公示渠道"),
    "cert_no": _("执法证号"),
    "credit_code": _("统一社会信用代码"),
    "kind": _("类型"),
    "legal_representative": _("法定代表人（负责人）"),
    "address": _("地址"),
    "item": _("检查事项"),
    "category": _("检查结果"),
    "findings": _("检查发现"),
}

REDACTION_LABELS: dict[str, Any] = {
    "id_number": _("身份证号码"),
    "mobile_phone": _("手机号码"),
    "landline_phone": _("固定电话"),
    "person_name": _("个人姓名"),
    "home_address": _("家庭住址"),
}


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


class RestrictionForm(forms.Form):
    """Art. 17: a record touching trade secrets or privacy is published narrowed or later."""

    restriction_reason = forms.CharField(
        label=_("限制公开理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("涉及商业秘密或个人隐私时填写；不予公开部分字段或暂缓公开须说明理由"),
    )
    withheld_fields = forms.MultipleChoiceField(
        label=_("不予公开的字段"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("公示内容中没有字段“%(value)s”")},
    )
    delayed_until = forms.DateField(
        label=_("暂缓公开至"),
        required=False,
        # ISO: the browser's date picker reads nothing else.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效日期，格式 YYYY-MM-DD")},
    )

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payload_fields = fields
        withheld = self.fields["withheld_fields"]
        assert isinstance(withheld, forms.MultipleChoiceField)
        withheld.choices = [(k, field_label(k)) for k in fields]

    def clean_delayed_until(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("delayed_until")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("暂缓公开的日期须晚于今天"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason = (data.get("restriction_reason") or "").strip()
        if (data.get("withheld_fields") or data.get("delayed_until")) and not reason:
            self.add_error(
                "restriction_reason", _("不予公开部分字段或暂缓公开时，须说明限制公开的理由")
            )
        if self.payload_fields and set(data.get("withheld_fields") or []) >= set(
            self.payload_fields
        ):
            self.add_error("withheld_fields", _("不能把全部字段都设为不予公开，请改为不公示"))
        return data


class CorrectForm(RestrictionForm):
    note = forms.CharField(
        label=_("更正原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写更正原因")},
        help_text=_("更正版按来源记录的当前内容重新生成，经审核发布后替换原公示"),
    )

    field_order = ["note", "restriction_reason", "withheld_fields", "delayed_until"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("同意公示")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择审核结论"),
            "invalid_choice": _("审核结论只能是“同意公示”或“退回修改”"),
        },
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("保密审查和准确性审查意见；退回时必填"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("退回公示须填写审核意见"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写撤回理由")},
    )


class PublicationFilterForm(forms.Form):
    """The staff list's filters; a bad value is reported, never a 500."""

    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), *PublicationState.choices],
        error_messages={"invalid_choice": _("未知的状态：%(value)s")},
    )
    kind = forms.ChoiceField(
        label=_("公示类型"),
        required=False,
        choices=[("", _("全部")), *PublicationKind.choices],
        error_messages={"invalid_choice": _("未知的公示类型：%(value)s")},
    )
    department = forms.ModelChoiceField(
        label=_("公示部门"),
        required=False,
        queryset=Department.objects.none(),
        empty_label=_("全部"),
        error_messages={"invalid_choice": _("未知的部门")},
    )

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments
