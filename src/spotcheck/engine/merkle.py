"""RFC 6962-style Merkle trees over canonical JSON lines.

MTH({}) = H(""), MTH({d}) = H(0x00 || d), and for n > 1 with k the largest power of two
below n, MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])). Pairing nodes level by level and
carrying an odd last node up unchanged gives the same root, and lets whole 2^c-leaf subtrees
be hashed in separate processes or threads (their roots are exactly the nodes of level c).

The pool's leaves and nodes are hashed by the compiled accelerator (``accel.py``) when it is
available: it formats each canonical pool line in C straight from the pool's columns and
hashes whole subtrees per call. The Python code below is the reference and the fallback; both
give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from operator import methodcaller
from typing import Any

import numpy as np

from . import accel
from .canonical import canonical_bytes, dumps
from .hashing import hasher_factory
from .parallel import map_ranges, map_threads
from .pool import Pool

CHUNK_BITS = 14
_DIGEST = methodcaller("digest")
_NEEDS_ESCAPE = re.compile(rb'[\x00-\x1f"\\]')


def _reduce(buf: bytes, new: Any, size: int) -> bytes:
    """Root of the subtree whose level-0 nodes are the ``size``-byte digests packed in ``buf``.

    Each level is one chain of C-level map() calls: slicing out 2*size-byte pairs, prefixing
    0x01, hashing, taking digests. A Python loop here costs about twice as much per node.
    """
    n = len(buf) // size
    step = 2 * size
    while n > 1:
        end = (n // 2) * step
        pairs = map(buf.__getitem__, map(slice, range(0, end, step), range(step, end + 1, step)))
        nxt = b"".join(map(_DIGEST, map(new, map(b"\x01".__add__, pairs))))
        if n % 2:
            nxt += buf[end:]
        buf, n = nxt, (n + 1) // 2
    return buf


def _root(buf: bytes, hash_name: str, size: int) -> bytes:
    """Root over ``size``-byte nodes packed in ``buf`` (non-empty), in C where possible."""
    new = hasher_factory(hash_name)
    acc = accel.module()
    if acc is not None and len(buf) > size:
        try:
            return acc.merkle_reduce(hash_name, buf, size)
        except ValueError:
            pass
    return _reduce(buf, new, size)


def root_of_leaf_hashes(leaf_hashes: list[bytes], hash_name: str) -> bytes:
    new = hasher_factory(hash_name)
    if not leaf_hashes:
        return bytes(new(b"").digest())
    return _root(b"".join(leaf_hashes), hash_name, len(leaf_hashes[0]))


def leaf_hash(hash_name: str, data: bytes) -> bytes:
    return bytes(hasher_factory(hash_name)(b"\x00" + data).digest())


def merkle_root(leaves: Iterable[bytes], hash_name: str) -> bytes:
    return root_of_leaf_hashes([leaf_hash(hash_name, d) for d in leaves], hash_name)


def json_root(lines: Iterable[Any], hash_name: str) -> bytes:
    return merkle_root((canonical_bytes(line) for line in lines), hash_name)


def _line_formatter(pool: Pool) -> Callable[[int, bytes, int], bytes]:
    strata = [dumps(s).encode("utf-8") for s in pool.stratum_names]
    excluded = {i: dumps(r).encode("utf-8") for i, r in pool.excluded.items()}

    def fmt(i: int, uid: bytes, w: int) -> bytes:
        s = strata[int(pool.strata[i])]
        body = b'{"id":%s,"stratum":%s,"weight":%d}' % (_json_bytes(uid), s, w)
        if i in excluded:
            body = b'{"excluded":%s,%s' % (excluded[i], body[1:])
        return body

    return fmt


def _json_bytes(uid: bytes) -> bytes:
    if _NEEDS_ESCAPE.search(uid):
        return dumps(uid.decode("utf-8")).encode("utf-8")
    return b'"' + uid + b'"'


def _pool_chunk(lo: int, hi: int, pool: Pool, hash_name: str) -> bytes:
    new = hasher_factory(hash_name)
    ids = pool.ids[lo:hi].tolist()
    weights = pool.weights[lo:hi].tolist()
    names = [dumps(s).encode("utf-8") for s in pool.stratum_names]
    strata = map(names.__getitem__, pool.strata[lo:hi].tolist())
    if not pool.excluded and not _NEEDS_ESCAPE.search(b"".join(ids)):
        template = b'\x00{"id":"%s","stratum":%s,"weight":%d}'
        leaves = map(new, map(template.__mod__, zip(ids, strata, weights, strict=True)))
    else:
        fmt = _line_formatter(pool)
        lines = (
            fmt(lo + off, uid, w) for off, (uid, w) in enumerate(zip(ids, weights, strict=True))
        )
        leaves = map(new, map(b"\x00".__add__, lines))
    buf = b"".join(map(_DIGEST, leaves))
    size = len(buf) // max(len(ids), 1)
    step = size << CHUNK_BITS
    return b"".join(_reduce(buf[i : i + step], new, size) for i in range(0, len(buf), step))


class _AccelPool:
    """The pool's columns as the accelerator takes them (contiguous, fixed dtypes)."""

    def __init__(self, pool: Pool) -> None:
        if pool.ids.dtype.kind != "S":
            raise ValueError("ids must be a bytes array")
        if not np.can_cast(pool.strata.dtype, np.int32) or not np.can_cast(
            pool.weights.dtype, np.int64
        ):
            raise ValueError("unexpected stratum or weight dtype")
        self.ids = np.ascontiguousarray(pool.ids)
        self.strata = np.ascontiguousarray(pool.strata, dtype=np.int32)
        self.weights = np.ascontiguousarray(pool.weights, dtype=np.int64)
        self.names = tuple(dumps(s).encode("utf-8") for s in pool.stratum_names)
        positions = sorted(pool.excluded)
        self.excl_pos = np.array(positions, dtype=np.int64)
        self.reasons = tuple(dumps(pool.excluded[p]).encode("utf-8") for p in positions)

    def block_roots(self, hash_name: str, lo: int, hi: int, block_bits: int) -> bytes:
        acc = accel.module()
        assert acc is not None
        return acc.pool_block_roots(
            hash_name,
            self.ids,
            self.ids.itemsize,
            self.strata,
            self.names,
            self.weights,
            self.excl_pos,
            self.reasons,
            lo,
            hi,
            block_bits,
        )


