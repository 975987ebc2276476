"""Inclusion probabilities: sample sizes per stratum, capping, exact integer quantisation.

Probabilities are integers over M = 2^32 ("pi units"): unit i is drawn with probability
exactly pi_i / 2^32, and the pi of a stratum sum to exactly n_h * 2^32. All rules below are
stated on exact rationals; the code gets the same integers with int64 arithmetic (see
``_quantise``), and the protocol document restates them for other implementations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from .hashing import EngineError
from .parallel import map_items_threads
from .pool import Pool
from .risk import DEFAULT_RISK_CONFIG, WeightFactor, compute_weight

M = 2**32
MAX_SAMPLE = 2**24  # keeps n*M <= 2^56 so the int64 correction in _quantise is exact
MAX_STRATUM_WEIGHT = 2**53

I64Array = npt.NDArray[np.int64]
IntpArray = npt.NDArray[np.intp]

__all__ = [
    "DEFAULT_RISK_CONFIG",
    "M",
    "StratumInfo",
    "WeightFactor",
    "allocate_sample_sizes",
    "compute_weight",
    "inclusion_units",
    "pool_inclusion",
    "probability_text",
]


@dataclass(frozen=True)
class StratumInfo:
    name: str
    population: int
    """Eligible units (exclusions removed)."""
    sample_size: int
    take_all: int
    """Units with pi = 1 because their weight share would exceed 1."""


def parse_ratio(value: str | int | Fraction, what: str) -> Fraction:
    if isinstance(value, float):
        raise EngineError(f"{what}: give ratios as decimal strings, not floats")
    try:
        r = Fraction(value)
    except (ValueError, ZeroDivisionError) as exc:
        raise EngineError(f"{what}: {value!r} is not a number") from exc
    if not 0 <= r <= 1:
        raise EngineError(f"{what}: ratio {value!r} is outside [0, 1]")
    return r


def allocate_sample_sizes(
    populations: Mapping[str, int],
    ratios: Mapping[str, str | int | Fraction],
    *,
    minimum: int = 0,
) -> dict[str, int]:
    """Stratum sample sizes from ratios, by largest remainder.

    quota_h = ratio_h * N_h exactly; the total is round-half-up(sum of quotas); each stratum
    first gets floor(quota_h), the units still missing go one each to the strata with the largest
    fractional parts, ties to the stratum whose code sorts first (UTF-8 bytes). Then every stratum
    with a positive ratio gets at least ``min(minimum, N_h)`` (this may raise the total).
    """
    names = sorted(populations, key=lambda s: s.encode("utf-8"))
    # A stratum whose lines are all excluded (population 0) needs no ratio: its size is 0.
    missing = [s for s in names if s not in ratios and populations[s] > 0]
    if missing:
        raise EngineError(f"no ratio given for strata: {', '.join(missing)}")
    quotas = {s: parse_ratio(ratios.get(s, "0"), f"stratum {s}") * populations[s] for s in names}
    total = int(sum(quotas.values(), Fraction(0)) + Fraction(1, 2))
    sizes = {s: int(q) for s, q in quotas.items()}
    short = total - sum(sizes.values())
    by_remainder = sorted(names, key=lambda s: (-(quotas[s] - sizes[s]), s.encode("utf-8")))
    for s in by_remainder[:short]:
        sizes[s] += 1
    for s in names:
        if quotas[s] > 0:
            sizes[s] = max(sizes[s], min(minimum, populations[s]))
    return sizes


def inclusion_units(weights: I64Array, n: int) -> tuple[I64Array, int]:
    """pi (over M) of one stratum whose units are in canonical order; returns (pi, take_all).

    1. Take-alls: with weights sorted descending, unit j (0-based) is a take-all while
       (n - j) * w_j >= W - (sum of the j larger weights); equal weights are all in or all out.
    2. The rest share T = (n - k) * M: q_i = floor(w_i * T / W_R), r_i = w_i * T mod W_R.
    3. The D = T - sum(q) largest r_i get +1; ties go to the unit with the smaller id.
    """
    size = len(weights)
    if n < 0 or n > size:
        raise EngineError(f"sample size {n} is outside [0, {size}]")
    if n > MAX_SAMPLE:
        raise EngineError(f"sample size {n} exceeds the protocol limit 2^24")
    if n == size:
        return np.full(size, M, dtype=np.int64), size
    if n == 0:
        return np.zeros(size, dtype=np.int64), 0
    total = int(weights.sum(dtype=np.int64))
    if total > MAX_STRATUM_WEIGHT:
        raise EngineError("stratum weight sum exceeds 2^53; rescale the weights")
    # Only the n largest weights can be take-alls: partition (O(N)) then sort n (O(n log n)).
    top = np.argpartition(weights, size - n)[size - n :]
    top_w = np.sort(weights[top])[::-1].tolist()
    k, rest = 0, total
    while k < n and (n - k) * top_w[k] >= rest:
        rest -= top_w[k]
        k += 1
    if not k:
        return _quantise(weights, n * M, rest), 0
    take = weights >= top_w[k - 1]
    if int(take.sum()) != k:
        raise EngineError("internal error: take-all set is not closed under ties")
    pi = np.zeros(size, dtype=np.int64)
    pi[take] = M
    others = np.flatnonzero(~take)
    pi[others] = _quantise(weights[others], (n - k) * M, rest)
    return pi, k


def _quantise(w: I64Array, target: int, wsum: int) -> I64Array:
    """floor(w*target/wsum) plus largest-remainder top-up, exactly, with int64 only.

    The float estimate of the quotient is within a few units of the truth; the remainder
    w*target - q*wsum is then computed modulo 2^64 (numpy int64 wraps), which is exact because
    the true remainder is far inside the int64 range, and one floor division corrects q.
    """
    t64, s64 = np.int64(target), np.int64(wsum)
    est = w.astype(np.float64)
    est *= target / wsum
    q = np.floor(est, out=est).astype(np.int64)
    del est
    with np.errstate(over="ignore"):
        r = w * t64
        r -= q * s64
    # Each q is at most M = 2^32, so the float estimate is off by at most one and usually
    # exact: skip the (slow) int64 floor division when every remainder is already in range.
    if len(r) and (int(r.min()) < 0 or int(r.max()) >= wsum):
        adj = r // s64
        q += adj
        r -= adj * s64
        if int(r.min()) < 0 or int(r.max()) >= wsum:
            raise EngineError("internal error: quantisation remainder out of range")
    short = target - int(q.sum())
    if not 0 <= short <= len(w):
        raise EngineError("internal error: quantisation shortfall out of range")
    if short:
        threshold = np.partition(r, len(r) - short)[len(r) - short]
        above = r > threshold
        q += above  # +1 where above (one pass; same as q[above] += 1)
        ties = np.flatnonzero(r == threshold)[: short - int(above.sum())]
        q[ties] += 1  # positions ascend with ids, so the first ties are the smallest ids
    return q


def pool_inclusion(
    pool: Pool,
    sample_sizes: Mapping[str, int],
    floor_weight: int = 1,
    *,
    workers: int | None = None,
) -> tuple[I64Array, list[StratumInfo]]:
    """pi (over M) for every pool unit (0 for excluded) and a summary per stratum."""
    if floor_weight < 1:
        raise EngineError("floor_weight must be >= 1")
    unknown = set(sample_sizes) - set(pool.stratum_names)
    if unknown:
        raise EngineError(f"sample sizes given for unknown strata: {sorted(unknown)}")
    weights = np.maximum(pool.weights, np.int64(floor_weight))
    pi = np.zeros(len(pool), dtype=np.int64)
    strata = list(zip(pool.stratum_names, pool.stratum_members(), strict=True))
    for name, members in strata:
        n = int(sample_sizes.get(name, 0))
        if n > len(members):
            raise EngineError(
                f"stratum {name!r}: sample size {n} exceeds its {len(members)} eligible units"
            )

    def one(stratum: tuple[str, IntpArray]) -> StratumInfo:
        # Strata are independent and write disjoint positions of pi, so they can run in threads.
        name, members = stratum
        n = int(sample_sizes.get(name, 0))
        pi_h, k = inclusion_units(weights[members], n)
        pi[members] = pi_h
        return StratumInfo(name, len(members), n, k)

    infos = map_items_threads(one, strata, len(pool), workers=workers)
    for (name, members), info in zip(strata, infos, strict=True):
        if info.sample_size and len(members):
            zero = members[pi[members] == 0]
            if len(zero):
                i = int(zero[0])
                raise EngineError(
                    f"stratum {name!r}: eligible unit {pool.id_str(i)!r} (weight "
                    f"{int(weights[i])}) would get inclusion probability 0 - its weight is below "
                    f"1/2^32 of the stratum's share; {len(zero)} unit(s) affected. Raise "
                    "floor_weight, rescale the weights or split the stratum"
                )
    return pi, infos


def probability_text(pi_units: int, digits: int = 4) -> str:
    """The exact probability pi/2^32 as a percentage string, rounded half-up for display."""
    scaled = Fraction(pi_units * 100, M)
    quant = Fraction(1, 10**digits)
    rounded = int(scaled / quant + Fraction(1, 2)) * quant
    whole = int(rounded)
    frac = int((rounded - whole) * 10**digits)
    return f"{whole}.{frac:0{digits}d}%" if digits else f"{whole}%"
