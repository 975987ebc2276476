"""Forms for plans and tasks: they parse and clean input only; the services decide and write."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.models import Department, User
from spotcheck.core.widgets import PickerCheckboxes, PickerSelect
from spotcheck.directory.models import (
    Affiliation,
    CheckItem,
    CreditClass,
    ProjectProgress,
    Scale,
    TargetKind,
)
from spotcheck.directory.selectors import (
    TARGET_FLAG_FILTERS,
    industry_prefix_choices,
    target_regions,
)
from spotcheck.planning.models import AnnualPlan, StratifyBy, TaskMode

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank_first(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("不限"))] + [(v, label) for v, label in choices if v]


# --- annual plans ----------------------------------------------------------------------------


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    items = forms.ModelMultipleChoiceField(
        label=_("抽查事项"),
        queryset=CheckItem.objects.none(),
        widget=PickerCheckboxes,
        required=False,
    )
    notes = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = self.fields["items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        # A plan covers the items of the planning department only (services re-check it).
        items.queryset = CheckItem.objects.filter(department=actor.department, active=True)
        self.fields["year"].initial = timezone.localdate().year + 1


class SectorForm(forms.Form):
    name = forms.CharField(label=_("行业名称"), max_length=100, required=False)
    industry = forms.CharField(
        label=_("行业代码前缀"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"size": 8}),
    )
    ratio = forms.CharField(
        label=_("抽查比例"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"size": 6}),
    )
    rounds_per_year = forms.IntegerField(
        label=_("每年频次"),
        min_value=1,
        max_value=12,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input-short"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(k) for k in ("name", "industry", "ratio")):
            return cleaned  # an empty row is simply not used
        if not cleaned.get("name"):
            self.add_error("name", _("请填写行业名称"))
        raw = (cleaned.get("ratio") or "").strip()
        try:
            # "5%" is how plans are usually written; store the decimal the services expect.
            value = Decimal(raw[:-1]) / 100 if raw.endswith("%") else Decimal(raw)
            if not value.is_finite() or not 0 <= value <= 1:
                raise InvalidOperation
            cleaned["ratio"] = format(value.normalize(), "f")
        except InvalidOperation:
            self.add_error("ratio", _("比例应为 0 到 1 之间的小数（如 0.05）或百分数（如 5%）"))
        return cleaned

    def sector(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {
            "name": data["name"].strip(),
            "industry": (data.get("industry") or "").strip().upper(),
            "ratio": str(data["ratio"]).strip(),
            "rounds_per_year": data.get("rounds_per_year") or 1,
        }


SectorFormSet = forms.formset_factory(SectorForm, extra=5, max_num=30)


# --- tasks -----------------------------------------------------------------------------------

SAMPLE_LINE = re.compile(r"^\s*([^=＝:：]+?)\s*[=＝:：]\s*(\S+)\s*$")


class TaskForm(forms.Form):
    name = forms.CharField(label=_("任务名称"), max_length=200)
    mode = forms.ChoiceField(label=_("抽查方式"), choices=TaskMode.choices)
    plan = forms.ModelChoiceField(
        label=_("依据的年度计划"),
        queryset=AnnualPlan.objects.none(),
        required=False,
        empty_label=_("（临时任务，不依据年度计划）"),
    )
    items = forms.MultipleChoiceField(
        label=_("抽查事项"),
        widget=PickerCheckboxes,
        help_text=_("勾选本部门的抽查事项；跨部门联合抽查时，勾选参与部门后还要选择该部门的事项"),
        error_messages={
            "invalid_choice": _("“%(value)s”不是本部门（或联合抽查参与部门）可用的抽查事项"),
        },
    )
    partner_departments = forms.ModelMultipleChoiceField(
        label=_("联合抽查的其他参与部门"),
        queryset=Department.objects.none(),
        widget=PickerCheckboxes,
        required=False,
    )
    # Directed-mode limits: the same names as the target directory's Art. 8 filters. Region and
    # industry offer only what the directory holds: a value typed slightly wrong used to save a
    # task with no eligible target at all.
    industry = forms.ChoiceField(
        label=_("行业（代码或前缀）"),
        required=False,
        widget=PickerSelect,
        error_messages={
            "invalid_choice": _("行业代码“%(value)s”在检查对象名录库中没有对应的检查对象"),
        },
    )
    region = forms.ChoiceField(
        label=_("所属区域"),
        required=False,
        widget=PickerSelect,
        error_messages={
            "invalid_choice": _("所属区域“%(value)s”不在检查对象名录库中，请从列表中选择"),
        },
    )
    affiliation = forms.ChoiceField(
        label=_("隶属关系"), choices=_blank_first(Affiliation.choices), required=False
    )
    scale = forms.ChoiceField(
        label=_("生产经营规模"), choices=_blank_first(Scale.choices), required=False
    )
    project_progress = forms.ChoiceField(
        label=_("项目进展"), choices=_blank_first(ProjectProgress.choices), required=False
    )
    credit_class = forms.ChoiceField(
        label=_("信用风险分类"), choices=_blank_first(CreditClass.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("对象类型"), choices=_blank_first(TargetKind.choices), required=False
    )
    flag = forms.MultipleChoiceField(
        label=_("标记"),
        choices=[
            ("key_industry", _("重点行业")),
            ("blacklisted", _("列入黑名单")),
            ("abnormal_list", _("列入经营异常名录")),
            ("serious_violation", _("严重违法失信")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    stratify_by = forms.ChoiceField(label=_("分层依据"), choices=StratifyBy.choices, required=False)
    sample_mode = forms.ChoiceField(
        label=_("抽取方式"),
        choices=[("ratio", _("按比例")), ("count", _("按数量"))],
        initial="ratio",
    )
    sample_all = forms.CharField(
        label=_("各层（未单列的分层）比例或数量"),
        max_length=12,
        initial="0.05",
        help_text=_("比例如 0.05（即 5%），数量如 10"),
    )
    sample_strata = forms.CharField(
        label=_("单列分层的比例或数量"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "D=0.5\nA=0.02"}),
        required=False,
        help_text=_("每行一个：分层名称=比例或数量，如 D=0.5"),
    )
    sample_minimum = forms.IntegerField(
        label=_("每层最少抽取数"), min_value=0, initial=0, required=False
    )
    team_size = forms.IntegerField(label=_("每组检查人员数"), min_value=2, max_value=10, initial=2)
    window_start = forms.DateField(label=_("检查开始日期"), widget=DATE_WIDGET)
    window_end = forms.DateField(label=_("检查结束日期"), widget=DATE_WIDGET)

    FILTER_FIELDS = (
        "industry",
        "region",
        "affiliation",
        "scale",
        "project_progress",
        "credit_class",
        "kind",
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)
        plan.queryset = AnnualPlan.objects.filter(department=actor.department)
        partners = self.fields["partner_departments"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = Department.objects.filter(active=True).exclude(
            pk__in=[actor.department_id] if actor.department_id else []
        )
        self._set_item_choices(actor, partners.queryset)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", _("不限"))] + [(r, r) for r in target_regions()]
        industry = self.fields["industry"]
        assert isinstance(industry, forms.ChoiceField)
        industry.choices = [("", _("不限")), *industry_prefix_choices()]

    def _set_item_choices(self, actor: User, partners: Any) -> None:
        """Only items a department taking part may use: the actor's own department first, then
        each possible partner's (the picker shows those once that partner is ticked for a joint
        task; the service refuses items of a department not taking part)."""
        allowed = [actor.department_id, *partners.values_list("pk", flat=True)]
        items = (
            CheckItem.objects.filter(active=True, department_id__in=allowed)
            .select_related("department")
            .order_by("department__code", "code")
        )
        self._items = {str(i.pk): i for i in items}
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        own: list[tuple[str, str]] = []
        group_attrs: dict[str, dict[str, str]] = {}
        for pk, item in self._items.items():
            if item.department_id == actor.department_id:
                own.append((pk, f"{item.code} {item.name}"))
            else:
                label = str(_("%(department)s（联合抽查时选择）") % {"department": item.department})
                groups[label].append((pk, f"{item.code} {item.name}"))
                group_attrs[label] = {"data-picker-department": str(item.department_id)}
        own_label = str(actor.department) if actor.department_id else ""
        items_field = self.fields["items"]
        assert isinstance(items_field, forms.MultipleChoiceField)
        items_field.choices = [(own_label, own), *groups.items()] if own else list(groups.items())
        widget = items_field.widget
        assert isinstance(widget, PickerCheckboxes)
        widget.group_attrs = group_attrs

    def clean_items(self) -> list[CheckItem]:
        return [self._items[pk] for pk in self.cleaned_data.get("items", [])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        mode = cleaned.get("sample_mode")
        values: dict[str, Any] = {}
        raw_all = (cleaned.get("sample_all") or "").strip()
        if raw_all:
            values["*"] = raw_all
        for n, line in enumerate((cleaned.get("sample_strata") or "").splitlines(), start=1):
            if not line.strip():
                continue
            m = SAMPLE_LINE.match(line)
            if not m:
                self.add_error(
                    "sample_strata",
                    _("第 %(n)d 行格式应为“分层名称=比例或数量”") % {"n": n},
                )
                continue
            values[m.group(1)] = m.group(2)
        if mode == "count":
            for key, value in list(values.items()):
                if not re.fullmatch(r"\d+", str(value)):
                    where = _("各层") if key == "*" else key
                    self.add_error(
                        "sample_all" if key == "*" else "sample_strata",
                        _("“%(where)s”按数量抽取时应填写非负整数") % {"where": where},
                    )
                else:
                    values[key] = int(value)
        cleaned["sample"] = {
            "mode": mode,
            "values": values,
            "minimum": cleaned.get("sample_minimum") or 0,
        }
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("检查结束日期不能早于开始日期"))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The directed-mode limits in TargetFilter's parameter names."""
        data: dict[str, Any] = {
            k: self.cleaned_data[k] for k in self.FILTER_FIELDS if self.cleaned_data.get(k)
        }
        flags = [f for f in self.cleaned_data.get("flag", []) if f in TARGET_FLAG_FILTERS]
        if flags:
            data["flag"] = flags
        return data


class CapOverrideForm(forms.Form):
    target = forms.ChoiceField(label=_("检查对象"))
    reason = forms.CharField(label=_("理由"), max_length=300)

    def __init__(self, *args: Any, targets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [(str(pk), label) for pk, label in targets]
