"""RFC 6962-style Merkle trees over canonical JSON lines.

MTH({}) = H(""), MTH({d}) = H(0x00 || d), and for n > 1 with k the largest power of two
below n, MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])). Pairing nodes level by level and
carrying an odd last node up unchanged gives the same root, and lets whole 2^c-leaf subtrees
be hashed in separate processes (their roots are exactly the nodes of level c).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .canonical import canonical_bytes, dumps
from .hashing import hasher_factory
from .parallel import map_ranges
from .pool import Pool

CHUNK_BITS = 14
_NEEDS_ESCAPE = re.compile(rb'[\x00-\x1f"\\]')


def _reduce(nodes: list[bytes], node_base: Any) -> bytes:
    copy = node_base.copy
    while len(nodes) > 1:
        nxt = []
        for i in range(0, len(nodes) - 1, 2):
            h = copy()
            h.update(nodes[i] + nodes[i + 1])
            nxt.append(h.digest())
        if len(nodes) % 2:
            nxt.append(nodes[-1])
        nodes = nxt
    return nodes[0]


def root_of_leaf_hashes(leaf_hashes: list[bytes], hash_name: str) -> bytes:
    new = hasher_factory(hash_name)
    if not leaf_hashes:
        return bytes(new(b"").digest())
    return _reduce(list(leaf_hashes), new(b"\x01"))


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
    strata = pool.strata[lo:hi].tolist()
    names = [dumps(s).encode("utf-8") for s in pool.stratum_names]
    plain = not pool.excluded and not _NEEDS_ESCAPE.search(b"".join(ids))
    leaf_base = new(b"\x00")
    node_base = new(b"\x01")
    copy = leaf_base.copy
    leaves = []
    if plain:
        for uid, s, w in zip(ids, strata, weights, strict=True):
            h = copy()
            h.update(b'{"id":"%s","stratum":%s,"weight":%d}' % (uid, names[s], w))
            leaves.append(h.digest())
    else:
        fmt = _line_formatter(pool)
        for off, (uid, w) in enumerate(zip(ids, weights, strict=True)):
            h = copy()
            h.update(fmt(lo + off, uid, w))
            leaves.append(h.digest())
    size = 1 << CHUNK_BITS
    return b"".join(_reduce(leaves[i : i + size], node_base) for i in range(0, len(leaves), size))


def pool_root(pool: Pool, hash_name: str, *, workers: int | None = None) -> bytes:
    """Root over the pool's canonical lines in canonical (id) order; parallel when large."""
    if len(pool) == 0:
        return root_of_leaf_hashes([], hash_name)
    parts = map_ranges(
        _pool_chunk, len(pool), (pool, hash_name), workers=workers, align=1 << CHUNK_BITS
    )
    raw = b"".join(parts)
    digest_size = hasher_factory(hash_name)().digest_size
    nodes = [raw[i : i + digest_size] for i in range(0, len(raw), digest_size)]
    return root_of_leaf_hashes(nodes, hash_name) if len(nodes) > 1 else nodes[0]
