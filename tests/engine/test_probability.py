from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.engine.hashing import EngineError
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import (
    M,
    allocate_sample_sizes,
    compute_weight,
    inclusion_units,
    pool_inclusion,
    probability_text,
)

weights_st = st.lists(st.integers(1, 10**6), min_size=1, max_size=60)


def exact_reference(w: list[int], n: int) -> list[Fraction]:
    """Textbook iterative capping on exact fractions."""
    pi = [Fraction(0)] * len(w)
    fixed: set[int] = set()
    while True:
        rest = [i for i in range(len(w)) if i not in fixed]
        total = sum(w[i] for i in rest)
        share = n - len(fixed)
        new = {i for i in rest if share * w[i] >= total}
        if not new:
            break
        fixed |= new
    rest = [i for i in range(len(w)) if i not in fixed]
    total = sum(w[i] for i in rest)
    for i in fixed:
        pi[i] = Fraction(1)
    for i in rest:
        pi[i] = Fraction((n - len(fixed)) * w[i], total)
    return pi


@settings(max_examples=150, deadline=None)
@given(weights_st, st.data())
def test_sum_is_exactly_n_and_bounds(w: list[int], data: st.DataObject) -> None:
    n = data.draw(st.integers(0, len(w)))
    pi, k = inclusion_units(np.array(w, dtype=np.int64), n)
    assert int(pi.sum()) == n * M
    assert int(pi.min()) >= 0 and int(pi.max()) <= M
    ref = exact_reference(w, n)
    for p, r in zip(pi.tolist(), ref, strict=True):
        assert abs(Fraction(p, M) - r) < Fraction(1, M)  # rounding moves each by < 1 unit
    assert k == sum(1 for r in ref if r == 1 and n < len(w)) or n == len(w)


@settings(max_examples=100, deadline=None)
@given(weights_st, st.data())
def test_take_alls_have_pi_one(w: list[int], data: st.DataObject) -> None:
    n = data.draw(st.integers(1, len(w)))
    pi, _ = inclusion_units(np.array(w, dtype=np.int64), n)
    ref = exact_reference(w, n)
    assert all(p == M for p, r in zip(pi.tolist(), ref, strict=True) if r == 1)


def test_equal_weights_tie_break_by_id_order() -> None:
    pi, k = inclusion_units(np.ones(7, dtype=np.int64), 2)
    # Every remainder is equal, so the 2*M mod 7 = 1 spare unit goes to the smallest id.
    base, spare = divmod(2 * M, 7)
    assert spare == 1
    assert pi.tolist() == [base + 1] + [base] * 6 and k == 0


def test_large_values_exact() -> None:
    rng = np.random.default_rng(7)
    w = np.maximum(1, rng.lognormal(8, 2, 200_000)).astype(np.int64)
    pi, _ = inclusion_units(w, 2000)
    assert int(pi.sum()) == 2000 * M
    # Spot-check the exact floor for a few units with Python big integers.
    take = pi == M
    rest_sum = int(w[~take].sum())
    t = (2000 - int(take.sum())) * M
    for i in np.flatnonzero(~take)[:50].tolist():
        q = int(w[i]) * t // rest_sum
        assert int(pi[i]) in (q, q + 1)


def test_allocation_largest_remainder_and_minimum() -> None:
    sizes = allocate_sample_sizes(
        {"a": 10, "b": 15, "c": 7}, {"a": "0.25", "b": "0.25", "c": "0.25"}
    )
    assert sizes == {"a": 2, "b": 4, "c": 2}  # 2.5, 3.75, 1.75 -> 8; ties b before c
    sizes = allocate_sample_sizes({"a": 3, "b": 200}, {"a": "0.01", "b": "0.01"}, minimum=1)
    assert sizes == {"a": 1, "b": 2}
    with pytest.raises(EngineError):
        allocate_sample_sizes({"a": 3}, {"a": 0.5})  # floats are refused


def test_pool_exclusions_and_floor() -> None:
    pool = Pool.from_records(
        [
            {"id": "B", "stratum": "s", "weight": 1},
            {"id": "A", "stratum": "s", "weight": 10},
            {"id": "C", "stratum": "s", "weight": 10, "excluded": "已检查两次"},
        ]
    )
    assert pool.id_str(0) == "A"
    pi, infos = pool_inclusion(pool, {"s": 1}, floor_weight=10)
    assert pi.tolist() == [M // 2, M // 2, 0]
    assert infos[0].population == 2


def test_compute_weight_factors() -> None:
    w, factors = compute_weight(
        {"credit_class": "D", "complaints": 3, "abnormal_list": True, "key_industry": False}
    )
    assert w == 4 * 1600 * 2  # 4 * 1.6 * 2 * 1000
    assert [f.code for f in factors] == ["credit_class", "complaints", "abnormal_list"]
    assert factors[1].multiplier == "1.6"
    w, factors = compute_weight(
        {
            "credit_class": "A",
            "supervision_grade": "low",
            "sector_risk": "low",
            "region_risk": "low",
        }
    )
    assert w == 288 and factors[-1].code != "floor"
    w, factors = compute_weight({"credit_class": "A"}, {"floor": "0.8"})
    assert w == 800 and factors[-1].code == "floor"
    with pytest.raises(EngineError):
        compute_weight({"credit_class": "E"})


def test_probability_text() -> None:
    assert probability_text(M // 2) == "50.0000%"
    assert probability_text(M) == "100.0000%"
    assert probability_text(1, digits=2) == "0.00%"
