"""The hiding conflict commitment (§4.3): leaves, salts, paths, and what the proof reveals."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from spotcheck.engine.canonical import canonical_bytes
from spotcheck.engine.conflicts import CHUNK_BITS, ConflictTree, conflict_tree
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.merkle import audit_path, leaf_hash, root_of_leaf_hashes, verify_inclusion
from spotcheck.engine.pool import Pool
from spotcheck.engine.verify import verify_document

from .helpers import CONFLICT_KEY, make_params, make_pool, make_proof

CHUNK = 1 << CHUNK_BITS

KEY = bytes.fromhex(CONFLICT_KEY)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 33])
def test_paths_and_root_match_the_reference_tree(n: int) -> None:
    ids = [f"T{i:03d}" for i in range(n)]
    pool = Pool.from_arrays(ids, ["a"] * n, [1] * n)
    conflicts = [
        {"inspector": "B", "target": "T001"},
        {"inspector": "A", "target": "T001"},
        {"inspector": "A", "target": "T001"},  # twice: one pair
        {"inspector": "X", "target": "不在名单"},  # not in the pool: not committed
    ]
    tree = conflict_tree(pool, conflicts, KEY, "sha256")
    assert tree.count == (2 if n > 1 else 0)
    leaves = _leaf_hashes(tree)
    assert tree.root == root_of_leaf_hashes(leaves, "sha256")
    for i in range(n):
        entry = tree.entry(i)
        assert [bytes.fromhex(p) for p in entry["path"]] == audit_path(leaves, i, "sha256")
        line = canonical_bytes({k: entry[k] for k in ("inspectors", "salt", "target")})
        path = [bytes.fromhex(p) for p in entry["path"]]
        assert verify_inclusion("sha256", line, i, n, path, tree.root)
    if n > 1:
        assert tree.entry(1)["inspectors"] == ["A", "B"]


def test_salts_depend_on_the_key_and_hide_empty_leaves() -> None:
    pool = Pool.from_records(make_pool(10))
    a = conflict_tree(pool, [], KEY, "sha256")
    b = conflict_tree(pool, [], bytes(32), "sha256")
    assert a.root != b.root
    salts = [a.salt(i) for i in range(10)]
    assert len(set(salts)) == 10 and all(len(s) == 16 for s in salts)
    # A leaf with a conflict and one without cannot be told apart by their hashes' shape, and
    # without the key nobody can recompute an empty leaf to compare.
    c = conflict_tree(
        pool, [{"inspector": "640106200001", "target": pool.id_str(3)}], KEY, "sha256"
    )
    leaves_a, leaves_c = _leaf_hashes(a), _leaf_hashes(c)
    assert leaves_c[:3] == leaves_a[:3] and leaves_c[3] != leaves_a[3]


def _leaf_hashes(tree: ConflictTree) -> list[bytes]:
    """Each leaf's hash recomputed from its revealed entry (line and salt), independently."""
    return [
        leaf_hash(
            tree.hash_name,
            canonical_bytes({k: e[k] for k in ("inspectors", "salt", "target")}),
        )
        for e in tree.entries(list(range(tree.size)))
    ]


@pytest.mark.parametrize("accel_on", ["1", "0"])
@pytest.mark.parametrize("n", [CHUNK + 1, 2 * CHUNK + 5])
def test_trees_larger_than_one_block_match_the_reference(
    n: int, accel_on: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root and paths are built block by block: they must still be the one RFC 6962 tree,
    with and without the compiled accelerator, including a last, partial block."""
    monkeypatch.setenv("SPOTCHECK_ENGINE_ACCEL", accel_on)
    pool = Pool.from_arrays([f"T{i:06d}" for i in range(n)], ["a"] * n, [1] * n)
    conflicts = [{"inspector": "A", "target": f"T{i:06d}"} for i in (0, CHUNK - 1, CHUNK, n - 1)]
    tree = conflict_tree(pool, conflicts, KEY, "sha256", workers=2)
    leaves = _leaf_hashes(tree)
    assert tree.root == root_of_leaf_hashes(leaves, "sha256")
    for i in sorted({0, 1, CHUNK - 1, CHUNK, min(CHUNK + 1, n - 1), n - 2, n - 1}):
        assert [bytes.fromhex(p) for p in tree.entry(i)["path"]] == audit_path(leaves, i, "sha256")
    picked = [n - 1, 3, CHUNK, 3]
    assert [e["index"] for e in tree.entries(picked)] == picked
    assert tree.entry(CHUNK)["inspectors"] == ["A"]


def test_key_is_required_with_a_team() -> None:
    with pytest.raises(EngineError, match="conflict_key"):
        make_proof(conflict_key=None)  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="32 bytes"):
        make_proof(conflict_key="ab" * 16)


def _all_or_nothing() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A pool whose first two strata are drawn whole and whose third is never drawn, so the
    result does not depend on the seed."""
    pool = make_pool(12, heavy=0)
    params = make_params()
    params["sample"]["ratios"] = {"再生资源回收": "1", "拍卖": "0", "单用途商业预付卡": "1"}
    return pool, params


def test_proof_reveals_only_drawn_targets_conflicts() -> None:
    pool, params = _all_or_nothing()
    hidden = next(p["id"] for p in pool if p["stratum"] == "拍卖")
    shown = next(p["id"] for p in pool if p["stratum"] == "再生资源回收")
    conflicts = [
        {"inspector": "640106200001", "target": hidden},
        {"inspector": "640106200003", "target": shown},
        {"inspector": "640106200000", "target": shown},
    ]
    doc = make_proof(pool=pool, params=params, conflicts=conflicts)
    text = json.dumps(doc, ensure_ascii=False)
    selected = [s["id"] for s in doc["result"]["selected"]]
    assert len(selected) == 8 and hidden not in selected
    assert [e["target"] for e in doc["conflicts"]] == selected
    assert doc["commitment"]["conflicts"]["count"] == 3
    assert CONFLICT_KEY not in text and hidden not in [e["target"] for e in doc["conflicts"]]
    revealed = {e["target"]: e["inspectors"] for e in doc["conflicts"]}
    assert revealed[shown] == ["640106200000", "640106200003"]
    assert sum(map(len, revealed.values())) == 2
    assert all(
        set(e) == {"target", "index", "inspectors", "salt", "path"} for e in doc["conflicts"]
    )
    assert verify_document(doc).exit_code == 0


def test_conflicted_inspector_never_joins_and_omitting_it_is_caught() -> None:
    pool, params = _all_or_nothing()
    first = make_proof(pool=pool, params=params)
    target = first["teams"][0]["target"]
    member = first["teams"][0]["inspectors"][0]
    doc = make_proof(pool=pool, params=params, conflicts=[{"inspector": member, "target": target}])
    teams = {t["target"]: t["inspectors"] for t in doc["teams"]}
    entry = next(e for e in doc["conflicts"] if e["target"] == target)
    assert entry["inspectors"] == [member] and member not in teams[target]
    assert verify_document(doc).exit_code == 0
    forged: dict[str, Any] = copy.deepcopy(doc)
    next(e for e in forged["conflicts"] if e["target"] == target)["inspectors"] = []
    report = verify_document(forged)
    assert report.exit_code == 1
    assert "conflicts.path" in {p.check for p in report.problems}
