"""Risk attributes of targets as the engine's risk model expects them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from spotcheck.credit.models import CreditRecord, RiskModel
from spotcheck.directory.models import Target

GRADE_LEVEL = {1: "low", 2: "normal", 3: "elevated", 4: "high"}
# "Recent" problems raise the weight for this many years (Art. 13: 问题多发).
RECENT_YEARS = 3


def current_risk_model() -> RiskModel | None:
    return RiskModel.objects.order_by("-version").first()


def _level(table: dict[str, str], key: str, *, prefix: bool) -> str | None:
    if not table or not key:
        return None
    if not prefix:
        return table.get(key)
    # Longest matching GB/T 4754 prefix wins: "F5191" before "F51" before "F".
    for n in range(len(key), 0, -1):
        if key[:n] in table:
            return table[key[:n]]
    return None


def risk_attributes(
    targets: Iterable[Target], *, on: dt.date, config: dict[str, Any]
) -> dict[int, dict[str, Any]]:
    """One query for the credit history of all ``targets``, then plain dicts per target."""
    targets = list(targets)
    since = on - dt.timedelta(days=365 * RECENT_YEARS)
    problems: Counter[int] = Counter(
        CreditRecord.objects.filter(
            target__in=[t.pk for t in targets],
            problem_found=True,
            occurred_on__gt=since,
            occurred_on__lte=on,
        ).values_list("target_id", flat=True)
    )
    sectors = config.get("sector_levels", {})
    regions = config.get("region_levels", {})
    out: dict[int, dict[str, Any]] = {}
    for t in targets:
        attrs: dict[str, Any] = {
            "credit_class": t.credit_class,
            "supervision_grade": GRADE_LEVEL.get(t.supervision_grade, "normal"),
            "complaints": t.complaint_count,
            "recent_problems": problems.get(t.pk, 0),
            "blacklisted": t.blacklisted,
            "abnormal_list": t.abnormal_list,
            "serious_violation": t.serious_violation,
            "key_industry": t.key_industry,
        }
        sector = _level(sectors, t.industry_code, prefix=True)
        if sector:
            attrs["sector_risk"] = sector
        region = _level(regions, t.region, prefix=False)
        if region:
            attrs["region_risk"] = region
        out[t.pk] = attrs
    return out
