"""The compiled accelerator must give exactly the bytes of the pure-Python code.

Every key function runs twice on the same random input - accelerator on, then forced off with
``SPOTCHECK_ENGINE_ACCEL=0`` - and the outputs must be identical. The whole engine suite also
runs in both modes (CI: once as is, once with the variable set to 0).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.engine import accel, merkle, parallel
from spotcheck.engine.canonical import dumps
from spotcheck.engine.hashing import TAG_TARGET_TICKET, EngineError, fields
from spotcheck.engine.merkle import (
    audit_path,
    pool_leaf_hashes,
    pool_root,
    root_of_leaf_hashes,
    verify_inclusion,
)
from spotcheck.engine.pool import Pool
from spotcheck.engine.proof import pool_inclusion_proof
from spotcheck.engine.tickets import ticket, ticket_prefixes, to_id_array

pytestmark = pytest.mark.skipif(
    not accel.available(), reason="compiled accelerator not built (pure-Python install)"
)

HASHES = ["sha256"] + (["sm3"] if "sm3" in hashlib.algorithms_available else [])

T = TypeVar("T")


def both(monkeypatch: pytest.MonkeyPatch, fn: Callable[[], T]) -> tuple[T, T]:
    """(accelerated result, pure-Python result)."""
    monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", "1")
    assert accel.module() is not None
    fast = fn()
    monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", "0")
    assert accel.module() is None
    slow = fn()
    monkeypatch.delenv("SPOTCHECK_ENGINE_ACCEL")
    return fast, slow


def _ok_id(s: str) -> bool:
    return s.strip() == s


# Ids: ASCII credit-code-like, CJK, and anything else JSON must escape (quotes, backslashes,
# tabs and other control characters inside), of different lengths so the fixed-width id array
# is NUL-padded. No NUL and no surrounding whitespace (protocol rule).
ID_TEXT = st.one_of(
    st.from_regex(r"\A91[0-9A-Z]{16}\Z"),
    st.text(alphabet="0123456789ABXYZ", min_size=1, max_size=30),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
        min_size=1,
        max_size=12,
    ),
    st.text(alphabet='ab"\\\t\n\x01\x1f\x7fé注销', min_size=1, max_size=8),
).filter(_ok_id)
NAME_TEXT = st.one_of(
    st.sampled_from(["再生资源回收", "拍卖", "单用途商业预付卡", "二手车交易市场", "a"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1),
).filter(_ok_id)
REASON_TEXT = st.one_of(
    st.sampled_from(["注销", "本年度已抽查两次", "inactive", 'quote " and \\ backslash']),
    st.text(min_size=1, max_size=20),
)


@st.composite
def pools(draw: st.DrawFn) -> Pool:
    ids = draw(st.lists(ID_TEXT, min_size=1, max_size=60, unique=True))
    names = draw(st.lists(NAME_TEXT, min_size=1, max_size=4, unique=True))
    strata = [draw(st.sampled_from(names)) for _ in ids]
    weights = draw(
        st.lists(st.integers(min_value=1, max_value=2**40), min_size=len(ids), max_size=len(ids))
    )
    excluded_ids = draw(st.lists(st.sampled_from(ids), max_size=len(ids) // 2, unique=True))
    excluded = {i: draw(REASON_TEXT) for i in excluded_ids}
    return Pool.from_arrays(ids, strata, weights, excluded)


SETTINGS: dict[str, Any] = {
    "max_examples": 100,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


@settings(**SETTINGS)
@given(pool=pools(), hash_name=st.sampled_from(HASHES))
def test_pool_root_and_leaves_identical(
    monkeypatch: pytest.MonkeyPatch, pool: Pool, hash_name: str
) -> None:
    fast, slow = both(monkeypatch, lambda: pool_root(pool, hash_name, workers=1))
    assert fast == slow
    fast_leaves, slow_leaves = both(monkeypatch, lambda: pool_leaf_hashes(pool, hash_name))
    assert fast_leaves == slow_leaves
    # ... and both are the spec: H(0x00 || canonical JSON line), RFC 6962 root.
    new = lambda b: hashlib.new(hash_name, b).digest()  # noqa: E731
    lines = [dumps(pool.line(i)).encode("utf-8") for i in range(len(pool))]
    assert slow_leaves == [new(b"\x00" + line) for line in lines]
    assert fast == merkle.merkle_root(lines, hash_name)


@settings(**SETTINGS)
@given(pool=pools(), hash_name=st.sampled_from(HASHES), seed=st.binary(min_size=0, max_size=40))
def test_ticket_prefixes_identical(
    monkeypatch: pytest.MonkeyPatch, pool: Pool, hash_name: str, seed: bytes
) -> None:
    fast, slow = both(
        monkeypatch,
        lambda: ticket_prefixes(hash_name, TAG_TARGET_TICKET, seed, pool.ids, workers=1),
    )
    assert fast.dtype == slow.dtype == np.uint64
    assert fast.tobytes() == slow.tobytes()
    for k in (0, len(pool) - 1):
        full = ticket(hash_name, TAG_TARGET_TICKET, seed, pool.id_str(k).encode("utf-8"))
        assert int(fast[k]) == int.from_bytes(full[:8], "big")


@settings(**SETTINGS)
@given(
    leaves=st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70),
    hash_name=st.sampled_from(HASHES),
    data=st.data(),
)
def test_merkle_reduction_and_audit_paths_identical(
    monkeypatch: pytest.MonkeyPatch, leaves: list[bytes], hash_name: str, data: st.DataObject
) -> None:
    fast, slow = both(monkeypatch, lambda: root_of_leaf_hashes(leaves, hash_name))
    assert fast == slow
    index = data.draw(st.integers(0, len(leaves) - 1))
    fast_path, slow_path = both(monkeypatch, lambda: audit_path(leaves, index, hash_name))
    assert fast_path == slow_path


@settings(max_examples=40, deadline=None, suppress_health_check=SETTINGS["suppress_health_check"])
@given(pool=pools(), data=st.data())
def test_inclusion_proof_identical(
    monkeypatch: pytest.MonkeyPatch, pool: Pool, data: st.DataObject
) -> None:
    target = pool.id_str(data.draw(st.integers(0, len(pool) - 1)))
    fast, slow = both(monkeypatch, lambda: pool_inclusion_proof(pool=pool, target_id=target))
    assert fast == slow
    root = pool_root(pool, "sha256")
    assert verify_inclusion(
        "sha256",
        dumps(fast["line"]).encode("utf-8"),
        fast["index"],
        fast["size"],
        [bytes.fromhex(h) for h in fast["path"]],
        root,
    )


@pytest.mark.parametrize("hash_name", HASHES)
def test_threaded_batches_identical(monkeypatch: pytest.MonkeyPatch, hash_name: str) -> None:
    """Large enough to be split across threads (and, in Python, forked workers)."""
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1000)
    monkeypatch.setattr(parallel, "THREAD_THRESHOLD", 1000)
    monkeypatch.setattr(merkle, "CHUNK_BITS", 6)
    n = 20_011
    rng = np.random.default_rng(7)
    ids = [f"9164{i * 7:0{10 + i % 9}d}" for i in range(n)]  # lengths 14..22
    names = ["再生资源回收", "拍卖", 'x"y']
    strata = [names[i] for i in rng.integers(0, 3, n)]
    weights = rng.integers(1, 2**40, n)
    excluded = {ids[i]: "注销" if i % 2 else "本年度已抽查两次" for i in range(0, n, 97)}
    pool = Pool.from_arrays(ids, strata, weights, excluded)
    for workers in (1, 2, 3):
        fast, slow = both(monkeypatch, partial(pool_root, pool, hash_name, workers=workers))
        assert fast == slow
    seed = b"\x5a" * 32
    arr = to_id_array(ids)
    fast_t, slow_t = both(
        monkeypatch, lambda: ticket_prefixes(hash_name, TAG_TARGET_TICKET, seed, arr, workers=2)
    )
    assert fast_t.tobytes() == slow_t.tobytes()


def test_declined_inputs_fall_back_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs the C code does not handle raise ValueError there; callers then use Python."""
    monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", "1")
    mod = accel.module()
    assert mod is not None
    ids = to_id_array(["A", "B"])
    with pytest.raises(ValueError):
        mod.ticket_prefixes("md5", fields(b"t"), ids, ids.itemsize, 0, 2, np.empty(2, np.uint64))
    # A negative stratum code: Python indexes from the end, C declines - same root either way.
    # Pool(...) itself now refuses such a code (issue 14), so corrupt a valid pool's column.
    with pytest.raises(EngineError):
        Pool(ids, np.array([0, -1], dtype=np.int32), ("a", "b"), np.array([1, 2], np.int64))
    pool = Pool(ids, np.array([0, 1], dtype=np.int32), ("a", "b"), np.array([1, 2], np.int64))
    pool.strata[1] = -1
    fast, slow = both(monkeypatch, lambda: pool_root(pool, "sha256"))
    assert fast == slow
    # Invalid UTF-8 in an id that needs escaping: Python raises, and so does the fast path.
    bad = Pool(
        np.array([b'\xff"'], dtype="S2"), np.zeros(1, np.int32), ("a",), np.ones(1, np.int64)
    )
    for mode in ("1", "0"):
        monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", mode)
        with pytest.raises(UnicodeDecodeError):
            pool_root(bad, "sha256")


