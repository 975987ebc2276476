"""Population estimates of the non-compliance rate from a pi-ps sample.

Horvitz-Thompson: p_HT = sum(y/pi) / N. Hajek: p_H = sum(y/pi) / sum(1/pi), usually more
stable when the sample size varies in effect (many take-alls, skewed weights).
Variance: Deville's approximation for high-entropy fixed-size designs (randomised systematic
sampling is one), applied per stratum and summed because strata are drawn independently:

    V(sum_s z/pi) ~= 1/(1 - sum a_k^2) * sum (1 - pi_k) * (z_k/pi_k - sum_l a_l z_l/pi_l)^2,
    a_k = (1 - pi_k) / sum_l (1 - pi_l),

with z = y for HT and the linearised residual z = (y - p_H) / N_hat for Hajek.
Interval: symmetric on the logit scale, which keeps it inside (0, 1) and makes it asymmetric
near 0 where non-compliance rates usually live; the quantile is Student's t with the design
degrees of freedom (sampled units minus strata). A rate of exactly 0 or 1 has no logit; there
the bound uses the sample size as if it were simple random sampling (1 - (alpha/2)^(1/n)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from .hashing import EngineError
from .probability import M

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Estimate:
    rate: float
    std_error: float
    ci_low: float
    ci_high: float
    sample_size: int
    population: int


def deville_variance(z: F64, pi: F64) -> float:
    """Deville's approximate variance of sum(z/pi) over one stratum's sample."""
    if len(z) < 2:
        return 0.0
    one_minus = 1.0 - pi
    total = float(one_minus.sum())
    if total <= 0.0:
        return 0.0  # every unit was certain: no sampling variance
    a = one_minus / total
    denom = 1.0 - float((a * a).sum())
    if denom <= 0.0:
        return 0.0
    expanded = z / pi
    centre = float((a * expanded).sum())
    return float((one_minus * (expanded - centre) ** 2).sum()) / denom


def t_quantile(p: float, df: float) -> float:
    """Student t quantile by the Cornish-Fisher expansion around the normal quantile.

    Exact for df 1 and 2, accurate to ~1e-3 from df 3, which is plenty for an interval; avoids needing scipy.
    """
    z = NormalDist().inv_cdf(p)
    if df <= 0 or math.isinf(df):
        return z
    if df == 1:
        return math.tan(math.pi * (p - 0.5))  # exact (Cauchy)
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))  # exact
    z2 = z * z
    return z * (
        1
        + (z2 + 1) / (4 * df)
        + (5 * z2 * z2 + 16 * z2 + 3) / (96 * df**2)
        + (3 * z2**3 + 19 * z2 * z2 + 17 * z2 - 15) / (384 * df**3)
    )


def logit_interval(
    rate: float, se: float, n: int, confidence: float, df: float | None = None
) -> tuple[float, float]:
    """``df`` (design degrees of freedom: sampled units minus strata) switches the normal
    quantile for a t quantile, which widens small-sample intervals a little."""
    z = t_quantile(0.5 + confidence / 2, df if df is not None else math.inf)
    alpha = 1 - confidence
    if n == 0:
        return 0.0, 1.0
    if rate <= 0.0:
        return 0.0, 1 - (alpha / 2) ** (1 / n)
    if rate >= 1.0:
        return (alpha / 2) ** (1 / n), 1.0
    if se == 0.0:
        return rate, rate
    centre = math.log(rate / (1 - rate))
    half = z * se / (rate * (1 - rate))
    return 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))


def _estimate(
    groups: Sequence[tuple[F64, F64]], population: int, hajek: bool, confidence: float
) -> Estimate:
    t = sum(float((y / pi).sum()) for y, pi in groups)
    n = sum(len(y) for y, _ in groups)
    if hajek:
        n_hat = sum(float((1 / pi).sum()) for _, pi in groups)
        rate = t / n_hat if n_hat else 0.0
        var = sum(deville_variance((y - rate) / n_hat, pi) for y, pi in groups) if n_hat else 0.0
    else:
        rate = t / population if population else 0.0
        var = sum(deville_variance(y, pi) for y, pi in groups) / population**2
    se = math.sqrt(max(var, 0.0))
    shown = min(max(rate, 0.0), 1.0)
    low, high = logit_interval(shown, se, n, confidence, df=max(n - len(groups), 1))
    return Estimate(rate, se, low, high, n, population)


def estimate_rates(
    *,
    strata: Sequence[str],
    noncompliant: Sequence[bool] | npt.NDArray[np.bool_],
    pi_units: Sequence[int] | npt.NDArray[np.int64],
    populations: Mapping[str, int],
    confidence: float = 0.95,
) -> dict[str, dict[str, Estimate]]:
    """HT and Hajek rates per stratum and overall.

    One entry per inspected sample unit: its stratum, whether it was found non-compliant,
    and its pi in units of 2^32 (as in the proof). ``populations`` gives N_h (eligible units
    at the draw). Returns ``{"strata": {name: {"ht", "hajek"}}, "overall": {"ht", "hajek"}}``
    flattened as ``{name: {"ht": Estimate, "hajek": Estimate}, ..., "__overall__": {...}}``.
    """
    y = np.asarray(noncompliant, dtype=np.float64)
    pi = np.asarray(pi_units, dtype=np.float64) / M
    labels = np.asarray(strata)
    if not (len(y) == len(pi) == len(labels)):
        raise EngineError("strata, noncompliant and pi_units must have the same length")
    if len(pi) and (float(pi.min()) <= 0.0 or float(pi.max()) > 1.0):
        raise EngineError("every sampled unit must have 0 < pi <= 2^32")
    out: dict[str, dict[str, Estimate]] = {}
    groups = []
    for name in sorted(populations):
        mask = labels == name
        g = (y[mask], pi[mask])
        groups.append(g)
        out[name] = {
            "ht": _estimate([g], populations[name], False, confidence),
            "hajek": _estimate([g], populations[name], True, confidence),
        }
    unknown = set(labels.tolist()) - set(populations)
    if unknown:
        raise EngineError(f"no population given for strata {sorted(unknown)}")
    total = sum(populations.values())
    out["__overall__"] = {
        "ht": _estimate(groups, total, False, confidence),
        "hajek": _estimate(groups, total, True, confidence),
    }
    return out
