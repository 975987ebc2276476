"""proof_bytes: the fast writer must give exactly the canonical bytes of the full document."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.engine.canonical import canonical_bytes
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.pool import Pool
from spotcheck.engine.proof import run_draw
from spotcheck.engine.serialise import pool_lines_json, proof_bytes

from .helpers import make_pool, make_proof

# Ids that need JSON escapes or are non-ASCII exercise the C formatter's slow path.
ID_CHARS = st.sampled_from(list('AZaz09"\\\n\t\x01中文é/ '))
ids = st.lists(
    st.text(ID_CHARS, min_size=1, max_size=12).filter(lambda s: s == s.strip()),
    min_size=0,
    max_size=40,
    unique=True,
)


@pytest.fixture(params=["1", "0"], ids=["accelerated", "pure"])
def accel_switch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", request.param)
    return str(request.param)


@settings(max_examples=60, deadline=None)
@given(ids=ids, data=st.data())
def test_pool_lines_are_the_canonical_array(ids: list[str], data: st.DataObject) -> None:
    strata = [data.draw(st.sampled_from(["甲", "b", 'q"'])) for _ in ids]
    weights = [data.draw(st.integers(1, 2**40)) for _ in ids]
    excluded = {
        i: data.draw(st.sampled_from(["revoked", "yearly_cap"]))
        for i in ids
        if data.draw(st.booleans())
    }
    pool = Pool.from_arrays(ids, strata, weights, excluded)
    for accel_on in ("1", "0"):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SPOTCHECK_ENGINE_ACCEL", accel_on)
            assert pool_lines_json(pool, workers=2) == canonical_bytes(pool.lines())


def test_proof_bytes_equal_the_canonical_bytes_of_the_whole_proof(accel_switch: str) -> None:
    records = make_pool(50)
    proof = make_proof(pool=records)
    pool = Pool.from_records(records)
    without = {k: v for k, v in proof.items() if k != "pool"}
    assert proof_bytes(without, pool) == canonical_bytes(proof)
    assert proof_bytes(proof) == canonical_bytes(proof)
    with pytest.raises(EngineError):
        proof_bytes(proof, pool)


def test_large_pool_split_across_threads(accel_switch: str) -> None:
    n = 50_000  # above the thread threshold: several ranges joined
    pool = Pool.from_arrays([f"9164{i:014d}" for i in range(n)], ["a", "b"] * (n // 2), [3] * n)
    assert pool_lines_json(pool, workers=2) == canonical_bytes(pool.lines())


def test_edge_documents() -> None:
    pool = Pool.from_arrays(["x"], ["s"], [1])
    assert proof_bytes({}, pool) == canonical_bytes({"pool": pool.lines()})
    assert proof_bytes({"a": 1}, pool) == canonical_bytes({"a": 1, "pool": pool.lines()})
    assert proof_bytes({"z": 1}, pool) == canonical_bytes({"pool": pool.lines(), "z": 1})
    empty = Pool.from_arrays([], [], [])
    assert proof_bytes({"a": 1}, empty) == canonical_bytes({"a": 1, "pool": []})
    assert run_draw is not None