CERTS = st.lists(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=12,
    ),
    min_size=2,
    max_size=30,
    unique=True,
)


def _former(certs: list[str], seed: bytes) -> Any:
    from spotcheck.engine.teams import Inspector, TeamParams, _Former

    inspectors = [
        Inspector.from_record(
            {
                "cert_no": c,
                "department": "商务科",
                "status": "active",
                "valid_from": "2026-01-01",  # fixed-date: engine data, the engine reads no clock
                "valid_to": "2027-12-31",  # fixed-date: as above
            }
        )
        for c in certs
    ]
    params = TeamParams.from_dict(
        {
            "size": 2,
            "window_start": "2026-12-01",  # fixed-date: engine data, as above
            "window_end": "2026-12-15",  # fixed-date: engine data, as above
        }
    )
    return _Former(seed, "sha256", inspectors, [], params, 10)


@settings(max_examples=60, deadline=None)
@given(CERTS, st.binary(min_size=32, max_size=32), st.lists(st.text(min_size=1), max_size=5))
def test_inspector_order_in_c_is_the_python_order(
    certs: list[str], seed: bytes, targets: list[str]
) -> None:
    try:
        fast = _former(certs, seed)
    except EngineError:
        return  # a certificate number the engine refuses: not this test's business
    fast.accel = accel._load()  # whatever SPOTCHECK_ENGINE_ACCEL says (CI runs both ways)
    slow = _former(certs, seed)
    slow.accel = None
    assert fast.accel is not None
    for target in targets:
        assert fast.order(target) == slow.order(target)


def test_inspector_order_with_equal_ticket_heads_uses_whole_digests() -> None:
    """Two tickets whose first 8 bytes agree (1 in 2^64 a pair): the C path steps aside."""

    class SameHeads:
        def ticket_prefixes(self, *args: Any) -> None:
            args[-1][:] = 7

    certs = [f"宁商执{i}" for i in range(12)]
    fast = _former(certs, bytes(32))
    fast.accel = SameHeads()
    slow = _former(certs, bytes(32))
    slow.accel = None
    assert fast.order("91640100MA76XXXX0X") == slow.order("91640100MA76XXXX0X")
