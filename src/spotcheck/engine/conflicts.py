"""The conflict-of-interest commitment: one hiding Merkle leaf per pool line (protocol 2, §4.3).

Leaf i (pool order) is the canonical JSON of ``{"inspectors": [...], "salt": s_i, "target":
id_i}``: the certificate numbers with a declared conflict with that target (unique, UTF-8
order, ``[]`` if none) and a 16-byte salt ``s_i = H(F("spotcheck/v1/conflict-salt", K,
utf8(id_i)))[:16]`` derived from the draw's secret conflict salt key K. The commitment holds
the tree's root and the number of (inspector, target) pairs; the proof reveals, for each drawn
target only, its leaf (inspectors and salt) with an RFC 6962 audit path. The salt makes the
leaf hash of a target that was not drawn useless for guessing its conflicts, and a revealed
salt says nothing about K or about any other salt.

Team formation only ever consults the conflicts of drawn targets (§11), so the revealed
leaves are exactly what the recomputation needs, and a leaf cannot lose an inspector without
breaking its path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import accel
from .canonical import canonical_bytes, dumps
from .hashing import (
    TAG_CONFLICT_SALT,
    EngineError,
    check_id,
    fields,
    hasher_factory,
    parse_hex,
)
from .parallel import map_items_threads, map_threads
from .pool import Pool

CONFLICT_KEY_BYTES = 32
SALT_BYTES = 16
ZERO_KEY = "00" * CONFLICT_KEY_BYTES
"""Used only when a draw has neither a team nor any conflict: there is nothing to hide."""

_NEEDS_ESCAPE = re.compile(rb'[\x00-\x1f"\\]')


def conflict_key_bytes(conflict_key: str | None, *, needed: bool) -> bytes:
    """The 32-byte salt key from its 64-hex form; ``needed`` False allows None (zero key)."""
    if conflict_key is None:
        if needed:
            raise EngineError(
                "conflict_key (64 hex digits, e.g. from new_nonce()) is required when a team is "
                "drawn or conflicts are declared"
            )
        conflict_key = ZERO_KEY
    key = parse_hex(conflict_key, "conflict_key")
    if len(key) != CONFLICT_KEY_BYTES:
        raise EngineError(f"conflict_key must be exactly {CONFLICT_KEY_BYTES} bytes (64 hex)")
    return key


def conflict_pairs(conflicts: Iterable[Mapping[str, Any]], pool: Pool) -> dict[int, list[str]]:
    """Pool position -> sorted unique certificate numbers; conflicts outside the pool dropped."""
    by_id: dict[bytes, set[bytes]] = {}
    for c in conflicts:
        cert = check_id(c["inspector"], "conflict inspector")
        target = check_id(c["target"], "conflict target")
        by_id.setdefault(target, set()).add(cert)
    out: dict[int, list[str]] = {}
    if not by_id:
        return out
    ids = pool.ids
    for target, certs in by_id.items():
        pos = int(ids.searchsorted(target))
        if pos < len(ids) and bytes(ids[pos]) == target:
            out[pos] = [c.decode("utf-8") for c in sorted(certs)]
    return out


def _json_id(uid: bytes) -> bytes:
    if _NEEDS_ESCAPE.search(uid):
        return dumps(uid.decode("utf-8")).encode("utf-8")
    return b'"' + uid + b'"'


def leaf_line(target: str, inspectors: Sequence[str], salt: str) -> dict[str, Any]:
    return {"inspectors": list(inspectors), "salt": salt, "target": target}


def _levels(buf: bytes, new: Any, size: int) -> list[bytes]:
    """Every level of the tree over packed ``size``-byte leaf hashes, leaves first.

    Pairing level by level and carrying an odd last node up gives the RFC 6962 tree; keeping
    the levels gives each audit path for the price of the root.
    """
    levels = [buf]
    n, step = len(buf) // size, 2 * size
    while n > 1:
        end = (n // 2) * step
        pairs = (buf[i : i + step] for i in range(0, end, step))
        nxt = b"".join(new(b"\x01" + p).digest() for p in pairs)
        if n % 2:
            nxt += buf[end:]
        buf, n = nxt, (n + 1) // 2
        levels.append(buf)
    return levels


CHUNK_BITS = 14
"""Leaves per independently hashed block (as in merkle.py): bounds the memory of a path."""


class ConflictTree:
    """The conflict tree of one pool: its root at once, audit paths on demand.

    Nothing proportional to the pool is kept beyond the pool itself: the root comes from
    block roots (2^CHUNK_BITS leaves each, hashed in parallel), and a path is read from the
    levels of its one block, recomputed when asked for, plus the small tree over block roots.
    Block boundaries are aligned to powers of two, so a block's own levels are exactly the
    whole tree's nodes over those leaves (see merkle.py).
    """

    def __init__(
        self,
        pool: Pool,
        table: dict[int, list[str]],
        key: bytes,
        hash_name: str,
        workers: int | None = None,
    ) -> None:
        self.hash_name = hash_name
        self.inspectors = table
        self.count = sum(map(len, table.values()))
        self.size = len(pool)
        self.target_ids = pool.ids
        self._new = hasher_factory(hash_name)
        self._digest_size = self._new().digest_size
        self._salt_base = self._new(fields(TAG_CONFLICT_SALT, key))
        self._salt_prefix = fields(TAG_CONFLICT_SALT, key)
        positions = sorted(table)
        self._ovr_pos = np.array(positions, dtype=np.int64)
        self._ovr = {
            pos: bytes(
                self._new(
                    b"\x00"
                    + canonical_bytes(leaf_line(self._id(pos), table[pos], self.salt(pos).hex()))
                ).digest()
            )
            for pos in positions
        }
        self._ovr_hashes = b"".join(self._ovr[p] for p in positions)
        self._ids = np.ascontiguousarray(pool.ids) if pool.ids.dtype.kind == "S" else None
        if self.size == 0:
            self._top: list[bytes] = []
            return
        parts = map_threads(
            lambda lo, hi: self._block_roots(lo, hi, CHUNK_BITS),
            self.size,
            workers=workers,
            align=1 << CHUNK_BITS,
        )
        self._top = self._levels(b"".join(parts))

    def _id(self, pos: int) -> str:
        return bytes(self.target_ids[pos]).decode("utf-8")

    def salt(self, pos: int) -> bytes:
        uid = bytes(self.target_ids[pos])
        h = self._salt_base.copy()
        h.update(len(uid).to_bytes(4, "big") + uid)
        return bytes(h.digest()[:SALT_BYTES])

    def _block_roots(self, lo: int, hi: int, bits: int) -> bytes:
        acc = accel.module()
        if acc is not None and self._ids is not None:
            try:
                return bytes(
                    acc.conflict_block_roots(
                        self.hash_name,
                        self._salt_prefix,
                        self._ids,
                        self._ids.itemsize,
                        self._ovr_pos,
                        self._ovr_hashes,
                        lo,
                        hi,
                        bits,
                    )
                )
            except ValueError:
                pass  # an input the accelerator declines: the Python code below handles it
        leaves = self._py_leaf_hashes(lo, hi)
        if bits == 0:
            return leaves
        step = self._digest_size << bits
        return b"".join(self._levels(leaves[i : i + step])[-1] for i in range(0, len(leaves), step))

    def _py_leaf_hashes(self, lo: int, hi: int) -> bytes:
        new = self._new
        ids = self.target_ids[lo:hi].tolist()
        base = self._salt_base

        def salt_hex(uid: bytes) -> bytes:
            h = base.copy()
            h.update(len(uid).to_bytes(4, "big") + uid)
            return h.digest()[:SALT_BYTES].hex().encode()

        empty = b'\x00{"inspectors":[],"salt":"%s","target":%s}'
        if _NEEDS_ESCAPE.search(b"".join(ids)):
            quoted: Iterable[bytes] = map(_json_id, ids)
        else:
            quoted = (b'"' + uid + b'"' for uid in ids)
        leaves = map(empty.__mod__, zip(map(salt_hex, ids), quoted, strict=False))
        hashes = [new(leaf).digest() for leaf in leaves]
        for pos in self._ovr_pos[
            np.searchsorted(self._ovr_pos, lo) : np.searchsorted(self._ovr_pos, hi)
        ].tolist():
            hashes[pos - lo] = self._ovr[pos]
        return b"".join(hashes)

    def _levels(self, buf: bytes) -> list[bytes]:
        size = self._digest_size
        acc = accel.module()
        if acc is not None and len(buf) > size:
            try:
                flat = acc.merkle_levels(self.hash_name, buf, size)
            except ValueError:
                pass
            else:
                out, at, n = [], 0, len(buf) // size
                while True:
                    out.append(flat[at : at + n * size])
                    at += n * size
                    if n == 1:
                        return out
                    n = n // 2 + (n & 1)
        return _levels(buf, self._new, size)

    @property
    def root(self) -> bytes:
        if self.size == 0:
            return bytes(self._new(b"").digest())
        return self._top[-1]

    @staticmethod
    def _walk(levels: list[bytes], index: int, size: int) -> list[bytes]:
        out, i = [], index
        for level in levels[:-1]:
            n = len(level) // size
            sib = i ^ 1
            if sib < n:
                out.append(level[sib * size : (sib + 1) * size])
            i >>= 1
        return out

    def _block_levels(self, block: int) -> list[bytes]:
        lo = block << CHUNK_BITS
        return self._levels(self._block_roots(lo, min(lo + (1 << CHUNK_BITS), self.size), 0))

    def _path(self, index: int, levels: list[bytes]) -> list[bytes]:
        size = self._digest_size
        inner = self._walk(levels, index & ((1 << CHUNK_BITS) - 1), size)
        return inner + self._walk(self._top, index >> CHUNK_BITS, size)

    def path(self, index: int) -> list[bytes]:
        """RFC 9162 §2.1.3.1 inclusion proof of leaf ``index``, leaf level first."""
        if not 0 <= index < self.size:
            raise EngineError("conflict leaf index out of range")
        return self._path(index, self._block_levels(index >> CHUNK_BITS))

    def _entry(self, index: int, levels: list[bytes]) -> dict[str, Any]:
        return {
            "target": self._id(index),
            "index": index,
            "inspectors": list(self.inspectors.get(index, [])),
            "salt": self.salt(index).hex(),
            "path": [p.hex() for p in self._path(index, levels)],
        }

    def entry(self, index: int) -> dict[str, Any]:
        """The proof's ``conflicts`` entry of the target at pool position ``index``."""
        if not 0 <= index < self.size:
            raise EngineError("conflict leaf index out of range")
        return self._entry(index, self._block_levels(index >> CHUNK_BITS))

    def entries(self, indices: Sequence[int], workers: int | None = None) -> list[dict[str, Any]]:
        """``entry`` of each index, in the given order, hashing each block once."""
        for index in indices:
            if not 0 <= index < self.size:
                raise EngineError("conflict leaf index out of range")
        by_block: dict[int, list[int]] = {}
        for index in indices:
            by_block.setdefault(index >> CHUNK_BITS, []).append(index)

        def one_block(block: int) -> list[tuple[int, dict[str, Any]]]:
            levels = self._block_levels(block)
            return [(i, self._entry(i, levels)) for i in by_block[block]]

        done: dict[int, dict[str, Any]] = {}
        for part in map_items_threads(
            one_block, sorted(by_block), len(indices) << CHUNK_BITS, workers=workers
        ):
            done.update(part)
        return [done[i] for i in indices]

    def pairs(self) -> list[tuple[str, str]]:
        ids = self.target_ids
        return [
            (cert, bytes(ids[pos]).decode("utf-8"))
            for pos, certs in self.inspectors.items()
            for cert in certs
        ]


def conflict_tree(
    pool: Pool,
    conflicts: Iterable[Mapping[str, Any]],
    key: bytes,
    hash_name: str,
    workers: int | None = None,
) -> ConflictTree:
    """The conflict tree (salts, leaves, root; paths on demand): three hashes per pool line."""
    return ConflictTree(pool, conflict_pairs(conflicts, pool), key, hash_name, workers)
