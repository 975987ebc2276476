"""The target pool as columns (numpy arrays), kept in canonical order.

Canonical order is ascending UTF-8 bytes of the id. Holding it means (a) the Merkle root does
not depend on how the caller listed the units, and (b) "ties broken by id" in the rounding
rules is simply "ties broken by position", which keeps the hot path free of string sorts.
At 10 million units a Python object per unit would cost gigabytes; columns cost ~40 bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral
from operator import methodcaller
from typing import Any

import numpy as np
import numpy.typing as npt

from .hashing import EngineError, check_id
from .tickets import IdArray, to_id_array

MAX_WEIGHT = 2**40


def check_weights(weights: Sequence[int] | npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Weights as int64, or a clear error: floats (even 2.0), NaN, booleans, zero, negative
    and values above 2^40 are rejected, never truncated or clipped."""
    raw = weights if isinstance(weights, np.ndarray) else None
    if raw is None and set(map(type, weights)) <= {int}:
        # The common case, checked with C-level passes (a per-item isinstance against the
        # Integral ABC costs ~2 us, seconds at a million weights).
        try:
            arr = np.array(weights, dtype=np.int64)
        except OverflowError:
            arr = None
        if arr is not None and (not len(arr) or (arr.min() >= 1 and arr.max() <= MAX_WEIGHT)):
            return arr
    if raw is None:
        bad = next((x for x in weights if isinstance(x, bool) or not isinstance(x, Integral)), None)
        if bad is not None:
            what = "NaN" if isinstance(bad, float) and math.isnan(bad) else repr(bad)
            raise EngineError(f"weights must be integers in [1, 2^40], got {what}")
        if any(not 1 <= int(x) <= MAX_WEIGHT for x in weights):
            lo, hi = min(map(int, weights)), max(map(int, weights))
            raise EngineError(f"weights must be integers in [1, 2^40], got [{lo}, {hi}]")
        return np.asarray(weights, dtype=np.int64)
    if raw.dtype.kind not in "iu":
        nan = raw.dtype.kind == "f" and bool(np.isnan(raw).any())
        raise EngineError(
            "weights must be integers in [1, 2^40], got "
            + ("NaN" if nan else f"an array of dtype {raw.dtype}")
        )
    if len(raw) and (int(raw.min()) < 1 or int(raw.max()) > MAX_WEIGHT):
        raise EngineError(f"weights must be integers in [1, 2^40], got [{raw.min()}, {raw.max()}]")
    return raw.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Pool:
    ids: IdArray
    """UTF-8 ids, strictly ascending (no duplicates)."""
    strata: npt.NDArray[np.int32]
    """Index into ``stratum_names`` per unit."""
    stratum_names: tuple[str, ...]
    """Sorted by UTF-8 bytes, so stratum codes are canonical too."""
    weights: npt.NDArray[np.int64]
    excluded: Mapping[int, str] = field(default_factory=dict)
    """Position -> reason for units kept in the record but not eligible (pi = 0)."""

    def __post_init__(self) -> None:
        """Direct construction gets the same checks as ``from_arrays`` (on canonical columns)."""
        if not isinstance(self.ids, np.ndarray) or self.ids.dtype.kind != "S":
            raise EngineError("Pool.ids must be a bytes ('S') array; use Pool.from_arrays")
        size = len(self.ids)
        for what, arr in (("strata", self.strata), ("weights", self.weights)):
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "iu":
                raise EngineError(f"Pool.{what} must be an integer array; use Pool.from_arrays")
            if arr.ndim != 1 or len(arr) != size:
                raise EngineError("ids, strata and weights must have the same length")
        check_weights(self.weights)
        if size and (
            int(self.strata.min()) < 0 or int(self.strata.max()) >= len(self.stratum_names)
        ):
            raise EngineError("stratum codes must index stratum_names")
        if list(self.stratum_names) != sorted(set(self.stratum_names), key=str.encode):
            raise EngineError("stratum_names must be distinct and sorted by UTF-8 bytes")
        if size > 1 and not bool(np.all(self.ids[1:] > self.ids[:-1])):
            raise EngineError("Pool.ids must be strictly ascending (no duplicates)")
        for pos, reason in self.excluded.items():
            if not 0 <= pos < size or not isinstance(reason, str) or not reason:
                raise EngineError(f"bad exclusion entry {pos!r}: {reason!r}")

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_arrays(
        cls,
        ids: Sequence[str] | IdArray,
        strata: Sequence[str],
        weights: Sequence[int] | npt.NDArray[np.int64],
        excluded: Mapping[str, str] | None = None,
    ) -> Pool:
        id_arr = to_id_array(ids, "target id")
        if len(strata) != len(id_arr) or len(weights) != len(id_arr):
            raise EngineError("ids, strata and weights must have the same length")
        w = check_weights(weights)
        names = sorted(set(strata), key=lambda s: s.encode("utf-8"))
        for name in names:
            check_id(name, "stratum")
        code = {name: i for i, name in enumerate(names)}
        st = np.array(list(map(code.__getitem__, strata)), dtype=np.int32)
        if len(id_arr) > 1 and not bool(np.all(id_arr[1:] > id_arr[:-1])):
            order = np.argsort(id_arr, kind="stable")
            id_arr, st, w = id_arr[order], st[order], w[order]
            if bool(np.any(id_arr[1:] == id_arr[:-1])):
                dup = id_arr[1:][id_arr[1:] == id_arr[:-1]][0]
                raise EngineError(f"duplicate target id {bytes(dup).decode('utf-8')!r}")
        excl: dict[int, str] = {}
        if excluded:
            positions = np.searchsorted(id_arr, to_id_array(list(excluded), "excluded id"))
            for (uid, reason), pos in zip(excluded.items(), positions.tolist(), strict=True):
                if pos >= len(id_arr) or bytes(id_arr[pos]).decode("utf-8") != uid:
                    raise EngineError(f"excluded id {uid!r} is not in the pool")
                if not isinstance(reason, str) or not reason:
                    raise EngineError(f"exclusion reason for {uid!r} must be a non-empty string")
                excl[int(pos)] = reason
        return cls(id_arr, st, tuple(names), w, excl)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Pool:
        """Records shaped like pool lines: ``{"id", "stratum", "weight"[, "excluded"]}``."""
        recs = records if isinstance(records, list) else list(records)
        ids = [r["id"] for r in recs]
        strata = [r["stratum"] for r in recs]
        weights = [r["weight"] for r in recs]
        if not set(map(type, weights)) <= {int}:
            bad = next(r for r in recs if type(r["weight"]) is not int)
            raise EngineError(f"weight of {bad['id']!r} must be an integer")
        if not set(map(type, strata)) <= {str}:
            raise EngineError("every stratum must be a string")
        # filter() with a C-level predicate: only the (few) excluded lines reach Python code.
        marked = filter(methodcaller("__contains__", "excluded"), recs)
        excluded = {r["id"]: r["excluded"] for r in marked if r["excluded"] is not None}
        return cls.from_arrays(ids, strata, weights, excluded)

    def id_str(self, i: int) -> str:
        return bytes(self.ids[i]).decode("utf-8")

    def eligible_mask(self) -> npt.NDArray[np.bool_]:
        mask = np.ones(len(self.ids), dtype=bool)
        if self.excluded:
            mask[np.fromiter(self.excluded.keys(), dtype=np.intp)] = False
        return mask

    def stratum_members(self) -> list[npt.NDArray[np.intp]]:
        """Eligible positions per stratum, ascending (= canonical id order).

        Computed once per pool (probabilities, selection and the commitment all need it) and
        returned as read-only arrays.
        """
        cached = self.__dict__.get("_members")
        if cached is None:
            cached = self._stratum_members()
            for g in cached:
                g.setflags(write=False)
            self.__dict__["_members"] = cached  # frozen dataclass: bypass __setattr__
        return list(cached)

    def _stratum_members(self) -> list[npt.NDArray[np.intp]]:
        if len(self.stratum_names) <= 64:
            # A scan per stratum beats a stable sort of 10^7 codes when strata are few.
            groups = [np.flatnonzero(self.strata == h) for h in range(len(self.stratum_names))]
        else:
            order = np.argsort(self.strata, kind="stable").astype(np.intp)
            counts = np.bincount(self.strata, minlength=len(self.stratum_names))
            groups = np.split(order, np.cumsum(counts)[:-1])
        if not self.excluded:
            return groups
        eligible = self.eligible_mask()
        return [g[eligible[g]] for g in groups]

    def line(self, i: int) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "id": self.id_str(i),
            "stratum": self.stratum_names[int(self.strata[i])],
            "weight": int(self.weights[i]),
        }
        if i in self.excluded:
            rec["excluded"] = self.excluded[i]
        return rec

    def lines(self) -> list[dict[str, Any]]:
        return [self.line(i) for i in range(len(self.ids))]
