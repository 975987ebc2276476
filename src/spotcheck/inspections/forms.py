"""Forms of the inspection pages: they parse and clean input only; the services decide and write.

Every rule of substance (window, team membership, problem → findings, who may act) lives in the
services, so a form never refuses something the service would accept or the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.core.forms import OwnIds
from spotcheck.directory.models import CheckItem, Inspector
from spotcheck.inspections.models import PenaltyKind, ResultCategory, TransferTo
from spotcheck.inspections.services_inspection import ItemResultInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DECISION = [("accept", _("通过")), ("return", _("退回"))]


def _categories(field: forms.Field) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = ResultCategory.objects.filter(active=True)


class TeamField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Name and certificate number: the number is what the 双清单 shows the target.
        return f"{obj.name}（{obj.cert_no}）"


class InspectionForm(forms.Form):
    """The visit, the inspectors present, and one (category, findings) pair per applicable item.

    Item fields are named ``category_<item id>`` / ``findings_<item id>``; an item left without a
    category is simply not saved yet (a draft may be incomplete — submitting checks it).
    """

    inspected_on = forms.DateField(label=_("检查日期"), required=False, widget=DATE)
    inspectors = TeamField(
        label=_("到场检查人员"),
        queryset=Inspector.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("至少两名（第十一条）；只能选择本检查组在组成员"),
    )
    overall_category = forms.ModelChoiceField(
        label=_("总体检查结果"), queryset=ResultCategory.objects.none(), required=False
    )
    summary = forms.CharField(
        label=_("检查情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(
        self,
        *args: Any,
        team: Sequence[Inspector],
        items: Sequence[CheckItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        present = self.fields["inspectors"]
        assert isinstance(present, forms.ModelMultipleChoiceField)
        present.queryset = Inspector.objects.filter(pk__in=[i.pk for i in team]).order_by("cert_no")
        _categories(self.fields["overall_category"])
        self.items = list(items)
        for item in self.items:
            # Item-specific labels: the error summary and screen readers name the item.
            which = f"{item.code} {item.name}"
            category = forms.ModelChoiceField(
                label=_("%(item)s 检查结果") % {"item": which},
                queryset=ResultCategory.objects.none(),
                required=False,
            )
            _categories(category)
            self.fields[f"category_{item.pk}"] = category
            self.fields[f"findings_{item.pk}"] = forms.CharField(
                label=_("%(item)s 检查发现") % {"item": which},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in ("inspected_on", "inspectors", "overall_category", "summary")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.items:
            category = cleaned.get(f"category_{item.pk}")
            findings = (cleaned.get(f"findings_{item.pk}") or "").strip()
            if category is not None and category.problem_found and not findings:
                # Said beside the item's own field (the service says the same, as a last word).
                self.add_error(
                    f"findings_{item.pk}",
                    _("事项“%(item)s”发现问题，请填写检查发现") % {"item": item.name},
                )
        return cleaned

    def item_rows(self) -> list[tuple[CheckItem, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"category_{i.pk}"], self[f"findings_{i.pk}"]) for i in self.items]

    def item_results(self) -> list[ItemResultInput]:
        data = self.cleaned_data
        return [
            ItemResultInput(
                item=item,
                category=data[f"category_{item.pk}"],
                findings=data[f"findings_{item.pk}"],
            )
            for item in self.items
            if data.get(f"category_{item.pk}") is not None
        ]


class EvidenceForm(OwnIds, forms.Form):
    id_prefix = "evidence"
    # Type and size are checked by the service from the file's bytes, not here (one rule).
    file = forms.FileField(label=_("证据文件（照片 JPEG/PNG 或 PDF）"))
    description = forms.CharField(label=_("说明"), max_length=300, required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结论"), choices=DECISION, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("退回时必填"),
    )

    def accept(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accept")


class RectificationForm(OwnIds, forms.Form):
    id_prefix = "rectification"
    order_text = forms.CharField(label=_("责令改正内容"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("整改期限"), widget=DATE)
    description = forms.CharField(
        label=_("事实与依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class VerifyForm(OwnIds, forms.Form):
    # Repeated per open rectification: the view gives each row its own id_prefix.
    rectified = forms.TypedChoiceField(
        label=_("整改情况"),
        choices=[("yes", _("整改到位")), ("no", _("未整改到位"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 2}))


class PenaltyForm(OwnIds, forms.Form):
    id_prefix = "penalty"
    decision_no = forms.CharField(label=_("处罚决定书文号"), max_length=100)
    penalty_kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    major = forms.BooleanField(label=_("重大执法决定（须经法制审核后生效）"), required=False)
    description = forms.CharField(
        label=_("事实与依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class PenaltyResubmitForm(PenaltyForm):
    """After a legal reviewer returned it; "major" cannot be switched off (the service agrees).
    Repeated per returned penalty: the view gives each row its own id_prefix."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["major"]


class TransferForm(OwnIds, forms.Form):
    id_prefix = "transfer"
    transfer_to = forms.ChoiceField(label=_("移送去向"), choices=TransferTo.choices)
    receiving_body = forms.CharField(label=_("接收机关"), max_length=200)
    transferred_on = forms.DateField(label=_("移送日期"), widget=DATE)
    description = forms.CharField(label=_("移送事由"), widget=forms.Textarea(attrs={"rows": 2}))


class LegalReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("审核通过")), ("return", _("退回"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("退回时必填"),
    )

    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")
