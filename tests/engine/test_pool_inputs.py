"""Input checks of every public Pool constructor and of commit-time probabilities (issue 14)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.engine.hashing import EngineError
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import pool_inclusion
from spotcheck.engine.tickets import to_id_array

IDS = ["a1", "a2", "a3"]


@pytest.mark.parametrize(
    "weights",
    [
        [1, 2.9, 3],  # was truncated to 2
        [1, 2.0, 3],  # a float, even integral, is not an integer weight
        [1, math.nan, 3],  # was a bare numpy ValueError
        np.array([1.0, 2.0, 3.0]),
        np.array([1.0, math.nan, 3.0]),
        [1, 0, 3],
        [1, -4, 3],
        [1, True, 3],
        [1, 2**40 + 1, 3],
        ["1", 2, 3],
    ],
)
def test_from_arrays_rejects_bad_weights(weights: object) -> None:
    with pytest.raises(EngineError, match="weights must be integers"):
        Pool.from_arrays(IDS, ["s"] * 3, weights)  # type: ignore[arg-type]


def test_nan_is_named() -> None:
    with pytest.raises(EngineError, match="NaN"):
        Pool.from_arrays(IDS, ["s"] * 3, [1, math.nan, 3])  # type: ignore[list-item]


@pytest.mark.parametrize("weight", [2.9, math.nan, 0, -1, True, None])
def test_from_records_rejects_bad_weights(weight: object) -> None:
    with pytest.raises(EngineError):
        Pool.from_records([{"id": "a1", "stratum": "s", "weight": weight}])


def test_direct_constructor_validates() -> None:
    ids = to_id_array(IDS)
    strata = np.zeros(3, dtype=np.int32)
    good = Pool(ids, strata, ("s",), np.array([1, 2, 3], dtype=np.int64))
    assert len(good) == 3
    bad = [
        (ids, strata, ("s",), np.array([1.0, 2.9, 3.0])),
        (ids, strata, ("s",), np.array([1, 0, 3], dtype=np.int64)),
        (ids, strata, ("s",), np.array([1, -2, 3], dtype=np.int64)),
        (ids[::-1].copy(), strata, ("s",), np.array([1, 2, 3], dtype=np.int64)),
        (ids, np.array([0, 1, 0], dtype=np.int32), ("s",), np.array([1, 2, 3], dtype=np.int64)),
        (ids, strata, ("s",), np.array([1, 2], dtype=np.int64)),
        (ids, strata, ("t", "s"), np.array([1, 2, 3], dtype=np.int64)),
    ]
    for args in bad:
        with pytest.raises(EngineError):
            Pool(*args)  # type: ignore[arg-type]
    with pytest.raises(EngineError):
        Pool(ids, strata, ("s",), np.array([1, 2, 3], dtype=np.int64), {7: "gone"})


def test_tiny_weight_among_huge_is_rejected_not_given_pi_zero() -> None:
    # Issue: weight 1 among 8,000 units of weight 2^40, n = 1 gave the eligible unit pi = 0.
    size = 8001
    ids = [f"u{i:05d}" for i in range(size)]
    weights = [2**40] * (size - 1) + [1]
    pool = Pool.from_arrays(ids, ["s"] * size, weights)
    with pytest.raises(EngineError, match="inclusion probability 0"):
        pool_inclusion(pool, {"s": 1})
    # Excluding it (or raising the floor) makes the pool acceptable.
    ok = Pool.from_arrays(ids, ["s"] * size, weights, excluded={"u08000": "below scale"})
    pi, _ = pool_inclusion(ok, {"s": 1})
    assert int(pi[-1]) == 0 and bool((pi[:-1] > 0).all())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 2**40), min_size=1, max_size=30),
    st.integers(0, 30),
    st.integers(1, 2**20),
)
def test_accepted_pools_give_every_eligible_unit_positive_pi(
    weights: list[int], n: int, floor: int
) -> None:
    n = min(n, len(weights))
    pool = Pool.from_arrays(
        [f"u{i:03d}" for i in range(len(weights))], ["s"] * len(weights), weights
    )
    try:
        pi, _ = pool_inclusion(pool, {"s": n}, floor_weight=floor)
    except EngineError as exc:
        assert "inclusion probability 0" in str(exc)
        return
    if n:
        assert bool((pi > 0).all())
