from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from spotcheck.engine.estimate import (
    NOTE_COLLAPSED,
    NOTE_NONRESPONSE,
    NOTE_OUT_OF_RANGE,
    NOTE_SRS_FALLBACK,
    clopper_pearson,
    deville_variance,
    estimate_rates,
    korn_graubard,
    t_quantile,
)
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.probability import M

# R's qt(0.975, df) for df = 1, 2, 3, 4, 5, 10, 30, 100 (print(qt(0.975, df), digits = 15)).
# R is not installed where these tests were written: the figures are R's published values and
# agree with scipy.special.stdtrit to 1e-12; the issue quotes qt(0.975, 3) = 3.1824.
R_QT_975 = {
    1: 12.7062047361747,
    2: 4.30265272974946,
    3: 3.18244630528371,
    4: 2.77644510519779,
    5: 2.57058183563631,
    10: 2.22813885198627,
    30: 2.04227245630124,
    100: 1.98397151852355,
}


@pytest.mark.parametrize("df", sorted(R_QT_975))
def test_t_quantile_matches_r_qt(df: int) -> None:
    # Was a Cornish-Fisher expansion: 3.1590 at df 3 (off by 0.023), 0.007 off at df 4.
    assert t_quantile(0.975, df) == pytest.approx(R_QT_975[df], abs=1e-6)
    assert t_quantile(0.025, df) == pytest.approx(-R_QT_975[df], abs=1e-6)


def test_t_quantile_rejects_bad_arguments() -> None:
    with pytest.raises(EngineError):
        t_quantile(1.0, 3)
    with pytest.raises(EngineError):
        t_quantile(0.9, 0)
    assert t_quantile(0.975, math.inf) == pytest.approx(1.959963984540054, abs=1e-12)


def test_equal_probability_matches_srs_formula() -> None:
    # Under equal pi = n/N Deville's approximation reduces to the SRS variance with fpc.
    n, size = 50, 1000
    rng = np.random.default_rng(3)
    y = (rng.random(n) < 0.2).astype(float)
    pi = np.full(n, n / size)
    v = deville_variance(y, pi) / size**2
    srs = (1 - n / size) * y.var(ddof=1) / n
    assert v == pytest.approx(srs, rel=1e-9)


def test_clopper_pearson_against_beta_quantiles() -> None:
    low, high = clopper_pearson(5, 50, 0.95)
    assert low == pytest.approx(stats.beta.ppf(0.025, 5, 46), abs=1e-10)
    assert high == pytest.approx(stats.beta.ppf(0.975, 6, 45), abs=1e-10)
    assert clopper_pearson(0, 40, 0.95) == (0.0, pytest.approx(1 - 0.025 ** (1 / 40)))


def test_korn_graubard_is_clopper_pearson_at_effective_size() -> None:
    # p = 0.1, V = p(1-p)/40: n_eff = 40 before the df correction (n - 1 = 59, df = 39).
    p, var = 0.1, 0.1 * 0.9 / 40
    low, high, fallback = korn_graubard(p, var, 60, 39, 0.95, 60, 60.0)
    n_eff = 40 * (stats.t.ppf(0.975, 59) / stats.t.ppf(0.975, 39)) ** 2
    assert not fallback
    assert low == pytest.approx(stats.beta.ppf(0.025, n_eff * p, n_eff * (1 - p) + 1))
    assert high == pytest.approx(stats.beta.ppf(0.975, n_eff * p + 1, n_eff * (1 - p)))
    assert high - p > p - low  # skewed towards the open side, as a proportion should be


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
    # Overall Hajek is post-stratified: sum N_h p_h / N.
    hajek = est["__overall__"]["hajek"]
    assert hajek.rate == pytest.approx((8 * 2 / 7 + 50 * 1.0) / 58, rel=1e-9)


def test_census_has_no_sampling_error() -> None:
    est = estimate_rates(
        strata=["s"] * 3, noncompliant=[True, False, False], pi_units=[M] * 3, populations={"s": 3}
    )
    e = est["s"]["ht"]
    assert e.std_error == 0 and e.ci_low == e.ci_high == pytest.approx(1 / 3)


