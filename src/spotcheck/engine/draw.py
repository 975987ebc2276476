"""Target selection: systematic pi-ps sampling over units ordered by ticket.

Within a stratum, lay the units end to end in ticket order, unit k occupying the integer
interval [C_{k-1}, C_k) of length pi_k (over M = 2^32), C being the running sum. The stratum's
random start u is uniform on [0, M); the points u, u + M, ..., u + (n-1)M each fall in exactly
one unit, and those units are the sample. A unit of length pi_k <= M holds at most one point
and holds one with probability exactly pi_k / M, so the design has the exact inclusion
probabilities, exactly n units, and every take-all (pi = M) is always in. Random ticket order
makes it randomised systematic sampling (R's ``UPrandomsystematic``). Integer arithmetic only.

Why not ``numpy.random.Generator.choice(p=..., replace=False)`` or pandas ``sample(weights=...)``:
both draw one unit at a time proportional to the weight among those left (successive sampling).
Their inclusion probabilities are not proportional to the weights - in a test with N=1000,
n=80, units whose pi is 1 were drawn in as few as 71% of draws - so they would silently
under-check the riskiest targets, and they cannot show anyone an exact probability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .hashing import TAG_TARGET_TICKET, EngineError
from .parallel import map_items_threads
from .pool import Pool
from .probability import M, StratumInfo
from .tickets import U64Array, stratum_start, ticket_order, ticket_prefixes

IntpArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class StratumDraw:
    name: str
    population: int
    sample_size: int
    take_all: int
    start: int
    selected: IntpArray
    """Pool positions, in ticket order."""


def systematic_positions(pi_in_order: npt.NDArray[np.int64], n: int, start: int) -> IntpArray:
    """Indices into ``pi_in_order`` hit by the points start + j*M, j = 0..n-1."""
    if not 0 <= start < M:
        raise EngineError("systematic start must be in [0, 2^32)")
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    cum = np.cumsum(pi_in_order, dtype=np.int64)
    if int(cum[-1]) != n * M:
        raise EngineError(f"inclusion units sum to {int(cum[-1])}, expected {n} * 2^32")
    points = np.int64(start) + np.arange(n, dtype=np.int64) * np.int64(M)
    return np.searchsorted(cum, points, side="right").astype(np.intp)


def select_targets(
    pool: Pool,
    pi: npt.NDArray[np.int64],
    infos: Sequence[StratumInfo],
    seed: bytes,
    hash_name: str,
    *,
    prefixes: U64Array | None = None,
    workers: int | None = None,
) -> list[StratumDraw]:
    """Draw every stratum; strata come back in canonical (code) order."""
    if prefixes is None:
        prefixes = ticket_prefixes(hash_name, TAG_TARGET_TICKET, seed, pool.ids, workers=workers)
    keys = prefixes

    def one(stratum: tuple[StratumInfo, IntpArray]) -> StratumDraw:
        # Strata are independent; the numpy sorts and gathers release the GIL, so strata
        # proceed in parallel threads. The list keeps canonical stratum order.
        info, members = stratum
        start = stratum_start(hash_name, seed, info.name)
        order = ticket_order(hash_name, TAG_TARGET_TICKET, seed, pool.ids, keys, members)
        hits = systematic_positions(pi[order], info.sample_size, start)
        return StratumDraw(
            info.name, info.population, info.sample_size, info.take_all, start, order[hits]
        )

    strata = list(zip(infos, pool.stratum_members(), strict=True))
    return map_items_threads(one, strata, len(pool), workers=workers)
