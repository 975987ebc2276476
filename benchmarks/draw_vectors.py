"""Regenerate docs/test-vectors/draw-v2.json from fixed inputs.

    .venv/bin/python benchmarks/draw_vectors.py

Run it only when the protocol version changes: tests/engine/test_vectors.py checks the
committed file against the engine, so an accidental protocol change fails the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spotcheck.engine.canonical import canonical_bytes, dumps  # noqa: E402
from spotcheck.engine.conflicts import conflict_tree  # noqa: E402
from spotcheck.engine.hashing import (  # noqa: E402
    TAG_INSPECTOR_TICKET,
    TAG_TARGET_TICKET,
    digest,
    fields,
)
from spotcheck.engine.merkle import leaf_hash, merkle_root  # noqa: E402
from spotcheck.engine.pool import Pool  # noqa: E402
from spotcheck.engine.probability import pool_inclusion  # noqa: E402
from spotcheck.engine.proof import build_commitment, run_draw, sample_sizes  # noqa: E402
from spotcheck.engine.tickets import ticket  # noqa: E402

OUT = ROOT / "docs" / "test-vectors" / "draw-v2.json"

POOL = [
    {"id": f"91640106{i:09d}{'XY0123456789'[i % 12]}", "stratum": s, "weight": w}
    for i, (s, w) in enumerate(
        [
            ("再生资源回收", 1000),
            ("再生资源回收", 2000),
            ("再生资源回收", 400000),
            ("再生资源回收", 1500),
            ("再生资源回收", 800),
            ("再生资源回收", 200),
            ("再生资源回收", 3000),
            ("再生资源回收", 1000),
            ("拍卖", 1000),
            ("拍卖", 1000),
            ("拍卖", 1000),
            ("拍卖", 1000),
            ("拍卖", 1000),
            ("拍卖", 1000),
            ("单用途商业预付卡", 5000),
            ("单用途商业预付卡", 100),
            ("单用途商业预付卡", 2500),
            ("单用途商业预付卡", 2500),
            ("单用途商业预付卡", 60),
            ("单用途商业预付卡", 900),
        ]
    )
]
POOL[5]["excluded"] = "yearly_cap"
POOL[19]["stratum"] = "单用途商业预付卡"

INSPECTORS = [
    {
        "cert_no": f"宁商执{1000 + i}",
        "department": d,
        "status": st,
        "valid_from": "2024-03-01",
        "valid_to": vt,
    }
    for i, (d, st, vt) in enumerate(
        [
            ("商务科", "active", "2028-02-29"),
            ("商务科", "active", None),
            ("商务科", "active", "2026-12-05"),
            ("商务科", "suspended", "2028-02-29"),
            ("市场科", "active", "2028-02-29"),
            ("市场科", "active", "2028-02-29"),
            ("市场科", "active", None),
            ("外资科", "active", "2028-02-29"),
            ("商务科", "active", "2027-06-30"),
            ("市场科", "active", "2026-12-10"),
        ]
    )
]
CONFLICTS = [
    {"inspector": "宁商执1000", "target": POOL[2]["id"]},
    {"inspector": "宁商执1003", "target": POOL[2]["id"]},
    {"inspector": "宁商执1002", "target": POOL[0]["id"]},
    {"inspector": "宁商执1000", "target": "91640106999999999X"},  # not in the pool: not committed
]
PARAMS = {
    "sample": {
        "ratios": {"再生资源回收": "0.25", "拍卖": "0.2", "单用途商业预付卡": "0.3"},
        "minimum": 1,
    },
    "floor_weight": 100,
    "risk_model_version": 3,
    "team": {
        "size": 3,
        "departments": ["商务科", "市场科"],
        "window_start": "2026-12-01",
        "window_end": "2026-12-10",
        "max_assignments": None,
    },
}
SOURCE = {
    "kind": "beacon",
    "description": "drand quicknet randomness beacon, the first round after commitment",
    "items": [{"name": "drand quicknet round 24000000", "not_before": "2026-11-26T10:00:00Z"}],
}
RANDOMNESS = [
    {
        "name": "drand quicknet round 24000000",
        "value": "8c1e3bb1c1f0a2a4b5e9d0c3f0d7a1e2b3c4d5e6f708192a3b4c5d6e7f809102",
        "published_at": "2026-11-26T10:00:03Z",
    }
]
NONCE = "f3" * 16 + "0c" * 16
CONFLICT_KEY = "a7" * 16 + "5d" * 16


def draw_vector(hash_name: str, recusal: bool) -> dict[str, Any]:
    commitment = build_commitment(
        draw_id="金凤商务-2026-0007",
        params=PARAMS,
        pool=POOL,
        inspectors=INSPECTORS,
        conflicts=CONFLICTS,
        nonce=NONCE,
        conflict_key=CONFLICT_KEY,
        randomness_source=SOURCE,
        committed_at="2026-11-26T09:30:00Z",
        hash_name=hash_name,
        task={"name": "2026年商务领域跨部门联合抽查", "mode": "joint"},
    )
    first = run_draw(
        commitment=commitment,
        nonce=NONCE,
        randomness=RANDOMNESS,
        pool=POOL,
        inspectors=INSPECTORS,
        conflicts=CONFLICTS,
        conflict_key=CONFLICT_KEY,
    )
    recusals = []
    if recusal:
        t = first["teams"][0]
        recusals = [
            {
                "inspector": t["inspectors"][0],
                "target": t["target"],
                "reason": "kinship",
            }
        ]
    proof = run_draw(
        commitment=commitment,
        nonce=NONCE,
        randomness=RANDOMNESS,
        pool=POOL,
        inspectors=INSPECTORS,
        conflicts=CONFLICTS,
        conflict_key=CONFLICT_KEY,
        recusals=recusals,
    )
    seed = bytes.fromhex(proof["seed"])
    pool = Pool.from_records(POOL)
    pi, _ = pool_inclusion(pool, sample_sizes(pool, PARAMS), PARAMS["floor_weight"])
    first_target = proof["result"]["selected"][0]["id"]
    tree = conflict_tree(pool, CONFLICTS, bytes.fromhex(CONFLICT_KEY), hash_name)
    return {
        "hash": hash_name,
        "inputs": {
            "draw_id": commitment["draw_id"],
            "task": commitment["task"],
            "params": PARAMS,
            "pool": POOL,
            "inspectors": INSPECTORS,
            "conflicts": CONFLICTS,
            "conflict_key": CONFLICT_KEY,
            "randomness_source": SOURCE,
            "committed_at": commitment["committed_at"],
            "code_version": commitment["code_version"],
            "nonce": NONCE,
            "randomness": RANDOMNESS,
            "recusals": recusals,
        },
        "expected": {
            "commitment_canonical": dumps(commitment),
            "commitment_digest": proof["commitment_digest"],
            "pool_root": commitment["pool"]["root"],
            "inspectors_root": commitment["inspectors"]["root"],
            "conflicts_root": commitment["conflicts"]["root"],
            "conflicts_count": commitment["conflicts"]["count"],
            "conflict_salts": {pool.id_str(i): tree.salts[i].hex() for i in range(len(pool))},
            "conflict_leaf_of_first_pool_line": canonical_bytes(
                {
                    "inspectors": tree.inspectors.get(0, []),
                    "salt": tree.salts[0].hex(),
                    "target": pool.id_str(0),
                }
            ).decode(),
            "conflicts": proof["conflicts"],
            "nonce_hash": commitment["nonce_hash"],
            "seed": proof["seed"],
            "target_tickets": {
                p["id"]: ticket(hash_name, TAG_TARGET_TICKET, seed, p["id"].encode()).hex()
                for p in POOL
            },
            "inspector_tickets_for_first_target": {
                i["cert_no"]: ticket(
                    hash_name,
                    TAG_INSPECTOR_TICKET,
                    seed,
                    first_target.encode(),
                    i["cert_no"].encode(),
                ).hex()
                for i in INSPECTORS
            },
            "pi": {pool.id_str(i): int(pi[i]) for i in range(len(pool))},
            "strata": proof["result"]["strata"],
            "selected": proof["result"]["selected"],
            "teams": proof["teams"],
            "recusals": proof["recusals"],
        },
    }


def main() -> None:
    merkle_cases = []
    for n in (0, 1, 2, 3, 5):
        leaves = [f"line {i}" for i in range(n)]
        merkle_cases.append(
            {
                "leaves_utf8": leaves,
                "root_sha256": merkle_root([x.encode() for x in leaves], "sha256").hex(),
            }
        )
    doc = {
        "protocol": "spotcheck-draw/2",
        "about": "Fixed inputs and expected outputs; see docs/draw-protocol.md. Regenerate with "
        "benchmarks/draw_vectors.py only when the protocol version changes.",
        "primitives": {
            "fields": {
                "parts_utf8": ["spotcheck/v1/seed", "", "抽查"],
                "encoding_hex": fields(b"spotcheck/v1/seed", b"", "抽查".encode()).hex(),
            },
            "canonical_json": {
                "value": {"z": [1, None, True], "a": '引号"\\\n\u0001é'},
                "canonical_utf8": dumps({"z": [1, None, True], "a": '引号"\\\n\u0001é'}),
            },
            "sha256_abc": digest("sha256", b"abc").hex(),
            "sm3_abc": digest("sm3", b"abc").hex(),
            "leaf_hash_sha256_of_line_0": leaf_hash("sha256", b"line 0").hex(),
            "merkle": merkle_cases,
            "canonical_pool_line": canonical_bytes(Pool.from_records(POOL).line(0)).decode(),
        },
        "draws": [draw_vector("sha256", recusal=True), draw_vector("sm3", recusal=False)],
    }
    OUT.write_text(dumps(doc) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