def test_single_open_unit_is_not_zero_width() -> None:
    # Issue: one non-take-all unit next to take-alls gave SE 0 and CI [0.2, 0.2].
    est = estimate_rates(
        strata=["a"] * 5 + ["b"] * 4,
        noncompliant=[True, False, False, False, False, True, False, False, False],
        pi_units=[M, M, M, M, M // 4] + [M // 10] * 4,
        populations={"a": 12, "b": 40},
    )
    a = est["a"]["hajek"]
    assert a.ci_high - a.ci_low > 0.3
    assert NOTE_SRS_FALLBACK in a.notes
    overall = est["__overall__"]["hajek"]
    assert NOTE_COLLAPSED in overall.notes and set(overall.collapsed) == {"a", "b"}
    assert overall.ci_low < overall.rate < overall.ci_high


def test_nonresponse_hajek_and_ht_note() -> None:
    # Issue: 10 drawn (pi 1/2), all non-compliant, 5 inspected: HT 0.5, Hajek 1.0.
    est = estimate_rates(
        strata=["s"] * 5,
        noncompliant=[True] * 5,
        pi_units=[M // 2] * 5,
        populations={"s": 20},
        drawn={"s": 10},
    )
    assert est["s"]["hajek"].rate == 1.0 and NOTE_NONRESPONSE not in est["s"]["hajek"].notes
    assert est["s"]["ht"].rate == pytest.approx(0.5)
    assert NOTE_NONRESPONSE in est["s"]["ht"].notes
    assert NOTE_NONRESPONSE in est["__overall__"]["ht"].notes


def test_ht_above_one_has_a_note_and_an_interval_containing_the_shown_value() -> None:
    # Issue: HT 1.406 shown raw with CI [0.54, 1.0].
    est = estimate_rates(
        strata=["s"] * 3, noncompliant=[True] * 3, pi_units=[M // 5] * 3, populations={"s": 10}
    )
    ht = est["s"]["ht"]
    assert ht.rate == pytest.approx(1.5) and NOTE_OUT_OF_RANGE in ht.notes
    assert ht.shown == 1.0 and ht.ci_low <= ht.shown <= ht.ci_high


def test_bad_inputs() -> None:
    with pytest.raises(EngineError):
        estimate_rates(strata=["s"], noncompliant=[True], pi_units=[0], populations={"s": 3})
    with pytest.raises(EngineError):
        estimate_rates(strata=["x"], noncompliant=[True], pi_units=[M], populations={"s": 3})


@pytest.mark.parametrize(
    "kwargs",
    [
        # population smaller than the sample (issue)
        {
            "strata": ["s"] * 3,
            "noncompliant": [True] * 3,
            "pi_units": [M] * 3,
            "populations": {"s": 2},
        },
        {"strata": ["s"], "noncompliant": [True], "pi_units": [M // 2.0], "populations": {"s": 2}},
        {"strata": ["s"], "noncompliant": [True], "pi_units": [math.nan], "populations": {"s": 2}},
        {"strata": ["s"], "noncompliant": [1.5], "pi_units": [M // 2], "populations": {"s": 2}},
        {"strata": ["s"], "noncompliant": [True], "pi_units": [M // 2], "populations": {"s": 2.0}},
        {"strata": ["s"], "noncompliant": [True], "pi_units": [M // 2], "populations": {"s": -1}},
        {
            "strata": ["s"],
            "noncompliant": [True],
            "pi_units": [M // 2],
            "populations": {"s": 4},
            "drawn": {"s": 5},
        },
    ],
)
def test_estimate_rejects_bad_inputs(kwargs: dict[str, object]) -> None:
    with pytest.raises(EngineError):
        estimate_rates(**kwargs)  # type: ignore[arg-type]


@st.composite
def samples(draw: st.DrawFn) -> tuple[list[str], list[bool], list[int], dict[str, int]]:
    names = draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=4, unique=True))
    strata, flags, pis, pops = [], [], [], {}
    for name in names:
        n = draw(st.integers(0, 8))
        units = draw(st.lists(st.integers(1, M), min_size=n, max_size=n))
        strata += [name] * n
        pis += units
        flags += draw(st.lists(st.booleans(), min_size=n, max_size=n))
        pops[name] = n + draw(st.integers(0, 50))
    return strata, flags, pis, pops


@settings(max_examples=200, deadline=None)
@given(samples())
def test_intervals_are_proportions_and_never_degenerate(
    sample: tuple[list[str], list[bool], list[int], dict[str, int]],
) -> None:
    strata, flags, pis, pops = sample
    est = estimate_rates(strata=strata, noncompliant=flags, pi_units=pis, populations=pops)
    for pair in est.values():
        hajek = pair["hajek"]
        assert 0.0 <= hajek.rate <= 1.0 and not hajek.notes.count(NOTE_OUT_OF_RANGE)
        for e in pair.values():
            assert 0.0 <= e.ci_low <= e.shown <= e.ci_high <= 1.0
            assert (e.rate != e.shown) == (NOTE_OUT_OF_RANGE in e.notes)
            if e.ci_low == e.ci_high:  # only a stratum (or population) inspected in full
                assert e.sample_size == e.population
