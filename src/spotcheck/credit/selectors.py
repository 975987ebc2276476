"""Risk attributes of targets as the engine's risk model expects them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, QuerySet

from spotcheck.credit.models import CreditRecord, RiskModel
from spotcheck.directory.models import Target
from spotcheck.directory.selectors import as_department_sees
from spotcheck.engine.risk import compute_weight

GRADE_LEVEL = {1: "low", 2: "normal", 3: "elevated", 4: "high"}
# "Recent" problems raise the weight for this many years (Art. 13: 问题多发).
RECENT_YEARS = 3
_UNSEEN = object()


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


# The Target columns the risk model reads, in the order RiskProfiles.weigh takes them.
RISK_COLUMNS = (
    "credit_class",
    "supervision_grade",
    "complaint_count",
    "blacklisted",
    "abnormal_list",
    "serious_violation",
    "key_industry",
    "industry_code",
    "region",
)


def department_risk_columns(
    targets: QuerySet[Target], department_id: int | None, *, only_supervised: bool = False
) -> tuple[QuerySet[Target], tuple[str, ...]]:
    """``targets`` and the names to read RISK_COLUMNS by, as ``department_id`` sees them (its
    own grade and key-industry flag where it set them; see ``as_department_sees``, which
    also says what ``only_supervised`` does)."""
    qs, names = as_department_sees(targets, department_id, only_supervised=only_supervised)
    return qs, tuple(names.get(c, c) for c in RISK_COLUMNS)


def recent_problem_counts(targets: QuerySet[Target], *, on: dt.date) -> dict[int, int]:
    """Problems found in the recent years before ``on``, per target of ``targets`` (a
    queryset, used as a subquery: counted in the database, only targets with problems come
    back)."""
    since = on - dt.timedelta(days=365 * RECENT_YEARS)
    return dict(
        CreditRecord.objects.filter(
            target__in=targets.order_by().values("pk"),
            problem_found=True,
            occurred_on__gt=since,
            occurred_on__lte=on,
        )
        .order_by()
        .values("target_id")
        .annotate(n=Count("id"))
        .values_list("target_id", "n")
    )


class RiskProfiles:
    """Weights of many targets under one risk model, computed once per distinct profile.

    A target's weight depends only on a handful of attributes with few values, so a
    million targets share a few hundred profiles: each is weighed once with the exact
    arithmetic of ``compute_weight``, and its reasons are kept once (``factor_sets``)."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.sectors: dict[str, str] = config.get("sector_levels", {})
        self.regions: dict[str, str] = config.get("region_levels", {})
        self.factor_sets: list[list[dict[str, str]]] = []
        self._known: dict[tuple[Any, ...], tuple[int, int]] = {}
        self._sector: dict[str, object] = {}
        self._region: dict[str, object] = {}

    def _levels(self, industry: str, region: str) -> tuple[str | None, str | None]:
        sector = self._sector.get(industry, _UNSEEN)
        if sector is _UNSEEN:
            sector = self._sector[industry] = _level(self.sectors, industry, prefix=True)
        area = self._region.get(region, _UNSEEN)
        if area is _UNSEEN:
            area = self._region[region] = _level(self.regions, region, prefix=False)
        return sector, area  # type: ignore[return-value]

    def attributes(self, values: Sequence[Any], recent_problems: int) -> dict[str, Any]:
        """The risk model's attributes from RISK_COLUMNS values (and the problem count)."""
        cc, grade, complaints, bl, ab, sv, ki, industry, region = values
        attrs: dict[str, Any] = {
            "credit_class": cc,
            "supervision_grade": GRADE_LEVEL.get(grade, "normal"),
            "complaints": complaints,
            "recent_problems": recent_problems,
            "blacklisted": bl,
            "abnormal_list": ab,
            "serious_violation": sv,
            "key_industry": ki,
        }
        sector, area = self._levels(industry, region)
        if sector:
            attrs["sector_risk"] = sector
        if area:
            attrs["region_risk"] = area
        return attrs

    def weigh(self, values: Sequence[Any], recent_problems: int) -> tuple[int, int]:
        """(weight, index into factor_sets) for one target's RISK_COLUMNS values."""
        # Keyed on the levels, not the raw codes: targets of different industries at the
        # same level share a profile.
        key = (*values[:7], recent_problems, *self._levels(values[7], values[8]))
        known = self._known.get(key)
        if known is not None:
            return known
        attrs = self.attributes(values, recent_problems)
        weight, factors = compute_weight(attrs, self.config)
        self.factor_sets.append(
            [
                {
                    "code": f.code,
                    "label": f.label_zh,
                    "multiplier": f.multiplier,
                    "detail": f.detail,
                }
                for f in factors
            ]
        )
        known = (weight, len(self.factor_sets) - 1)
        self._known[key] = known
        return known
