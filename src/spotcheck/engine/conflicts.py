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
from dataclasses import dataclass
from typing import Any

from .canonical import canonical_bytes, dumps
from .hashing import (
    TAG_CONFLICT_SALT,
    EngineError,
    check_id,
    fields,
    hasher_factory,
    parse_hex,
)
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


@dataclass
class ConflictTree:
    hash_name: str
    count: int
    """Number of committed (inspector, target) pairs."""
    size: int
    """Number of leaves (= pool lines)."""
    salts: list[bytes]
    inspectors: dict[int, list[str]]
    levels: list[bytes]
    target_ids: Any

    @property
    def root(self) -> bytes:
        if self.size == 0:
            return bytes(hasher_factory(self.hash_name)(b"").digest())
        return self.levels[-1]

    def path(self, index: int) -> list[bytes]:
        """RFC 9162 §2.1.3.1 inclusion proof of leaf ``index``, leaf level first."""
        if not 0 <= index < self.size:
            raise EngineError("conflict leaf index out of range")
        hs = len(self.levels[0]) // self.size
        out, i = [], index
        for level in self.levels[:-1]:
            n = len(level) // hs
            sib = i ^ 1
            if sib < n:
                out.append(level[sib * hs : (sib + 1) * hs])
            i >>= 1
        return out

    def entry(self, index: int) -> dict[str, Any]:
        """The proof's ``conflicts`` entry of the target at pool position ``index``."""
        return {
            "target": bytes(self.target_ids[index]).decode("utf-8"),
            "index": index,
            "inspectors": list(self.inspectors.get(index, [])),
            "salt": self.salts[index].hex(),
            "path": [p.hex() for p in self.path(index)],
        }

    def pairs(self) -> list[tuple[str, str]]:
        ids = self.target_ids
        return [
            (cert, bytes(ids[pos]).decode("utf-8"))
            for pos, certs in self.inspectors.items()
            for cert in certs
        ]


def conflict_tree(
    pool: Pool, conflicts: Iterable[Mapping[str, Any]], key: bytes, hash_name: str
) -> ConflictTree:
    """Salts, leaves and every level of the conflict tree: two hashes per pool line."""
    new = hasher_factory(hash_name)
    table = conflict_pairs(conflicts, pool)
    ids = pool.ids.tolist()
    base = new(fields(TAG_CONFLICT_SALT, key))

    def salt(uid: bytes) -> bytes:
        h = base.copy()
        h.update(len(uid).to_bytes(4, "big") + uid)
        return h.digest()[:SALT_BYTES]

    salts = list(map(salt, ids))
    empty = b'\x00{"inspectors":[],"salt":"%s","target":%s}'
    if _NEEDS_ESCAPE.search(b"".join(ids)):
        quoted: Iterable[bytes] = map(_json_id, ids)
    else:
        quoted = (b'"' + uid + b'"' for uid in ids)
    hex_salts = map(bytes.hex, salts)
    leaves = map(empty.__mod__, zip(map(str.encode, hex_salts), quoted, strict=False))
    hashes = [new(leaf).digest() for leaf in leaves]
    for pos, certs in table.items():
        line = leaf_line(ids[pos].decode("utf-8"), certs, salts[pos].hex())
        hashes[pos] = new(b"\x00" + canonical_bytes(line)).digest()
    buf = b"".join(hashes)
    del hashes
    size = new().digest_size
    levels = _levels(buf, new, size) if ids else []
    return ConflictTree(
        hash_name=hash_name,
        count=sum(map(len, table.values())),
        size=len(ids),
        salts=salts,
        inspectors=table,
        levels=levels,
        target_ids=pool.ids,
    )
