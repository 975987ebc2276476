"""Seeds and per-unit tickets.

A unit's ticket is ``H(field(tag) || field(seed) || field(id))`` where ``id`` is its canonical
real-world identifier (unified social credit code, certificate number). It depends on nothing
else - not the row id, not the position in the list - so shuffling the input cannot change
who is drawn. Units are ordered by ticket read as a 256-bit big-endian unsigned integer.

For speed the hot path keeps only the first 8 bytes of each ticket as a uint64 and sorts on
that; the rare equal prefixes are resolved by recomputing the full tickets of just those units.
The prefixes come from the compiled accelerator (``accel.py``) when it is available, otherwise
from the Python code below; both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter, methodcaller

import numpy as np
import numpy.typing as npt

from . import accel
from .hashing import (
    TAG_SEED,
    TAG_START,
    EngineError,
    check_id,
    field,
    fields,
    hash_fields,
    hasher_factory,
)
from .parallel import map_ranges, map_threads

_DIGEST = methodcaller("digest")

IdArray = npt.NDArray[np.bytes_]
U64Array = npt.NDArray[np.uint64]
IntpArray = npt.NDArray[np.intp]


def derive_seed(
    hash_name: str, commitment_digest: bytes, nonce: bytes, randomness: Sequence[str]
) -> bytes:
    """seed = H(tag, commitment digest, nonce, count, value_1 .. value_k).

    The commitment digest already covers every parameter, root, the nonce hash and the
    announced randomness source, so the seed binds all of them plus the revealed values.
    """
    values = [v.encode("utf-8") for v in randomness]
    count = len(values).to_bytes(4, "big")
    return hash_fields(hash_name, TAG_SEED, commitment_digest, nonce, count, *values)


def stratum_start(hash_name: str, seed: bytes, stratum: str, modulus_bits: int = 32) -> int:
    """The systematic-sampling random start of one stratum, uniform on [0, 2^32)."""
    h = hash_fields(hash_name, TAG_START, seed, stratum.encode("utf-8"))
    return int.from_bytes(h[: modulus_bits // 8], "big")


def to_id_array(ids: Sequence[str] | IdArray, what: str = "id") -> IdArray:
    """Pack ids as a fixed-width bytes array (UTF-8); NUL padding is safe as ids hold no NUL."""
    if isinstance(ids, np.ndarray):
        if ids.dtype.kind != "S":
            raise EngineError(f"{what} array must have a bytes ('S') dtype")
        return ids
    check_ids(ids, what)
    encoded = list(map(str.encode, ids))
    width = max(map(len, encoded), default=1)
    return np.array(encoded, dtype=f"S{max(width, 1)}")


def check_ids(ids: Sequence[str], what: str) -> None:
    """check_id for many ids at once, with C-level passes instead of a Python call per id
    (at a million ids the difference is about a second)."""
    if not set(map(type, ids)) <= {str}:
        raise EngineError(f"every {what} must be a string")
    if not ids:
        return
    try:
        firsts = "".join(map(itemgetter(0), ids))
        lasts = "".join(map(itemgetter(-1), ids))
    except IndexError:
        firsts = lasts = " "  # an empty id: let the slow path name it
    if "\x00" in "".join(ids) or any(map(str.isspace, firsts)) or any(map(str.isspace, lasts)):
        for v in ids:
            check_id(v, what)  # raises with the offending id


def ticket(hash_name: str, tag: bytes, seed: bytes, *ids: bytes) -> bytes:
    """The full ticket of one unit (or of an inspector for a target when two ids are given)."""
    return hash_fields(hash_name, tag, seed, *ids)


def _prefix_chunk(lo: int, hi: int, ids: IdArray, prefix: bytes, hash_name: str) -> bytes:
    new = hasher_factory(hash_name)
    chunk = ids[lo:hi].tolist()
    lengths = set(map(len, chunk))
    if len(lengths) == 1:
        # Same-length ids (the usual case: 18-char credit codes): the whole message prefix is
        # constant, so the loop runs entirely in C via map() - no Python frame per unit.
        head = prefix + lengths.pop().to_bytes(4, "big")
        digests = b"".join(map(_DIGEST, map(new, map(head.__add__, chunk))))
    else:
        digests = b"".join(new(prefix + field(b)).digest() for b in chunk)
    size = len(digests) // max(len(chunk), 1)
    # Keep the first 8 bytes of each digest: a strided view, then one copy.
    arr = np.frombuffer(digests, dtype=np.uint8).reshape(len(chunk), size)[:, :8]
    return arr.tobytes()


def ticket_prefixes(
    hash_name: str, tag: bytes, seed: bytes, ids: IdArray, *, workers: int | None = None
) -> U64Array:
    """First 8 bytes of every unit's ticket as uint64, hashed in parallel for large pools."""
    hasher_factory(hash_name)  # fail before forking if the algorithm is unavailable
    prefix = fields(tag, seed)
    acc = accel.module()
    if acc is not None and len(ids) and ids.dtype.kind == "S":
        arr = np.ascontiguousarray(ids)
        out = np.empty(len(arr), dtype=np.uint64)

        def run(lo: int, hi: int) -> None:
            acc.ticket_prefixes(hash_name, prefix, arr, arr.itemsize, lo, hi, out)

        try:
            map_threads(run, len(arr), workers=workers)
        except ValueError:
            pass  # an input the accelerator declines (e.g. an unavailable digest): use Python
        else:
            return out
    parts = map_ranges(_prefix_chunk, len(ids), (ids, prefix, hash_name), workers=workers)
    raw = b"".join(parts)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64)


