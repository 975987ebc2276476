from __future__ import annotations

import math

import numpy as np
import pytest

from spotcheck.engine.estimate import deville_variance, estimate_rates, logit_interval
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.probability import M


def test_equal_probability_matches_srs_formula() -> None:
    # Under equal pi = n/N Deville's approximation reduces to the SRS variance with fpc.
    n, size = 50, 1000
    rng = np.random.default_rng(3)
    y = (rng.random(n) < 0.2).astype(float)
    pi = np.full(n, n / size)
    v = deville_variance(y, pi) / size**2
    srs = (1 - n / size) * y.var(ddof=1) / n
    assert v == pytest.approx(srs, rel=1e-9)


def test_ht_and_hajek_per_stratum_and_overall() -> None:
    est = estimate_rates(
        strata=["a", "a", "a", "b", "b"],
        noncompliant=[True, False, False, True, True],
        pi_units=[M // 2, M // 4, M, M // 10, M // 10],
        populations={"a": 8, "b": 50},
    )
    a = est["a"]["ht"]
    assert a.rate == pytest.approx((2 + 0 + 0) / 8, rel=1e-6)
    assert est["a"]["hajek"].rate == pytest.approx(2 / (2 + 4 + 1), rel=1e-6)
    assert est["b"]["hajek"].rate == 1.0 and est["b"]["hajek"].ci_high == 1.0
    overall = est["__overall__"]["ht"]
    assert overall.rate == pytest.approx((2 + 20) / 58, rel=1e-6)
    assert 0 <= overall.ci_low <= overall.rate <= overall.ci_high <= 1
    assert overall.sample_size == 5 and overall.population == 58


def test_census_has_no_sampling_error() -> None:
    est = estimate_rates(
        strata=["s"] * 3, noncompliant=[True, False, False], pi_units=[M] * 3, populations={"s": 3}
    )
    e = est["s"]["ht"]
    assert e.std_error == 0 and e.ci_low == e.ci_high == pytest.approx(1 / 3)


def test_logit_interval_shape() -> None:
    low, high = logit_interval(0.05, 0.02, 100, 0.95)
    assert 0 < low < 0.05 < high < 1
    assert 0.05 - low < high - 0.05  # asymmetric towards the open side
    low, high = logit_interval(0.0, 0.0, 40, 0.95)
    assert low == 0 and high == pytest.approx(1 - 0.025 ** (1 / 40))
    assert math.isclose(sum(logit_interval(0.5, 0.1, 30, 0.95)), 1.0)


def test_bad_inputs() -> None:
    with pytest.raises(EngineError):
        estimate_rates(strata=["s"], noncompliant=[True], pi_units=[0], populations={"s": 3})
    with pytest.raises(EngineError):
        estimate_rates(strata=["x"], noncompliant=[True], pi_units=[M], populations={"s": 3})


def test_t_quantile_close_to_scipy() -> None:
    from scipy import stats

    from spotcheck.engine.estimate import t_quantile

    for df in (1, 2, 3, 5, 10, 40, 200):
        assert t_quantile(0.975, df) == pytest.approx(stats.t.ppf(0.975, df), abs=0.03)
