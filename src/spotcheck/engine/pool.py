"""The target pool as columns (numpy arrays), kept in canonical order.

Canonical order is ascending UTF-8 bytes of the id. Holding it means (a) the Merkle root does
not depend on how the caller listed the units, and (b) "ties broken by id" in the rounding
rules is simply "ties broken by position", which keeps the hot path free of string sorts.
At 10 million units a Python object per unit would cost gigabytes; columns cost ~40 bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .hashing import EngineError, check_id
from .tickets import IdArray, to_id_array

MAX_WEIGHT = 2**40


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
        w = np.asarray(weights, dtype=np.int64)
        if len(w) and (int(w.min()) < 1 or int(w.max()) > MAX_WEIGHT):
            raise EngineError(f"weights must be integers in [1, 2^40], got [{w.min()}, {w.max()}]")
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
        excluded = {r["id"]: r["excluded"] for r in recs if r.get("excluded") is not None}
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
