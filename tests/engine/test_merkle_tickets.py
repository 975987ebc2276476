from __future__ import annotations

import hashlib

import numpy as np
import pytest

from spotcheck.engine import hashing, parallel
from spotcheck.engine.canonical import dumps, loads
from spotcheck.engine.hashing import EngineError, UnsupportedHashError
from spotcheck.engine.merkle import merkle_root, pool_root
from spotcheck.engine.pool import Pool
from spotcheck.engine.tickets import derive_seed, ticket, ticket_order, ticket_prefixes, to_id_array


def rfc6962(leaves: list[bytes]) -> bytes:
    h = lambda b: hashlib.sha256(b).digest()  # noqa: E731
    if not leaves:
        return h(b"")
    if len(leaves) == 1:
        return h(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return h(b"\x01" + rfc6962(leaves[:k]) + rfc6962(leaves[k:]))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 33])
def test_merkle_matches_rfc6962_definition(n: int) -> None:
    leaves = [f"leaf {i}".encode() for i in range(n)]
    assert merkle_root(leaves, "sha256") == rfc6962(leaves)


def test_pool_root_parallel_equals_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1000)
    monkeypatch.setattr("spotcheck.engine.merkle.CHUNK_BITS", 6)
    ids = [f"9164{i:014d}" for i in range(5000)]
    pool = Pool.from_arrays(ids, ["a", "b"] * 2500, list(range(1, 5001)))
    lines = [dumps(pool.line(i)).encode() for i in range(len(pool))]
    expected = rfc6962(lines)
    assert pool_root(pool, "sha256", workers=1) == expected
    assert pool_root(pool, "sha256", workers=2) == expected
    seed = b"s" * 32
    arr = to_id_array(ids)
    one = ticket_prefixes("sha256", b"t", seed, arr, workers=1)
    two = ticket_prefixes("sha256", b"t", seed, arr, workers=2)
    assert (one == two).all()
    assert int(one[7]) == int.from_bytes(ticket("sha256", b"t", seed, ids[7].encode())[:8], "big")


def test_escaped_and_excluded_lines_hash_canonically() -> None:
    pool = Pool.from_records(
        [
            {"id": 'A"1', "stratum": "s\tx", "weight": 3},
            {"id": "B", "stratum": "s\tx", "weight": 4, "excluded": "注销"},
        ]
    )
    lines = [dumps(pool.line(i)).encode() for i in range(2)]
    assert lines[1] == '{"excluded":"注销","id":"B","stratum":"s\\tx","weight":4}'.encode()
    assert pool_root(pool, "sha256") == rfc6962(lines)


def test_ticket_order_breaks_prefix_ties_by_full_ticket() -> None:
    ids = to_id_array(["a", "b", "c", "d"])
    prefixes = np.array([5, 1, 5, 5], dtype=np.uint64)  # forced 64-bit collisions
    order = ticket_order("sha256", b"t", b"seed", ids, prefixes).tolist()
    assert order[0] == 1
    full = sorted([0, 2, 3], key=lambda i: ticket("sha256", b"t", b"seed", bytes(ids[i])))
    assert order[1:] == full


def test_seed_is_length_prefixed() -> None:
    # Moving a byte between adjacent fields must change the seed.
    a = derive_seed("sha256", b"d", b"ab", ["c"])
    b = derive_seed("sha256", b"d", b"a", ["bc"])
    assert a != b


def test_sm3_path() -> None:
    try:
        hashlib.new("sm3")
    except ValueError:
        pytest.skip("no SM3 in this OpenSSL")
    assert hashing.digest("sm3", b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1
    )


def test_sm3_missing_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_sm3(name: str, data: bytes = b"") -> None:
        raise ValueError("unsupported hash type sm3")

    monkeypatch.setattr(hashing.hashlib, "new", no_sm3)
    with pytest.raises(UnsupportedHashError, match=r"SM3 .* not available"):
        hashing.hasher_factory("sm3")
    with pytest.raises(UnsupportedHashError, match="unknown hash"):
        hashing.hasher_factory("md5")


def test_canonical_json_rules() -> None:
    assert (
        dumps({"b": [1, True, None], "a": 'é\u0001"\\'})
        == '{"a":"é\\u0001\\"\\\\","b":[1,true,null]}'
    )
    with pytest.raises(EngineError):
        dumps({"x": 0.5})
    with pytest.raises(EngineError):
        loads('{"x": 1.0}')


def test_ids_are_validated() -> None:
    with pytest.raises(EngineError):
        to_id_array(["ok", " padded"])
    with pytest.raises(EngineError, match="duplicate"):
        Pool.from_arrays(["x", "x"], ["s", "s"], [1, 1])


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_audit_paths_verify(n: int) -> None:
    from spotcheck.engine.merkle import audit_path, leaf_hash, verify_inclusion

    leaves = [f"leaf {i}".encode() for i in range(n)]
    hashes = [leaf_hash("sha256", d) for d in leaves]
    root = rfc6962(leaves)
    for i in range(n):
        path = audit_path(hashes, i, "sha256")
        assert verify_inclusion("sha256", leaves[i], i, n, path, root)
        assert not verify_inclusion("sha256", leaves[i] + b"x", i, n, path, root)
        if n > 1:
            assert not verify_inclusion("sha256", leaves[i], (i + 1) % n, n, path, root)


def test_pool_inclusion_proof_against_commitment() -> None:
    from spotcheck.engine.merkle import verify_inclusion
    from spotcheck.engine.proof import pool_inclusion_proof

    records = [{"id": f"T{i:03d}", "stratum": "s", "weight": i + 1} for i in range(37)]
    root = pool_root(Pool.from_records(records), "sha256")
    ev = pool_inclusion_proof(pool=records, target_id="T020")
    assert ev["line"] == {"id": "T020", "stratum": "s", "weight": 21}
    path = [bytes.fromhex(h) for h in ev["path"]]
    assert verify_inclusion(
        "sha256", dumps(ev["line"]).encode(), ev["index"], ev["size"], path, root
    )


@pytest.mark.parametrize("keep_bits", [64, 20, 8])
def test_ticket_order_is_full_ticket_order_despite_prefix_collisions(keep_bits: int) -> None:
    """Masking the prefixes to a few bits forces many equal keys; the order must still be the
    protocol's total order: full ticket ascending, then id bytes."""
    ids = [f"91640106{i:09d}X" for i in range(3000)] + ["A", "BB", "注销-1"]
    arr = to_id_array(ids)
    seed = b"q" * 32
    tag = b"spotcheck/v1/ticket/target"
    prefixes = ticket_prefixes("sha256", tag, seed, arr, workers=1)
    prefixes = prefixes & np.uint64(((1 << keep_bits) - 1) << (64 - keep_bits))
    subset = np.arange(0, len(ids), 2, dtype=np.intp)
    got = ticket_order("sha256", tag, seed, arr, prefixes, subset)
    expected = sorted(subset.tolist(), key=lambda k: ticket("sha256", tag, seed, ids[k].encode()))
    assert got.tolist() == expected
    full = ticket_order("sha256", tag, seed, arr, prefixes)
    assert full.tolist() == sorted(
        range(len(ids)), key=lambda k: ticket("sha256", tag, seed, ids[k].encode())
    )
