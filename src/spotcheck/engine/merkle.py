"""RFC 6962-style Merkle trees over canonical JSON lines.

MTH({}) = H(""), MTH({d}) = H(0x00 || d), and for n > 1 with k the largest power of two
below n, MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])). Pairing nodes level by level and
carrying an odd last node up unchanged gives the same root, and lets whole 2^c-leaf subtrees
be hashed in separate processes (their roots are exactly the nodes of level c).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from operator import methodcaller
from typing import Any

from .canonical import canonical_bytes, dumps
from .hashing import hasher_factory
from .parallel import map_ranges
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


def root_of_leaf_hashes(leaf_hashes: list[bytes], hash_name: str) -> bytes:
    new = hasher_factory(hash_name)
    if not leaf_hashes:
        return bytes(new(b"").digest())
    return _reduce(b"".join(leaf_hashes), new, len(leaf_hashes[0]))


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


def pool_root(pool: Pool, hash_name: str, *, workers: int | None = None) -> bytes:
    """Root over the pool's canonical lines in canonical (id) order; parallel when large."""
    if len(pool) == 0:
        return root_of_leaf_hashes([], hash_name)
    parts = map_ranges(
        _pool_chunk, len(pool), (pool, hash_name), workers=workers, align=1 << CHUNK_BITS
    )
    raw = b"".join(parts)
    return _reduce(raw, hasher_factory(hash_name), hasher_factory(hash_name)().digest_size)


def audit_path(leaf_hashes: list[bytes], index: int, hash_name: str) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]): the sibling subtree roots from leaf ``index`` up to the root."""
    if not 0 <= index < len(leaf_hashes):
        raise IndexError("leaf index out of range")
    new = hasher_factory(hash_name)
    size = len(leaf_hashes[0])

    def subtree(lo: int, hi: int) -> bytes:
        return _reduce(b"".join(leaf_hashes[lo:hi]), new, size)

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
