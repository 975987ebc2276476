from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from spotcheck.engine.draw import select_targets, systematic_positions
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import M, inclusion_units, pool_inclusion

pools = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 10**5)), min_size=1, max_size=50).map(
    lambda rows: [
        {"id": f"U{i:04d}", "stratum": f"s{s}", "weight": w} for i, (s, w) in enumerate(rows)
    ]
)


def _draw(records: list[dict], sizes: dict[str, int], seed: bytes) -> list[str]:
    pool = Pool.from_records(records)
    pi, infos = pool_inclusion(pool, sizes)
    draws = select_targets(pool, pi, infos, seed, "sha256")
    return [pool.id_str(int(i)) for d in draws for i in d.selected]


@settings(max_examples=80, deadline=None)
@given(pools, st.data(), st.binary(min_size=32, max_size=32))
def test_exact_sizes_take_alls_and_order_independence(
    records: list[dict], data: st.DataObject, seed: bytes
) -> None:
    pool = Pool.from_records(records)
    members = pool.stratum_members()
    sizes = {
        name: data.draw(st.integers(0, len(m)))
        for name, m in zip(pool.stratum_names, members, strict=True)
    }
    pi, infos = pool_inclusion(pool, sizes)
    draws = select_targets(pool, pi, infos, seed, "sha256")
    for d in draws:
        assert len(d.selected) == sizes[d.name] == len(set(d.selected.tolist()))
        assert set(np.flatnonzero(pi == M).tolist()) & set(
            members[pool.stratum_names.index(d.name)].tolist()
        ) <= set(d.selected.tolist())
    chosen = [pool.id_str(int(i)) for d in draws for i in d.selected]
    shuffled = data.draw(st.permutations(records))
    assert _draw(list(shuffled), sizes, seed) == chosen  # order of input is irrelevant
    assert _draw(records, sizes, seed) == chosen  # deterministic


def _batched_frequencies(
    pi: np.ndarray, n: int, draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Run many systematic draws at once: random ticket orders stand in for hash tickets."""
    size = len(pi)
    counts = np.zeros(size, dtype=np.int64)
    batch = 2000
    for lo in range(0, draws, batch):
        b = min(batch, draws - lo)
        order = np.argsort(rng.integers(0, 2**63, size=(b, size)), axis=1)
        cum = np.cumsum(pi[order], axis=1)
        offsets = (np.arange(b, dtype=np.int64) * n * M)[:, None]
        starts = rng.integers(0, M, size=b)[:, None]
        points = starts + np.arange(n, dtype=np.int64)[None, :] * M + offsets
        hits = np.searchsorted((cum + offsets).ravel(), points.ravel(), side="right")
        counts += np.bincount(order.ravel()[hits], minlength=size)
    return counts


def test_chi_square_inclusion_frequencies_match_pi() -> None:
    rng = np.random.default_rng(20261126)
    w = np.maximum(1, rng.lognormal(6, 1.2, 1000)).astype(np.int64)
    w[:5] = 10**7  # five take-alls
    n, draws = 80, 20_000
    pi, k = inclusion_units(w, n)
    assert k >= 5
    counts = _batched_frequencies(pi, n, draws, rng)
    assert counts.sum() == n * draws
    certain = pi == M
    assert (counts[certain] == draws).all()
    p = pi[~certain] / M
    expected = draws * p
    stat = float((((counts[~certain] - expected) ** 2) / (expected * (1 - p))).sum())
    pvalue = stats.chi2.sf(stat, df=int((~certain).sum()) - 1)
    assert pvalue > 0.001, (stat, pvalue)


def test_chi_square_with_real_hash_tickets() -> None:
    # Fewer repetitions through the real ticket path: catches any bias the hashing might add.
    records = [
        {"id": f"9164010600{i:07d}X", "stratum": "s", "weight": 1 + (i % 10) * 50}
        for i in range(200)
    ]
    records[0]["weight"] = 10**6
    pool = Pool.from_records(records)
    pi, infos = pool_inclusion(pool, {"s": 20})
    counts = np.zeros(len(pool), dtype=np.int64)
    draws = 1500
    for r in range(draws):
        seed = r.to_bytes(32, "big")
        for d in select_targets(pool, pi, infos, seed, "sha256"):
            counts[d.selected] += 1
    certain = pi == M
    assert (counts[certain] == draws).all()
    p = pi[~certain] / M
    stat = float((((counts[~certain] - draws * p) ** 2) / (draws * p * (1 - p))).sum())
    assert stats.chi2.sf(stat, df=int((~certain).sum()) - 1) > 0.001


def test_systematic_positions_integer_edges() -> None:
    pi = np.array([M, 0, M // 2, M // 2], dtype=np.int64)
    assert systematic_positions(pi, 2, 0).tolist() == [0, 2]
    assert systematic_positions(pi, 2, M // 2).tolist() == [0, 3]
    assert systematic_positions(pi, 2, M - 1).tolist() == [0, 3]
