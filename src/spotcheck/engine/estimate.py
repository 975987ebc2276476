"""Population estimates of the non-compliance rate from a pi-ps sample (docs/estimates.md).

Estimators, per stratum h (inspected units only; drawn-but-not-inspected units are missing):

- Hajek (the estimate shown): p_h = sum(y/pi) / sum(1/pi). Within a stratum this is the
  weighting-class adjustment for non-response: the respondents' weights are scaled up to stand
  for the whole stratum, i.e. the missing units are treated as missing at random *within their
  stratum*. Overall: sum_h N_h p_h / N (the separate estimator, post-stratified to the known N_h),
  so the MAR assumption is never made across strata.
- Horvitz-Thompson: p_HT = sum(y/pi) / N_h. A unit drawn but not inspected adds 0, i.e. it is
  counted as compliant; when any drawn unit is missing the estimate carries NOTE_NONRESPONSE.
  It can exceed 1 (NOTE_OUT_OF_RANGE); its interval is then computed for the clipped value.

Variance: Deville's approximation for high-entropy fixed-size designs (randomised systematic
sampling is one), on the linearised values, per variance group, summed across groups:

    V(sum_s z/pi) ~= 1/(1 - sum a_k^2) * sum (1 - pi_k) * (z_k/pi_k - sum_l a_l z_l/pi_l)^2,
    a_k = (1 - pi_k) / sum_l (1 - pi_l).

A variance group is a stratum with at least two inspected non-take-all units; strata with fewer
are *collapsed* with the next stratum in canonical order (the last with the previous) for the
overall variance (NOTE_COLLAPSED, with the names). A stratum's own estimate then has no variance
estimate and gets the SRS fallback below (NOTE_SRS_FALLBACK); never a zero-width interval.

Interval: Korn-Graubard (``survey::svyciprop(method = "beta")``): the effective sample size
n_eff = p(1 - p) / V, scaled by (t_{n-1} / t_df)^2, then the Clopper-Pearson interval at
x = n_eff * p. df = inspected non-take-all units minus variance groups. When the variance is
not estimable or the estimate is exactly 0 or 1 (V = 0), n_eff = Kish's effective size of the
inspected non-take-all units, (sum w)^2 / sum w^2 (at least 1), times (z / t_df)^2 when
df >= 1 (so two units of one stratum, df 1, say almost nothing), and Clopper-Pearson with it.
A design effect below 1 is not credited: n_eff never exceeds the inspected non-take-all count
(the NCHS rule), which keeps the interval from being too short when pi and y are correlated. A stratum (or
population) inspected in full is known exactly: the interval is the point.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
from scipy.special import betaincinv, stdtrit

from .hashing import EngineError
from .probability import M

F64 = npt.NDArray[np.float64]

NOTE_OUT_OF_RANGE = "out_of_range"
"""HT outside [0, 1]: the interval is for the value clipped into [0, 1]."""
NOTE_NONRESPONSE = "nonresponse"
"""HT with drawn units not inspected: those count as compliant (biased towards 0)."""
NOTE_COLLAPSED = "collapsed"
"""The variance pools strata with fewer than two inspected non-take-all units."""
NOTE_SRS_FALLBACK = "srs_fallback"
"""No usable design variance (too few units, or estimate 0 or 1): Clopper-Pearson, n_eff = n."""
NOTE_MISSING_STRATA = "missing_strata"
"""Overall Hajek: strata without any inspected unit are left out (rate over the others)."""

HT = "ht"
HAJEK = "hajek"
OVERALL = "__overall__"


@dataclass(frozen=True)
class Estimate:
    rate: float
    """The estimate as computed; HT may lie outside [0, 1] (see ``notes``)."""
    std_error: float
    ci_low: float
    ci_high: float
    sample_size: int
    """Inspected units used."""
    population: int
    df: int = 0
    notes: tuple[str, ...] = ()
    collapsed: tuple[str, ...] = ()
    """Strata whose variance was pooled with a neighbour (NOTE_COLLAPSED)."""

    @property
    def shown(self) -> float:
        """The rate clipped into [0, 1] (equal to ``rate`` unless NOTE_OUT_OF_RANGE)."""
        return min(max(self.rate, 0.0), 1.0)


def deville_variance(z: F64, pi: F64) -> float:
    """Deville's approximate variance of sum(z/pi) over one stratum's (or group's) sample."""
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
    """Student t quantile (scipy's ``stdtrit``; matches R's ``qt`` to ~1e-12)."""
    if not 0.0 < p < 1.0:
        raise EngineError("t_quantile: p must be in (0, 1)")
    if math.isinf(df):
        return NormalDist().inv_cdf(p)
    if not df > 0:
        raise EngineError("t_quantile: df must be positive")
    return float(stdtrit(df, p))


def clopper_pearson(x: float, n: float, confidence: float) -> tuple[float, float]:
    """Clopper-Pearson limits for a (possibly fractional) count x out of n."""
    alpha = 1.0 - confidence
    low = 0.0 if x <= 0.0 else float(betaincinv(x, n - x + 1.0, alpha / 2))
    high = 1.0 if x >= n else float(betaincinv(x + 1.0, n - x, 1.0 - alpha / 2))
    return low, high


def kish_n(weights: F64) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2 (= len(w) for equal weights)."""
    if not len(weights):
        return 0.0
    return float(weights.sum()) ** 2 / float((weights * weights).sum())


def korn_graubard(
    rate: float, var: float, n: int, df: int, confidence: float, n_open: int, n_kish: float
) -> tuple[float, float, bool]:
    """(low, high, used_fallback) for a proportion ``rate`` in [0, 1] with design variance
    ``var`` from ``n`` units (``n_open`` of them not take-alls) and ``df`` design degrees of
    freedom; ``n_kish`` is the fallback effective size."""
    if 0.0 < rate < 1.0 and var > 0.0 and df >= 1:
        n_eff = rate * (1.0 - rate) / var
        if n > 1:
            q = 0.5 + confidence / 2
            n_eff *= (t_quantile(q, n - 1) / t_quantile(q, df)) ** 2
        # NCHS practice: a design effect below 1 is not credited (n_eff <= the actual count).
        n_eff = min(n_eff, float(max(n_open, 1)))
        low, high = clopper_pearson(n_eff * rate, n_eff, confidence)
        return low, high, False
    m = max(n_kish, 1.0)
    if df >= 1:  # few degrees of freedom say little about the spread: shrink n_eff (z/t_df)^2
        q = 0.5 + confidence / 2
        m *= (t_quantile(q, math.inf) / t_quantile(q, df)) ** 2
    low, high = clopper_pearson(rate * m, m, confidence)
    return low, high, True


@dataclass
class _Stratum:
    name: str
    population: int
    drawn: int | None
    y: F64
    pi: F64

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def open_units(self) -> int:
        """Inspected units that were not take-alls (the ones that carry sampling variance)."""
        return int((self.pi < 1.0).sum())

    @property
    def census(self) -> bool:
        return self.n == self.population

    @property
    def deficient(self) -> bool:
        return not self.census and self.open_units < 2

    @property
    def nonresponse(self) -> bool:
        return self.drawn is not None and self.n < self.drawn

    def hajek(self) -> tuple[float, float]:
        w = 1.0 / self.pi
        n_hat = float(w.sum())
        return float((self.y * w).sum()) / n_hat, n_hat


def _groups(strata: Sequence[_Stratum]) -> list[list[_Stratum]]:
    """Variance groups: consecutive strata merged until each has >= 2 open units (or is
    entirely census); a trailing deficient remainder joins the previous group."""
    out: list[list[_Stratum]] = []
    cur: list[_Stratum] = []
    for s in strata:
        cur.append(s)
        if all(c.census for c in cur) or sum(c.open_units for c in cur) >= 2:
            out.append(cur)
            cur = []
    if cur:
        if out:
            out[-1].extend(cur)
        else:
            out.append(cur)
    return out


def _finish(
    rate: float,
    var: float,
    strata: Sequence[_Stratum],
    groups: Sequence[Sequence[_Stratum]],
    population: int,
    confidence: float,
    notes: list[str],
    weights: F64,
) -> Estimate:
    n = sum(s.n for s in strata)
    open_units = sum(s.open_units for s in strata)
    census = all(s.census for s in strata)
    live = [g for g in groups if sum(s.open_units for s in g) >= 1]
    df = open_units - len(live)
    collapsed = tuple(s.name for g in groups if len(g) > 1 for s in g)
    if collapsed:
        notes.append(NOTE_COLLAPSED)
    shown = min(max(rate, 0.0), 1.0)
    if rate != shown:
        notes.append(NOTE_OUT_OF_RANGE)
    se = math.sqrt(max(var, 0.0))
    if census:
        low = high = shown
    else:
        deficient = any(
            sum(s.open_units for s in g) < 2 and not all(s.census for s in g) for g in groups
        )
        if deficient:
            var = 0.0  # not estimable: force the fallback
        low, high, fallback = korn_graubard(
            shown, var, n, df, confidence, open_units, kish_n(weights)
        )
        if fallback:
            notes.append(NOTE_SRS_FALLBACK)
    return Estimate(rate, se, low, high, n, population, max(df, 0), tuple(notes), collapsed)


def _ht(strata: Sequence[_Stratum], confidence: float) -> Estimate:
    population = sum(s.population for s in strata)
    groups = _groups(strata) if len(strata) > 1 else [list(strata)]
    total = sum(float((s.y / s.pi).sum()) for s in strata)
    rate = total / population if population else 0.0
    var = 0.0
    if population:
        for g in groups:
            y = np.concatenate([s.y for s in g]) / population
            var += deville_variance(y, np.concatenate([s.pi for s in g]))
    notes = [NOTE_NONRESPONSE] if any(s.nonresponse for s in strata) else []
    w = np.concatenate([1.0 / s.pi[s.pi < 1.0] for s in strata])
    return _finish(rate, var, strata, groups, population, confidence, notes, w)


def _hajek(strata: Sequence[_Stratum], confidence: float) -> Estimate:
    answered = [s for s in strata if s.n]
    notes = [NOTE_MISSING_STRATA] if len(answered) < len(strata) else []
    population = sum(s.population for s in answered)
    if not answered or not population:
        return Estimate(0.0, 0.0, 0.0, 1.0, 0, population, 0, (*notes, NOTE_SRS_FALLBACK))
    groups = _groups(answered) if len(answered) > 1 else [answered]
    parts = {s.name: s.hajek() for s in answered}
    rate = sum(s.population * parts[s.name][0] for s in answered) / population
    var = 0.0
    for g in groups:
        z = np.concatenate(
            [(s.y - parts[s.name][0]) * (s.population / population / parts[s.name][1]) for s in g]
        )
        var += deville_variance(z, np.concatenate([s.pi for s in g]))
    w = np.concatenate([s.population / parts[s.name][1] / s.pi[s.pi < 1.0] for s in answered])
    return _finish(rate, var, answered, groups, population, confidence, notes, w)


def _check_count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
        raise EngineError(f"{what} must be a non-negative integer, got {value!r}")
    return int(value)


def estimate_rates(
    *,
    strata: Sequence[str],
    noncompliant: Sequence[bool] | npt.NDArray[np.bool_],
    pi_units: Sequence[int] | npt.NDArray[np.int64],
    populations: Mapping[str, int],
    drawn: Mapping[str, int] | None = None,
    confidence: float = 0.95,
) -> dict[str, dict[str, Estimate]]:
    """HT and Hajek rates per stratum and overall.

    One entry per *inspected* sample unit: its stratum, whether it was found non-compliant,
    and its pi in units of 2^32 (as in the proof). ``populations`` gives N_h (eligible units at
    the draw); ``drawn`` (optional) n_h, the units drawn per stratum, so that non-response is
    known. Returns ``{name: {"ht": Estimate, "hajek": Estimate}, ..., "__overall__": {...}}``.
    """
    if not 0.0 < confidence < 1.0:
        raise EngineError("confidence must be in (0, 1)")
    y_raw = np.asarray(noncompliant)
    pi_raw = np.asarray(pi_units)
    labels = np.asarray(strata)
    if not (len(y_raw) == len(pi_raw) == len(labels)):
        raise EngineError("strata, noncompliant and pi_units must have the same length")
    if len(y_raw) and y_raw.dtype.kind != "b":
        raise EngineError("noncompliant must hold booleans")
    if len(pi_raw) and pi_raw.dtype.kind not in "iu":
        raise EngineError(
            f"pi_units must be integers (pi in units of 2^32), got dtype {pi_raw.dtype}"
        )
    if len(pi_raw) and (int(pi_raw.min()) <= 0 or int(pi_raw.max()) > M):
        raise EngineError("every sampled unit must have 0 < pi <= 2^32")
    pops = {str(k): _check_count(v, f"population of stratum {k!r}") for k, v in populations.items()}
    unknown = set(labels.tolist()) - set(pops)
    if unknown:
        raise EngineError(f"no population given for strata {sorted(unknown)}")
    y = y_raw.astype(np.float64)
    pi = pi_raw.astype(np.float64) / M
    parts: list[_Stratum] = []
    for name in sorted(pops, key=lambda s: s.encode("utf-8")):
        mask = labels == name
        n_h = int(mask.sum())
        d = None if drawn is None else _check_count(drawn.get(name, 0), f"drawn in {name!r}")
        if n_h > pops[name]:
            raise EngineError(
                f"stratum {name!r}: {n_h} inspected units exceed its population {pops[name]}"
            )
        if d is not None and not n_h <= d <= pops[name]:
            raise EngineError(
                f"stratum {name!r}: drawn {d} must lie between the {n_h} inspected units and "
                f"the population {pops[name]}"
            )
        parts.append(_Stratum(name, pops[name], d, y[mask], pi[mask]))
    out: dict[str, dict[str, Estimate]] = {
        s.name: {HT: _ht([s], confidence), HAJEK: _hajek([s], confidence)} for s in parts
    }
    out[OVERALL] = {HT: _ht(parts, confidence), HAJEK: _hajek(parts, confidence)}
    return out