def _pool_root_accel(pool: Pool, hash_name: str, workers: int | None) -> bytes:
    cols = _AccelPool(pool)
    parts = map_threads(
        lambda lo, hi: cols.block_roots(hash_name, lo, hi, CHUNK_BITS),
        len(pool),
        workers=workers,
        align=1 << CHUNK_BITS,
    )
    raw = b"".join(parts)
    blocks = -(-len(pool) // (1 << CHUNK_BITS))
    return _root(raw, hash_name, len(raw) // blocks)


def pool_leaf_hashes(pool: Pool, hash_name: str) -> list[bytes]:
    """H(0x00 || line) for every canonical pool line, in pool order."""
    new = hasher_factory(hash_name)
    if accel.module() is not None and len(pool):
        try:
            raw = _AccelPool(pool).block_roots(hash_name, 0, len(pool), 0)
        except ValueError:
            pass
        else:
            size = len(raw) // len(pool)
            return [raw[i : i + size] for i in range(0, len(raw), size)]
    return [bytes(new(b"\x00" + canonical_bytes(pool.line(i))).digest()) for i in range(len(pool))]


def pool_root(pool: Pool, hash_name: str, *, workers: int | None = None) -> bytes:
    """Root over the pool's canonical lines in canonical (id) order; parallel when large."""
    if len(pool) == 0:
        return root_of_leaf_hashes([], hash_name)
    hasher_factory(hash_name)  # the same error as the Python path for a missing algorithm
    if accel.module() is not None:
        try:
            return _pool_root_accel(pool, hash_name, workers)
        except ValueError:
            pass  # an input the accelerator declines: the Python code below handles it
    parts = map_ranges(
        _pool_chunk, len(pool), (pool, hash_name), workers=workers, align=1 << CHUNK_BITS
    )
    raw = b"".join(parts)
    return _reduce(raw, hasher_factory(hash_name), hasher_factory(hash_name)().digest_size)


def audit_path(leaf_hashes: list[bytes], index: int, hash_name: str) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]): the sibling subtree roots from leaf ``index`` up to the root."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError("leaf index out of range")
    size = len(leaf_hashes[0])

    def subtree(lo: int, hi: int) -> bytes:
        return _root(b"".join(leaf_hashes[lo:hi]), hash_name, size)

    path: list[bytes] = []
    lo, hi = 0, len(leaf_hashes)
    while hi - lo > 1:
        k = 1 << ((hi - lo - 1).bit_length() - 1)  # largest power of two below hi - lo
        if index < lo + k:
            path.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            path.append(subtree(lo, lo + k))
            lo += k
    return path[::-1]


def verify_inclusion(
    hash_name: str, leaf_data: bytes, index: int, size: int, path: list[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: does ``leaf_data`` sit at ``index`` of the tree with ``root``?"""
    if not 0 <= index < size:
        return False
    new = hasher_factory(hash_name)
    fn, sn = index, size - 1
    r = bytes(new(b"\x00" + leaf_data).digest())
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = bytes(new(b"\x01" + p + r).digest())
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = bytes(new(b"\x01" + r + p).digest())
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
