"""The risk-model form: every multiplier of the engine's config as a decimal field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spotcheck.engine.risk import DEFAULT_RISK_CONFIG

# (config path, label); a path is "table.key" or a top-level key.
FIELDS: list[tuple[str, Any]] = [
    ("credit_class.A", _("信用风险分类 A 类")),
    ("credit_class.B", _("信用风险分类 B 类")),
    ("credit_class.C", _("信用风险分类 C 类")),
    ("credit_class.D", _("信用风险分类 D 类")),
    ("supervision_grade.low", _("监管等级 一级（低）")),
    ("supervision_grade.normal", _("监管等级 二级（一般）")),
    ("supervision_grade.elevated", _("监管等级 三级（较高）")),
    ("supervision_grade.high", _("监管等级 四级（高）")),
    ("sector_risk.low", _("行业风险 低")),
    ("sector_risk.medium", _("行业风险 中")),
    ("sector_risk.high", _("行业风险 高")),
    ("region_risk.low", _("区域风险 低")),
    ("region_risk.medium", _("区域风险 中")),
    ("region_risk.high", _("区域风险 高")),
    ("complaints.step", _("每次投诉举报增加")),
    ("complaints.cap", _("投诉举报倍数上限")),
    ("recent_problems.step", _("近三年每次发现问题增加")),
    ("recent_problems.cap", _("发现问题倍数上限")),
    ("blacklisted", _("列入黑名单")),
    ("abnormal_list", _("列入经营异常名录")),
    ("serious_violation", _("严重违法失信")),
    ("key_industry", _("重点行业")),
    ("floor", _("最低权重保底")),
]


def _field_name(path: str) -> str:
    return path.replace(".", "__")


def _get(config: dict[str, Any], path: str) -> Any:
    node: Any = config
    for part in path.split("."):
        node = node[part]
    return node


# A level is stored as its code; people write and read it in their language (低/中/高 or
# low/medium/high), and either is accepted whatever the page's language.
LEVEL_WORDS = {"low": _("低"), "medium": _("中"), "high": _("高")}
_LEVEL_CODES = {
    **{code: code for code in LEVEL_WORDS},
    **{"低": "low", "中": "medium", "高": "high"},
}


def _levels_text(levels: dict[str, str]) -> str:
    return "\n".join(f"{k}={LEVEL_WORDS.get(v, v)}" for k, v in sorted(levels.items()))


class RiskModelForm(forms.Form):
    note = forms.CharField(label=_("调整说明"), max_length=300)
    sector_levels = forms.CharField(
        label=_("行业风险等级"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一条：行业代码前缀=低/中/高，如 F5191=高"),
    )
    region_levels = forms.CharField(
        label=_("区域风险等级"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一条：区域名称=低/中/高，如 丰登镇=高"),
    )

    def __init__(self, *args: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = {**DEFAULT_RISK_CONFIG, **(config or {})}
        for path, label in FIELDS:
            self.fields[_field_name(path)] = forms.DecimalField(
                label=label,
                initial=Decimal(str(_get(base, path))),
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                decimal_places=3,
            )
        self.fields["sector_levels"].initial = _levels_text(base.get("sector_levels", {}))
        self.fields["region_levels"].initial = _levels_text(base.get("region_levels", {}))
        self.order_fields(["note", *(_field_name(p) for p, _ in FIELDS)])

    def _levels(self, name: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for n, line in enumerate(self.cleaned_data.get(name, "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            key, sep, level = (part.strip() for part in line.partition("="))
            code = _LEVEL_CODES.get(level.lower()) or _LEVEL_CODES.get(
                next((c for c, w in LEVEL_WORDS.items() if str(w).lower() == level.lower()), "")
            )
            if not sep or not key or code is None:
                raise forms.ValidationError(
                    _("第%(n)d行“%(line)s”格式应为 名称=低/中/高") % {"n": n, "line": line}
                )
            out[key] = code
        return out

    def clean_sector_levels(self) -> dict[str, str]:
        return self._levels("sector_levels")

    def clean_region_levels(self) -> dict[str, str]:
        return self._levels("region_levels")

    def config(self) -> dict[str, Any]:
        """The engine config: decimals as strings (the engine refuses floats)."""
        cfg: dict[str, Any] = {"scale": DEFAULT_RISK_CONFIG["scale"]}
        for path, _label in FIELDS:
            value = format(self.cleaned_data[_field_name(path)].normalize(), "f")
            table, _, key = path.partition(".")
            if key:
                cfg.setdefault(table, {})[key] = value
            else:
                cfg[table] = value
        cfg["sector_levels"] = self.cleaned_data["sector_levels"]
        cfg["region_levels"] = self.cleaned_data["region_levels"]
        return cfg
