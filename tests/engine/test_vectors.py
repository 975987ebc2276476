"""docs/test-vectors/draw-v2.json, recomputed by a second, deliberately naive implementation.

The reference below follows docs/draw-protocol.md with hashlib, json and Fraction only, so a
mismatch means the engine, the spec or the vectors drifted apart.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from spotcheck.engine.proof import build_commitment, run_draw
from spotcheck.engine.verify import verify_proof

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/test-vectors/draw-v2.json").read_text("utf-8")
)
M = 2**32


def H(name: str, data: bytes) -> bytes:
    return hashlib.new(name, data).digest()


def F(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def canon(v: Any) -> bytes:
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def mth(name: str, leaves: list[bytes]) -> bytes:
    if not leaves:
        return H(name, b"")
    if len(leaves) == 1:
        return H(name, b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return H(name, b"\x01" + mth(name, leaves[:k]) + mth(name, leaves[k:]))


def mth_path(name: str, m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 section 2.1.1 PATH(m, D[n]), returned leaf level first (RFC 9162 order)."""
    n = len(leaves)
    if n <= 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*mth_path(name, m, leaves[:k]), mth(name, leaves[k:])]
    return [*mth_path(name, m - k, leaves[k:]), mth(name, leaves[:k])]


def root_from_path(name: str, leaf: bytes, m: int, n: int, path: list[bytes]) -> bytes | None:
    """RFC 9162 section 2.1.3.2, written from the text."""
    if m >= n:
        return None
    fn, sn, r = m, n - 1, H(name, b"\x00" + leaf)
    for p in path:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = H(name, b"\x01" + p + r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = H(name, b"\x01" + r + p)
        fn //= 2
        sn //= 2
    return r if sn == 0 else None


def conflict_leaves(
    name: str, pool: list[dict[str, Any]], conflicts: list[dict[str, str]], key: bytes
) -> list[dict[str, Any]]:
    """Section 4.3: one leaf per pool line (pool order), salted with the secret key."""
    out = []
    for p in pool:
        certs = sorted(
            {c["inspector"] for c in conflicts if c["target"] == p["id"]}, key=str.encode
        )
        salt = H(name, F(b"spotcheck/v1/conflict-salt", key, p["id"].encode()))[:16]
        out.append({"inspectors": certs, "salt": salt.hex(), "target": p["id"]})
    return out


def reference_pi(weights: list[int], n: int) -> list[int]:
    """Section 4 of the spec, on units already in id order."""
    size = len(weights)
    if n == size:
        return [M] * size
    order = sorted(range(size), key=lambda i: -weights[i])
    take, rest = set(), sum(weights)
    for j, i in enumerate(order[:n]):
        if (n - j) * weights[i] >= rest:
            take.add(i)
            rest -= weights[i]
        else:
            break
    t = (n - len(take)) * M
    q = {i: weights[i] * t // rest for i in range(size) if i not in take}
    r = {i: weights[i] * t % rest for i in q}
    short = t - sum(q.values())
    for i in sorted(q, key=lambda i: (-r[i], i))[:short]:
        q[i] += 1
    return [M if i in take else q[i] for i in range(size)]


@pytest.mark.parametrize("vec", VECTORS["draws"], ids=lambda v: v["hash"])
def test_draw_vector(vec: dict[str, Any]) -> None:
    name, inp, exp = vec["hash"], vec["inputs"], vec["expected"]
    # Roots of the three committed tables.
    pool = sorted(inp["pool"], key=lambda p: p["id"].encode())
    assert mth(name, [canon(p) for p in pool]).hex() == exp["pool_root"]
    insp = sorted(inp["inspectors"], key=lambda i: i["cert_no"].encode())
    assert mth(name, [canon(i) for i in insp]).hex() == exp["inspectors_root"]
    leaves = conflict_leaves(name, pool, inp["conflicts"], bytes.fromhex(inp["conflict_key"]))
    assert {x["target"]: x["salt"] for x in leaves} == exp["conflict_salts"]
    assert canon(leaves[0]).decode() == exp["conflict_leaf_of_first_pool_line"]
    assert mth(name, [canon(x) for x in leaves]).hex() == exp["conflicts_root"]
    assert sum(len(x["inspectors"]) for x in leaves) == exp["conflicts_count"]
    nonce = bytes.fromhex(inp["nonce"])
    assert H(name, F(b"spotcheck/v1/nonce", nonce)).hex() == exp["nonce_hash"]
    # Commitment digest and seed.
    commitment_bytes = exp["commitment_canonical"].encode()
    assert canon(json.loads(commitment_bytes)) == commitment_bytes
    digest = H(name, F(b"spotcheck/v1/commitment", commitment_bytes))
    assert digest.hex() == exp["commitment_digest"]
    values = [r["value"].encode() for r in inp["randomness"]]
    seed = H(name, F(b"spotcheck/v1/seed", digest, nonce, len(values).to_bytes(4, "big"), *values))
    assert seed.hex() == exp["seed"]
    tickets = {
        p["id"]: H(name, F(b"spotcheck/v1/ticket/target", seed, p["id"].encode())) for p in pool
    }
    assert {k: v.hex() for k, v in tickets.items()} == exp["target_tickets"]
    # Probabilities and selection, stratum by stratum.
    selected, pis = [], {}
    for s in exp["strata"]:
        members = [p for p in pool if p["stratum"] == s["name"] and "excluded" not in p]
        weights = [max(p["weight"], inp["params"]["floor_weight"]) for p in members]
        pi = reference_pi(weights, s["sample_size"])
        pis.update({p["id"]: v for p, v in zip(members, pi, strict=True)})
        start = int.from_bytes(
            H(name, F(b"spotcheck/v1/start", seed, s["name"].encode()))[:4], "big"
        )
        assert start == s["start"]
        ranked = sorted(zip(members, pi, strict=True), key=lambda x: tickets[x[0]["id"]])
        cum, j = 0, 0
        for p, v in ranked:
            lo, cum = cum, cum + v
            while j < s["sample_size"] and lo <= start + j * M < cum:
                selected.append({"id": p["id"], "stratum": s["name"], "pi": v})
                j += 1
    pis.update({p["id"]: 0 for p in pool if "excluded" in p})
    assert pis == exp["pi"]
    assert selected == exp["selected"]
    assert [s["name"] for s in exp["strata"]] == sorted(
        {p["stratum"] for p in pool}, key=lambda x: x.encode()
    )
    # The proof's conflict entries: the selected targets' leaves, in result order, with paths.
    index = {p["id"]: i for i, p in enumerate(pool)}
    encoded = [canon(x) for x in leaves]
    assert exp["conflicts"] == [
        {
            **leaves[index[s["id"]]],
            "index": index[s["id"]],
            "path": [x.hex() for x in mth_path(name, index[s["id"]], encoded)],
        }
        for s in selected
    ]
    first = exp["selected"][0]["id"].encode()
    assert {
        i["cert_no"]: H(
            name, F(b"spotcheck/v1/ticket/inspector", seed, first, i["cert_no"].encode())
        ).hex()
        for i in insp
    } == exp["inspector_tickets_for_first_target"]


@pytest.mark.parametrize("vec", VECTORS["draws"], ids=lambda v: v["hash"])
def test_engine_reproduces_vector(vec: dict[str, Any]) -> None:
    inp, exp = vec["inputs"], vec["expected"]
    commitment = build_commitment(
        draw_id=inp["draw_id"],
        params=inp["params"],
        pool=inp["pool"],
        inspectors=inp["inspectors"],
        conflicts=inp["conflicts"],
        nonce=inp["nonce"],
        conflict_key=inp["conflict_key"],
        randomness_source=inp["randomness_source"],
        committed_at=inp["committed_at"],
        hash_name=vec["hash"],
        task=inp["task"],
    )
    commitment["code_version"] = inp["code_version"]
    assert canon(commitment).decode() == exp["commitment_canonical"]
    proof = run_draw(
        commitment=commitment,
        nonce=inp["nonce"],
        randomness=inp["randomness"],
        pool=inp["pool"],
        inspectors=inp["inspectors"],
        conflicts=inp["conflicts"],
        conflict_key=inp["conflict_key"],
        recusals=inp["recusals"],
    )
    assert proof["seed"] == exp["seed"]
    assert proof["result"]["selected"] == exp["selected"]
    assert proof["teams"] == exp["teams"]
    assert proof["recusals"] == exp["recusals"]
    assert proof["conflicts"] == exp["conflicts"]
    assert inp["conflict_key"] not in json.dumps(proof)
    assert verify_proof(proof)[0] == []


def test_primitives() -> None:
    p = VECTORS["primitives"]
    assert F(*(x.encode() for x in p["fields"]["parts_utf8"])).hex() == p["fields"]["encoding_hex"]
    assert canon(p["canonical_json"]["value"]).decode() == p["canonical_json"]["canonical_utf8"]
    for case in p["merkle"]:
        assert mth("sha256", [x.encode() for x in case["leaves_utf8"]]).hex() == case["root_sha256"]
    assert H("sha256", b"abc").hex() == p["sha256_abc"]


def reference_teams(
    name: str, seed: bytes, inp: dict[str, Any], targets: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Section 11 of the spec, written from the text."""
    t = inp["params"]["team"]
    size, depts = t["size"], set(t["departments"])
    start, end = t["window_start"], t["window_end"]
    insp = {i["cert_no"]: i for i in inp["inspectors"]}

    def qualified(i: dict[str, Any]) -> bool:
        return (
            i["status"] == "active"
            and i["valid_from"] <= start
            and (i["valid_to"] is None or i["valid_to"] >= end)
        )

    pool_q = [
        c for c, i in insp.items() if qualified(i) and (not depts or i["department"] in depts)
    ]
    cap = {c: -(-len(targets) * size // max(len(pool_q), 1)) + 1 for c in insp}
    if t["max_assignments"] is not None:
        cap = {c: t["max_assignments"] for c in insp}
    elif depts:
        for c, i in insp.items():
            q_d = sum(1 for x in pool_q if insp[x]["department"] == i["department"])
            if q_d:
                cap[c] = max(cap[c], -(-len(targets) // q_d) + 1)
    blocked = {(c["inspector"], c["target"]) for c in inp["conflicts"]}
    load = dict.fromkeys(insp, 0)

    def order(target: str) -> list[str]:
        return sorted(
            insp,
            key=lambda c: (
                H(name, F(b"spotcheck/v1/ticket/inspector", seed, target.encode(), c.encode())),
                c.encode(),
            ),
        )

    def fill(target: str, team: list[str]) -> None:
        for c in order(target):
            if len(team) == size:
                break
            i = insp[c]
            if c in team or not qualified(i) or (depts and i["department"] not in depts):
                continue
            if (c, target) in blocked or load[c] >= cap[c]:
                continue
            missing = depts - {insp[x]["department"] for x in team} - {i["department"]}
            if len(missing) > size - len(team) - 1:
                continue
            team.append(c)
            load[c] += 1
        assert len(team) == size

    teams = {tg: [] for tg in targets}
    for tg in targets:
        fill(tg, teams[tg])
    log = []
    for r in inp["recusals"]:
        teams[r["target"]].remove(r["inspector"])
        load[r["inspector"]] -= 1
        blocked.add((r["inspector"], r["target"]))
        before = set(teams[r["target"]])
        fill(r["target"], teams[r["target"]])
        (new,) = set(teams[r["target"]]) - before
        log.append({**r, "replacement": new})
    return [{"target": tg, "inspectors": teams[tg]} for tg in targets], log


@pytest.mark.parametrize("vec", VECTORS["draws"], ids=lambda v: v["hash"])
def test_team_vector_from_spec(vec: dict[str, Any]) -> None:
    exp = vec["expected"]
    targets = [s["id"] for s in exp["selected"]]
    teams, log = reference_teams(vec["hash"], bytes.fromhex(exp["seed"]), vec["inputs"], targets)
    assert teams == exp["teams"]
    assert log == exp["recusals"]


@pytest.mark.parametrize("name", ["sha256", "sm3"])
def test_v2_proof_document_from_spec(name: str) -> None:
    """The complete v2 proof (docs/test-vectors/proof-v2-*.json) recomputed naively: commitment
    digest and chain, nonce hashes, seed, roots, pool.excluded, strata, selection, teams."""
    base = Path(__file__).resolve().parents[2] / "docs/test-vectors"
    proof = json.loads((base / f"proof-v2-{name}.json").read_text("utf-8"))
    c = proof["commitment"]
    assert proof["protocol"] == c["protocol"] == "spotcheck-draw/2"
    assert (base / f"commitment-v2-{name}.json").read_bytes() == canon(c)
    digest = H(name, F(b"spotcheck/v1/commitment", canon(c)))
    assert digest.hex() == proof["commitment_digest"]
    (entry,) = proof["history"]
    old = entry["commitment"]
    old_digest = H(name, F(b"spotcheck/v1/commitment", canon(old))).hex()
    assert old["previous"] is None and entry["commitment_digest"] == old_digest
    assert c["previous"] == {"draw_id": entry["draw_id"], "commitment_digest": old_digest}
    old_nonce = bytes.fromhex(entry["nonce"])
    assert H(name, F(b"spotcheck/v1/nonce", old_nonce)).hex() == old["nonce_hash"]
    nonce = bytes.fromhex(proof["nonce"])
    assert len(nonce) == 32
    values = [r["value"].encode() for r in proof["randomness"]]
    seed = H(name, F(b"spotcheck/v1/seed", digest, nonce, len(values).to_bytes(4, "big"), *values))
    assert seed.hex() == proof["seed"]
    pool = proof["pool"]
    assert pool == sorted(pool, key=lambda p: p["id"].encode())
    assert mth(name, [canon(p) for p in pool]).hex() == c["pool"]["root"]
    reasons = [p["excluded"] for p in pool if "excluded" in p]
    assert c["pool"]["excluded"] == {r: reasons.count(r) for r in sorted(set(reasons))}
    assert sorted(reasons) == sorted(
        ["deregistered", "revoked", "cancelled", "moved", "yearly_cap"]
    )
    params = c["params"]
    assert set(params) == {"sample", "floor_weight", "risk_model_version", "team"}
    selected = []
    for s in proof["result"]["strata"]:
        members = [p for p in pool if p["stratum"] == s["name"] and "excluded" not in p]
        assert c["strata"][s["name"]] == {
            "population": len(members),
            "sample_size": s["sample_size"],
        }
        weights = [max(p["weight"], params["floor_weight"]) for p in members]
        pi = reference_pi(weights, s["sample_size"])
        start = int.from_bytes(
            H(name, F(b"spotcheck/v1/start", seed, s["name"].encode()))[:4], "big"
        )
        ranked = sorted(
            zip(members, pi, strict=True),
            key=lambda x: H(name, F(b"spotcheck/v1/ticket/target", seed, x[0]["id"].encode())),
        )
        cum, j = 0, 0
        for p, v in ranked:
            lo, cum = cum, cum + v
            if j < s["sample_size"] and lo <= start + j * M < cum:
                selected.append({"id": p["id"], "stratum": s["name"], "pi": v})
                j += 1
    assert selected == proof["result"]["selected"]
    # Conflicts: one entry per selected target in result order, each leaf proven against the
    # committed root; at most the committed number of pairs revealed.
    entries = proof["conflicts"]
    assert [e["target"] for e in entries] == [s["id"] for s in selected]
    root = bytes.fromhex(c["conflicts"]["root"])
    for e in entries:
        assert pool[e["index"]]["id"] == e["target"]
        assert e["inspectors"] == sorted(set(e["inspectors"]), key=str.encode)
        leaf = canon({k: e[k] for k in ("inspectors", "salt", "target")})
        path = [bytes.fromhex(x) for x in e["path"]]
        assert root_from_path(name, leaf, e["index"], c["pool"]["count"], path) == root
    assert sum(len(e["inspectors"]) for e in entries) <= c["conflicts"]["count"]
    assert any(e["inspectors"] for e in entries)
    assert all(
        set(r["reason"]) <= set("abcdefghijklmnopqrstuvwxyz0123456789_") for r in proof["recusals"]
    )
    inp = {
        "params": params,
        "inspectors": proof["inspectors"],
        "conflicts": [
            {"inspector": i, "target": e["target"]} for e in entries for i in e["inspectors"]
        ],
        "recusals": [
            {k: r[k] for k in ("inspector", "target", "reason")} for r in proof["recusals"]
        ],
    }
    teams, log = reference_teams(name, seed, inp, [s["id"] for s in selected])
    assert teams == proof["teams"]
    assert log == proof["recusals"]