def ticket_order(
    hash_name: str,
    tag: bytes,
    seed: bytes,
    ids: IdArray,
    prefixes: U64Array,
    subset: IntpArray | None = None,
) -> IntpArray:
    """Indices (into ``ids``) of ``subset`` (default: all) in ascending full-ticket order."""
    idx = np.arange(len(ids), dtype=np.intp) if subset is None else subset
    m = len(idx)
    if m < 2:
        return np.array(idx, dtype=np.intp)
    keys = prefixes[idx]
    bits = (m - 1).bit_length()
    if bits > 32:
        return _ticket_order_argsort(hash_name, tag, seed, ids, prefixes, idx)
    # Sort values, not indices (a plain sort of uint64 is several times faster than argsort):
    # keep the top 64 - bits bits of each prefix and put the unit's local index in the low
    # bits. Units whose kept bits are equal (about one pair per stratum at 10^7 units) may
    # come out in the wrong order; they are re-sorted below by full ticket, then id.
    mask = np.uint64((1 << bits) - 1)
    comp = (keys & ~mask) | np.arange(m, dtype=np.uint64)
    comp.sort()
    order = idx[(comp & mask).astype(np.intp)]
    high = comp >> np.uint64(bits)
    dup = np.flatnonzero(high[1:] == high[:-1])
    if len(dup) == 0:
        return order
    return _resolve_runs(hash_name, tag, seed, ids, order, dup)


def _resolve_runs(
    hash_name: str, tag: bytes, seed: bytes, ids: IdArray, order: IntpArray, dup: IntpArray
) -> IntpArray:
    """Sort each run of positions (``dup[j]`` and ``dup[j] + 1`` belong to one run) of
    ``order`` by the full ticket, then id bytes - the total order of the protocol."""
    order = order.copy()
    breaks = np.flatnonzero(np.diff(dup) != 1) + 1
    for run in np.split(dup, breaks):
        lo, hi = int(run[0]), int(run[-1]) + 2
        members = order[lo:hi].tolist()
        members.sort(key=lambda k: (ticket(hash_name, tag, seed, bytes(ids[k])), bytes(ids[k])))
        order[lo:hi] = members
    return order


def _ticket_order_argsort(
    hash_name: str, tag: bytes, seed: bytes, ids: IdArray, prefixes: U64Array, idx: IntpArray
) -> IntpArray:
    keys = prefixes[idx]
    order = idx[np.argsort(keys)]  # ties are re-sorted below, so stability is not needed
    sorted_keys = prefixes[order]
    # Equal 64-bit prefixes (expected about once per 4e9 units at N=1e5 ... effectively never,
    # but the order must still be total): sort each run by the full ticket, then by id bytes.
    dup = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if len(dup) == 0:
        return order
    return _resolve_runs(hash_name, tag, seed, ids, order, dup)


__all__ = [
    "derive_seed",
    "field",
    "stratum_start",
    "ticket",
    "ticket_order",
    "ticket_prefixes",
    "to_id_array",
]
