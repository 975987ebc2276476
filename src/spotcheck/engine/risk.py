"""Risk model: a target's attributes -> an integer draw weight plus the factors behind it.

Art. 13 asks for a per-target probability "based on credit status, internal supervision grade,
sector/region credit risk", higher for key industries, complaints, frequent problems,
blacklisting, the abnormal-operations list (经营异常名录) and serious violations. The weight is
the product of one multiplier per applicable factor, floored so every eligible target keeps a
chance, and scaled to an integer (the protocol only accepts integer weights). Arithmetic is on
exact fractions so the same inputs always give the same integer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from .hashing import EngineError

DEFAULT_RISK_CONFIG: dict[str, Any] = {
    "scale": 1000,
    "floor": "0.2",
    "credit_class": {"A": "0.5", "B": "1", "C": "2", "D": "4"},
    "supervision_grade": {"low": "0.8", "normal": "1", "elevated": "1.5", "high": "2"},
    "sector_risk": {"low": "0.8", "medium": "1", "high": "1.5"},
    "region_risk": {"low": "0.9", "medium": "1", "high": "1.3"},
    "complaints": {"step": "0.2", "cap": "2"},
    "recent_problems": {"step": "0.5", "cap": "3"},
    "blacklisted": "3",
    "abnormal_list": "2",
    "serious_violation": "2.5",
    "key_industry": "1.5",
}

_LABELS = {
    "credit_class": "信用风险分类",
    "supervision_grade": "监管等级",
    "sector_risk": "行业风险",
    "region_risk": "区域风险",
    "complaints": "投诉举报",
    "recent_problems": "近期检查发现问题",
    "blacklisted": "列入严重失信主体名单（黑名单）",
    "abnormal_list": "列入经营异常名录",
    "serious_violation": "存在严重违法违规记录",
    "key_industry": "重点行业领域",
    "floor": "最低权重保底",
}


@dataclass(frozen=True)
class WeightFactor:
    code: str
    label_zh: str
    multiplier: str
    """Exact decimal string, e.g. "1.5"."""
    detail: str = ""
    """The attribute value that triggered it, e.g. "D" or "3 complaints"."""


def _frac(value: Any, what: str) -> Fraction:
    if isinstance(value, float):
        raise EngineError(f"risk config {what}: use a decimal string, not a float")
    try:
        f = Fraction(value)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"risk config {what}: {value!r} is not a number") from exc
    if f <= 0:
        raise EngineError(f"risk config {what}: multipliers must be positive")
    return f


def _text(f: Fraction) -> str:
    d = Decimal(f.numerator) / Decimal(f.denominator)
    return format(d.normalize(), "f")


def compute_weight(
    attributes: Mapping[str, Any], config: Mapping[str, Any] | None = None
) -> tuple[int, list[WeightFactor]]:
    """Integer weight (in 1/scale units) and the factors that produced it.

    ``attributes`` keys (all optional): credit_class (A-D), supervision_grade, sector_risk,
    region_risk (keys of the corresponding config tables), complaints and recent_problems
    (counts), blacklisted, abnormal_list, serious_violation, key_industry (booleans).
    A missing table or key in ``config`` falls back to the default config.
    """
    cfg = {**DEFAULT_RISK_CONFIG, **(config or {})}
    product = Fraction(1)
    factors: list[WeightFactor] = []

    def apply(code: str, mult: Fraction, detail: str) -> None:
        nonlocal product
        if mult != 1:
            product *= mult
            factors.append(WeightFactor(code, _LABELS[code], _text(mult), detail))

    for code in ("credit_class", "supervision_grade", "sector_risk", "region_risk"):
        value = attributes.get(code)
        if value is None or value == "":
            continue
        table = cfg[code]
        if str(value) not in table:
            raise EngineError(f"{code} {value!r} is not in the risk config ({sorted(table)})")
        apply(code, _frac(table[str(value)], f"{code}.{value}"), str(value))

    for code in ("complaints", "recent_problems"):
        count = attributes.get(code) or 0
        if not isinstance(count, int) or count < 0:
            raise EngineError(f"{code} must be a non-negative integer count")
        if count:
            step = _frac(cfg[code]["step"], f"{code}.step")
            cap = _frac(cfg[code]["cap"], f"{code}.cap")
            apply(code, min(cap, 1 + step * count), f"{count}")

    for code in ("blacklisted", "abnormal_list", "serious_violation", "key_industry"):
        if attributes.get(code):
            apply(code, _frac(cfg[code], code), "yes")

    floor = _frac(cfg["floor"], "floor")
    if product < floor:
        factors.append(
            WeightFactor("floor", _LABELS["floor"], _text(floor / product), _text(floor))
        )
        product = floor
    scale = int(cfg["scale"])
    if scale < 1:
        raise EngineError("risk config scale must be a positive integer")
    scaled = Decimal(product.numerator * scale) / Decimal(product.denominator)
    weight = int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return max(weight, 1), factors
