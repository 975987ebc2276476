"""Forms of the draw ceremony. They only parse; draws.services checks and records everything."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.core.forms import OwnIds
from spotcheck.draws.models import Draw, RandomnessKind, RecusalReason, TeamMember
from spotcheck.engine.hashing import SUPPORTED

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NAME_SPLIT = re.compile(r"[\n\r,，、;；]+")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # datetime-local inputs carry no zone: they are the bureau's local time.
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


class CommitForm(forms.Form):
    randomness_kind = forms.ChoiceField(
        label=_("公开随机数来源"),
        choices=RandomnessKind.choices,
        initial=RandomnessKind.WITNESSES,
        widget=forms.RadioSelect,
    )
    names = forms.CharField(
        label=_("见证人姓名 / 随机信标轮次 / 彩票期号"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("王五\n赵六")}),
        help_text=_(
            "每行一个。见证人掷骰至少 2 名见证人，每人现场掷 6 枚骰子。"
            "见证人姓名将随抽取承诺在公示门户公开，请事先告知见证人"
        ),
    )
    not_before = forms.DateTimeField(
        label=_("随机数公布时间（随机信标/彩票）"),
        widget=DATETIME_WIDGET,
        required=False,
        help_text=_("必须晚于现在：承诺之后才产生的随机数"),
    )
    hash_name = forms.ChoiceField(
        label=_("哈希算法"),
        choices=[(h, {"sha256": "SHA-256", "sm3": _("SM3（国密）")}.get(h, h)) for h in SUPPORTED],
        initial="sha256",
    )
    reason = forms.CharField(
        label=_("重新抽取的原因"),
        max_length=300,
        required=False,
        help_text=_("本任务已有抽取记录时必须填写"),
    )

    def __init__(self, *args: Any, has_previous: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_previous:
            del self.fields["reason"]

    def clean_names(self) -> list[str]:
        raw = self.cleaned_data.get("names", "")
        return [n.strip() for n in NAME_SPLIT.split(raw) if n.strip()]

    def clean_not_before(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("not_before"))


class ExecuteForm(forms.Form):
    """One value field per announced randomness item (and its publication time if public)."""

    def __init__(self, *args: Any, draw: Draw, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
        self.witnesses = draw.randomness_kind == RandomnessKind.WITNESSES
        for n, name in enumerate(self.items):
            if self.witnesses:
                self.fields[f"value_{n}"] = forms.CharField(
                    label=_("%(name)s 的 6 枚骰子点数") % {"name": name},
                    max_length=20,
                    error_messages={"required": _("请录入%(name)s的骰子点数") % {"name": name}},
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "numeric",
                            "autocomplete": "off",
                            "placeholder": "352614",
                        }
                    ),
                )
            else:
                self.fields[f"value_{n}"] = forms.CharField(
                    label=_("%(name)s 的公开值") % {"name": name},
                    max_length=200,
                    error_messages={"required": _("请录入%(name)s的公开值") % {"name": name}},
                )
                self.fields[f"published_{n}"] = forms.DateTimeField(
                    label=_("%(name)s 的公布时间") % {"name": name}, widget=DATETIME_WIDGET
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.witnesses:
            for n in range(len(self.items)):
                value = re.sub(r"\s+", "", cleaned.get(f"value_{n}") or "")
                cleaned[f"value_{n}"] = value
                # Checked here too so the clerk sees which witness's entry is wrong.
                if value and not re.fullmatch(r"[1-6]{6}", value):
                    self.add_error(
                        f"value_{n}",
                        _("骰子点数格式错误：应为 6 个 1–6 的数字，如 352614"),
                    )
        return cleaned

    def entries(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"value_{n}"] for n, name in enumerate(self.items)}

    def published_at(self) -> dict[str, dt.datetime] | None:
        if self.witnesses:
            return None  # entered at the ceremony: the service stamps the time of entry
        out = {}
        for n, name in enumerate(self.items):
            when = _aware(self.cleaned_data.get(f"published_{n}"))
            if when is not None:
                out[name] = when
        return out


class AbortForm(forms.Form):
    reason = forms.CharField(
        label=_("作废原因"),
        max_length=300,
        error_messages={"required": _("请填写作废原因")},
        help_text=_("原因将随作废标记在公示门户公开，请勿填写个人信息（证件号、电话号码会被遮盖）"),
    )


class AbortDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批"),
        choices=[("approve", _("批准作废")), ("reject", _("驳回"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择批准或驳回")},
    )
    comment = forms.CharField(
        label=_("审批意见"),
        max_length=300,
        required=False,
        help_text=_("驳回时必须填写"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("驳回作废申请须填写意见"))
        return cleaned


class RecusalForm(forms.Form):
    member = forms.ChoiceField(label=_("回避的检查人员（检查对象 — 人员）"))
    reason_code = forms.ChoiceField(
        label=_("回避事由"),
        choices=[("", _("请选择")), *RecusalReason.choices],
        help_text=_("公开的抽取证明只载明回避事由，不载明具体说明"),
    )
    reason = forms.CharField(
        label=_("具体说明"), max_length=300, help_text=_("仅供内部留存，不对外公开")
    )

    def __init__(self, *args: Any, members: list[TeamMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.pk): m for m in members}
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (pk, f"{m.target.name} — {m.inspector.name}（{m.inspector.cert_no}）")
            for pk, m in self.members.items()
        ]

    def chosen(self) -> TeamMember:
        return self.members[self.cleaned_data["member"]]


class AdvanceNoticeForm(OwnIds, forms.Form):
    # It shares the results page with the recusal form, which also has a ``reason``.
    id_prefix = "notice"
    target = forms.ChoiceField(label=_("检查对象"))
    notified_on = forms.DateField(label=_("告知日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("依据或理由"), max_length=300)

    def __init__(self, *args: Any, targets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {str(t.pk): t for t in targets}
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, f"{t.credit_code} {t.name}") for pk, t in self.targets.items()]
        self.fields["notified_on"].initial = timezone.localdate()

    def chosen(self) -> Any:
        return self.targets[self.cleaned_data["target"]]
