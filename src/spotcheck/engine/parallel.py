"""Spread per-unit hashing over cores.

Two ways, one per implementation of the hot loops:

- ``map_threads``: with the compiled accelerator (``accel.py``) each batch is one C call that
  releases the GIL, so plain threads over contiguous index ranges use every core with no
  process start-up and no copying of results between processes.
- ``map_ranges``: the pure-Python path, where hashing one short message costs ~0.5-1 us of
  CPython call overhead and only more processes help. Workers are forked so that they inherit
  the big numpy arrays copy-on-write instead of receiving pickled copies; each worker gets a
  contiguous index range and returns packed bytes. Where fork is unavailable, or the job is
  small enough that starting processes would cost more than it saves, everything runs
  in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

# Below this many units a pool costs more than it saves (fork + result transfer ~ 30-60 ms).
PARALLEL_THRESHOLD = 200_000
# Threads around GIL-free C loops are cheap to start; split batches above this many units.
THREAD_THRESHOLD = 20_000

T = TypeVar("T")
U = TypeVar("U")

_JOB: tuple[Callable[..., bytes], tuple[Any, ...]] | None = None


def worker_count() -> int:
    env = os.environ.get("SPOTCHECK_ENGINE_WORKERS")
    if env:
        try:
            return max(1, int(env))
        except ValueError as exc:
            raise ValueError(f"SPOTCHECK_ENGINE_WORKERS must be an integer, got {env!r}") from exc
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _run(bounds: tuple[int, int]) -> bytes:
    assert _JOB is not None
    func, args = _JOB
    return func(bounds[0], bounds[1], *args)


def map_ranges(
    func: Callable[..., bytes],
    total: int,
    args: tuple[Any, ...] = (),
    *,
    workers: int | None = None,
    align: int = 1,
) -> list[bytes]:
    """Call ``func(lo, hi, *args)`` over consecutive ranges covering ``range(total)``.

    Range boundaries are multiples of ``align`` (the Merkle code needs whole subtrees).
    Results come back in range order, so the concatenation is independent of scheduling.
    """
    global _JOB
    n_workers = worker_count() if workers is None else max(1, workers)
    if (
        n_workers == 1
        or total < PARALLEL_THRESHOLD
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [func(0, total, *args)] if total else []
    # A few chunks per worker smooths out uneven scheduling without much transfer overhead.
    pieces = n_workers * 4
    step = -(-total // pieces)
    step = -(-step // align) * align
    bounds = [(lo, min(lo + step, total)) for lo in range(0, total, step)]
    _JOB = (func, args)
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(n_workers) as pool:
            return pool.map(_run, bounds, chunksize=1)
    finally:
        _JOB = None


def map_threads(
    func: Callable[[int, int], T],
    total: int,
    *,
    workers: int | None = None,
    align: int = 1,
) -> list[T]:
    """Call ``func(lo, hi)`` over consecutive ranges covering ``range(total)`` in threads.

    For functions that spend their time in C with the GIL released. Range boundaries are
    multiples of ``align``; results come back in range order.
    """
    n_workers = worker_count() if workers is None else max(1, workers)
    if n_workers == 1 or total < THREAD_THRESHOLD:
        return [func(0, total)] if total else []
    # A few ranges per thread, so a core slowed down by other work does not hold up the rest.
    pieces = n_workers * 4
    step = -(-total // pieces)
    step = -(-step // align) * align
    bounds = [(lo, min(lo + step, total)) for lo in range(0, total, step)]
    with ThreadPoolExecutor(n_workers, thread_name_prefix="spotcheck-engine") as ex:
        return list(ex.map(lambda b: func(*b), bounds))


def map_items_threads(
    func: Callable[[U], T], items: list[U], total: int, *, workers: int | None = None
) -> list[T]:
    """``[func(x) for x in items]``, in threads when ``total`` (units of work) is large.

    For per-stratum numpy work: sorting, gathers, cumulative sums and most arithmetic on large
    arrays release the GIL, so strata proceed in parallel. Results keep the order of ``items``.
    """
    n_workers = worker_count() if workers is None else max(1, workers)
    if n_workers == 1 or len(items) < 2 or total < PARALLEL_THRESHOLD:
        return [func(x) for x in items]
    with ThreadPoolExecutor(
        min(n_workers, len(items)), thread_name_prefix="spotcheck-engine"
    ) as ex:
        return list(ex.map(func, items))
