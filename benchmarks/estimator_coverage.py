"""Coverage of the 95% logit intervals for HT and Hajek non-compliance rates, by simulation.

    .venv/bin/python benchmarks/estimator_coverage.py [--reps 2000]

A fixed finite population (three strata, lognormal risk weights, non-compliance more likely for
high-risk units, a few take-alls) is drawn repeatedly with the engine's own probabilities and
systematic selection (real hash tickets, one seed per replicate). For each replicate the
intervals are computed from the sampled units only; coverage = share of replicates whose
interval contains the true population rate. Nominal: 95%.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spotcheck.engine.draw import select_targets
from spotcheck.engine.estimate import estimate_rates
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import pool_inclusion


def population(size: int, base_rate: float, rng: np.random.Generator) -> tuple[Pool, np.ndarray]:
    strata = np.array(["A", "B", "C"])[rng.integers(0, 3, size)]
    w = np.maximum(1, np.round(rng.lognormal(0, 0.9, size) * 1000)).astype(np.int64)
    w[rng.choice(size, 5, replace=False)] *= 200  # a few very high-risk units -> take-alls
    logit = np.log(base_rate / (1 - base_rate)) + 0.8 * np.log(w / np.median(w))
    y = rng.random(size) < 1 / (1 + np.exp(-logit))
    ids = [f"91640106{i:010d}" for i in range(size)]
    return Pool.from_arrays(ids, strata.tolist(), w), y


def run(size: int, ratio: float, base_rate: float, reps: int, rng: np.random.Generator) -> None:
    pool, y_all = population(size, base_rate, rng)
    members = pool.stratum_members()
    sizes = {
        n: max(2, round(len(m) * ratio)) for n, m in zip(pool.stratum_names, members, strict=True)
    }
    pops = {n: len(m) for n, m in zip(pool.stratum_names, members, strict=True)}
    pi, infos = pool_inclusion(pool, sizes)
    y = y_all  # pool.from_arrays kept the id order, which is the generation order here
    truth = {n: float(y[m].mean()) for n, m in zip(pool.stratum_names, members, strict=True)}
    truth["__overall__"] = float(y.mean())
    hits = {k: {"ht": 0, "hajek": 0} for k in truth}
    width = {k: {"ht": 0.0, "hajek": 0.0} for k in truth}
    t0 = time.perf_counter()
    for _ in range(reps):
        seed = rng.bytes(32)
        draws = select_targets(pool, pi, infos, seed, "sha256", workers=1)
        idx = np.concatenate([d.selected for d in draws])
        est = estimate_rates(
            strata=[pool.stratum_names[s] for s in pool.strata[idx].tolist()],
            noncompliant=y[idx],
            pi_units=pi[idx],
            populations=pops,
        )
        for key, pair in est.items():
            for kind, e in pair.items():
                hits[key][kind] += e.ci_low <= truth[key] <= e.ci_high
                width[key][kind] += e.ci_high - e.ci_low
    dt = time.perf_counter() - t0
    n_total = sum(sizes.values())
    print(
        f"\nN={size}, n={n_total} ({ratio:.0%} per stratum), base rate {base_rate:.0%}, "
        f"{reps} replicates ({dt:.1f} s)"
    )
    print(
        f"  {'target':12s} {'true rate':>9s} {'HT cover':>9s} {'Hajek cover':>11s} "
        f"{'HT width':>9s} {'Hajek width':>11s}"
    )
    for key in truth:
        name = "overall" if key == "__overall__" else f"stratum {key}"
        print(
            f"  {name:12s} {truth[key]:9.3f} {hits[key]['ht'] / reps:9.3f} "
            f"{hits[key]['hajek'] / reps:11.3f} {width[key]['ht'] / reps:9.3f} "
            f"{width[key]['hajek'] / reps:11.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(20261126)
    for size, ratio, base in (
        (6000, 0.05, 0.10),
        (6000, 0.02, 0.10),
        (6000, 0.05, 0.02),
        (20000, 0.01, 0.05),
    ):
        run(size, ratio, base, args.reps, rng)


if __name__ == "__main__":
    main()
