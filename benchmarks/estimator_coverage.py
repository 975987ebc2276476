"""Coverage of the 95% Korn-Graubard intervals for HT and Hajek non-compliance rates.

    .venv/bin/python benchmarks/estimator_coverage.py [--reps 4000] [--jobs 4]

Fixed finite populations (lognormal risk weights, non-compliance more likely for high-risk
units, a few take-alls; one with a rare violation, ~2 %; one with small strata, n_h = 2-3) are
drawn repeatedly with the engine's own probabilities and systematic selection (real hash
tickets, one seed per replicate). For each replicate the intervals are computed from the
sampled units only; coverage = share of replicates whose interval contains the true population
rate. Nominal: 95 %. Populations run in parallel processes (``--jobs``); each has its own seeded
generator, so the figures do not depend on the number of jobs. Results: docs/estimates.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from spotcheck.engine.draw import select_targets
from spotcheck.engine.estimate import estimate_rates
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import pool_inclusion

# (label, stratum sizes, sampling ratio, base rate, logit slope on log weight)
SCENARIOS: list[tuple[str, tuple[int, ...], float, float, float]] = [
    ("base 10%, 5%", (2000, 2000, 2000), 0.05, 0.10, 0.8),
    ("base 10%, 2%", (2000, 2000, 2000), 0.02, 0.10, 0.8),
    ("base 2%, 5%", (2000, 2000, 2000), 0.05, 0.02, 0.8),
    ("base 5%, 1%, N=20000", (6700, 6700, 6600), 0.01, 0.05, 0.8),
    ("rare ~2%", (3000, 3000, 3000), 0.05, 0.012, 0.5),
    ("small strata n_h=2-3", (2000, 2000, 40, 60, 50), 0.05, 0.10, 0.8),
]


def population(
    sizes: tuple[int, ...], base_rate: float, slope: float, rng: np.random.Generator
) -> tuple[Pool, np.ndarray]:
    size = sum(sizes)
    strata = np.repeat(np.array([chr(ord("A") + i) for i in range(len(sizes))]), sizes)
    w = np.maximum(1, np.round(rng.lognormal(0, 0.9, size) * 1000)).astype(np.int64)
    w[rng.choice(size, 5, replace=False)] *= 200  # a few very high-risk units -> take-alls
    logit = np.log(base_rate / (1 - base_rate)) + slope * np.log(w / np.median(w))
    y = rng.random(size) < 1 / (1 + np.exp(-logit))
    ids = [f"91640106{i:010d}" for i in range(size)]
    return Pool.from_arrays(ids, strata.tolist(), w), y


def run(args: tuple[int, int, tuple[str, tuple[int, ...], float, float, float]]) -> str:
    reps, index, (label, sizes_in, ratio, base_rate, slope) = args
    rng = np.random.default_rng([20261126, index])
    pool, y = population(sizes_in, base_rate, slope, rng)
    members = pool.stratum_members()
    sizes = {
        n: max(2, round(len(m) * ratio)) for n, m in zip(pool.stratum_names, members, strict=True)
    }
    pops = {n: len(m) for n, m in zip(pool.stratum_names, members, strict=True)}
    pi, infos = pool_inclusion(pool, sizes)
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
            drawn=sizes,
        )
        for key, pair in est.items():
            for kind, e in pair.items():
                hits[key][kind] += e.ci_low <= truth[key] <= e.ci_high
                width[key][kind] += e.ci_high - e.ci_low
    dt = time.perf_counter() - t0
    lines = [
        f"\n{label}: N={len(pool)}, n={sum(sizes.values())} "
        f"(n_h {', '.join(str(sizes[n]) for n in pool.stratum_names)}), "
        f"{reps} replicates ({dt:.1f} s)",
        f"  {'target':12s} {'true rate':>9s} {'HT cover':>9s} {'Hajek cover':>11s} "
        f"{'HT width':>9s} {'Hajek width':>11s}",
    ]
    for key in truth:
        name = "overall" if key == "__overall__" else f"stratum {key}"
        lines.append(
            f"  {name:12s} {truth[key]:9.3f} {hits[key]['ht'] / reps:9.3f} "
            f"{hits[key]['hajek'] / reps:11.3f} {width[key]['ht'] / reps:9.3f} "
            f"{width[key]['hajek'] / reps:11.3f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=4000)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    jobs = [(args.reps, i, s) for i, s in enumerate(SCENARIOS)]
    with ProcessPoolExecutor(max_workers=args.jobs) as ex:
        for text in ex.map(run, jobs):
            print(text, flush=True)


if __name__ == "__main__":
    main()
