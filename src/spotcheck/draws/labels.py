"""Words for the codes that the draw machinery stores: strata and weight factors.

The engine and the committed pool snapshot keep codes ("enterprise", "supervision_grade",
"low") and a few fixed Chinese stratum names ("全部"): they are hashed into the commitment and
must never change. What people read is mapped here, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.directory.models import CreditClass, SupervisionGrade, TargetKind

# The factor codes of spotcheck.engine.risk (whose own labels are for the proof document).
FACTOR_LABELS = {
    "credit_class": gettext_lazy("信用风险分类"),
    "supervision_grade": gettext_lazy("监管等级"),
    "sector_risk": gettext_lazy("行业风险"),
    "region_risk": gettext_lazy("区域风险"),
    "complaints": gettext_lazy("投诉举报"),
    "recent_problems": gettext_lazy("近期检查发现问题"),
    "blacklisted": gettext_lazy("列入严重失信主体名单（黑名单）"),
    "abnormal_list": gettext_lazy("列入经营异常名录"),
    "serious_violation": gettext_lazy("存在严重违法违规记录"),
    "key_industry": gettext_lazy("重点行业领域"),
    "floor": gettext_lazy("最低权重保底"),
}
RISK_LEVELS = {
    "low": gettext_lazy("低"),
    "medium": gettext_lazy("中"),
    "high": gettext_lazy("高"),
}
_GRADE_KEYS = {"low": 1, "normal": 2, "elevated": 3, "high": 4}
# The fixed stratum names of draws.pool._stratum (stored in snapshots as they are).
_FIXED_STRATA = {
    "全部": gettext_lazy("全部"),
    "未分类": gettext_lazy("未分类"),
    "未分区": gettext_lazy("未分区"),
    "*": gettext_lazy("其他各层"),
}


def factor_detail(code: str, detail: str) -> str:
    """The attribute value behind a factor, in words ("" when the label says it all)."""
    if code == "supervision_grade" and detail in _GRADE_KEYS:
        return str(SupervisionGrade(_GRADE_KEYS[detail]).label)
    if code in {"sector_risk", "region_risk"} and detail in RISK_LEVELS:
        return str(RISK_LEVELS[detail])
    if code == "credit_class" and detail in CreditClass.values:
        return str(CreditClass(detail).label)
    if code in {"complaints", "recent_problems"} and detail.isdigit():
        return _("%(n)s 次") % {"n": detail}
    if detail == "yes":
        return ""
    return detail


def factor_display(factor: Mapping[str, Any]) -> dict[str, str]:
    """A stored factor ({code, label, multiplier, detail}) with label and detail in words."""
    code = str(factor.get("code", ""))
    return {
        "code": code,
        "label": str(FACTOR_LABELS.get(code, factor.get("label", code))),
        "multiplier": str(factor.get("multiplier", "")),
        "detail": factor_detail(code, str(factor.get("detail", ""))),
    }


def stratum_label(value: str) -> str:
    """A stratum value in words: target kinds and fixed names are codes; credit classes,
    industry sections and region names are shown as they are."""
    if value in _FIXED_STRATA:
        return str(_FIXED_STRATA[value])
    if value in TargetKind.values:
        return str(TargetKind(value).label)
    return value
