"""Write the protocol-2 proof vectors and the verifier's negative corpus.

    .venv/bin/python scripts/make_negative_corpus.py [--check]

Outputs (docs/test-vectors/): ``proof-v2-<hash>.json`` - a complete valid proof (a re-draw
whose history holds one aborted draw, a witnesses' ceremony, one excluded pool line of each
reason code, a joint task team, a recusal) - and ``commitment-v2-<hash>.json``, its
commitment exactly as the portal serves it (canonical bytes); ``negative/manifest.json`` and
``negative/<hash>/NN-name.json``: altered proofs, each with the exit status and the check id
the verifier must report. Everything is derived from fixed inputs, so the output is
byte-for-byte reproducible; ``--check`` compares instead of writing (tests/engine runs it).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from spotcheck.engine import verify as V  # noqa: E402
from spotcheck.engine.canonical import canonical_bytes  # noqa: E402
from spotcheck.engine.conflicts import conflict_tree  # noqa: E402
from spotcheck.engine.pool import Pool  # noqa: E402
from spotcheck.engine.proof import build_commitment, commitment_digest, run_draw  # noqa: E402

OUT = ROOT / "docs" / "test-vectors"
NEG = OUT / "negative"
REASONS = ("deregistered", "revoked", "cancelled", "moved", "yearly_cap")
STRATA = ("再生资源回收", "拍卖", "单用途商业预付卡")
POOL = [
    {"id": f"91640106{i:09d}{'XY0123456789'[i % 12]}", "stratum": STRATA[i % 3], "weight": w}
    for i, w in enumerate(
        [
            1000,
            2000,
            400000,
            1500,
            800,
            200,
            3000,
            1000,
            1000,
            1000,
            1000,
            1000,
            5000,
            100,
            2500,
            2500,
            60,
            900,
            700,
            1200,
            50,
            4000,
            1800,
            2200,
        ]
    )
]
for _i, _reason in zip((3, 7, 11, 16, 20), REASONS, strict=True):
    POOL[_i]["excluded"] = _reason
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
            ("市场科", "active", "2028-02-29"),
            ("商务科", "active", None),
            ("市场科", "active", None),
        ]
    )
]
# Two conflicts of a take-all (always drawn), one of a low-weight target that this draw does
# not select (its leaf must stay hidden), one naming someone outside the inspector pool.
CONFLICTS = [
    {"inspector": "宁商执1000", "target": POOL[2]["id"]},
    {"inspector": "宁商执1006", "target": POOL[2]["id"]},
    {"inspector": "宁商执1001", "target": POOL[13]["id"]},
    {"inspector": "宁商执9999", "target": POOL[9]["id"]},
]
PARAMS = {
    "sample": {
        "ratios": {"再生资源回收": "0.25", "拍卖": "0.2", "单用途商业预付卡": "0.3"},
        "minimum": 1,
    },
    "floor_weight": 100,
    "risk_model_version": 4,
    "team": {
        "size": 3,
        "departments": ["商务科", "市场科"],
        "window_start": "2026-12-01",
        "window_end": "2026-12-10",
        "max_assignments": None,
    },
}
TASK = {"id": 12, "name": "2026年商务领域跨部门联合抽查", "mode": "joint"}
FIRST_SOURCE = {
    "kind": "witnesses",
    "description": "two witnesses each roll three dice at the ceremony",
    "items": [{"name": "见证人 张三 骰子"}, {"name": "见证人 李四 骰子"}],
}
SOURCE = {
    "kind": "witnesses",
    "description": "two witnesses each roll three dice at the ceremony",
    "items": [
        {"name": "见证人 张三 骰子", "not_before": "2026-11-27T09:00:00+08:00"},
        {"name": "见证人 李四 骰子", "not_before": "2026-11-27T09:00:00+08:00"},
    ],
}
RANDOMNESS = [
    {"name": "见证人 张三 骰子", "value": "3 6 1", "published_at": "2026-11-27T09:05:12+08:00"},
    {"name": "见证人 李四 骰子", "value": "5 2 2", "published_at": "2026-11-27T09:06:40+08:00"},
]
CEREMONY = {"entered_by": "王五", "witnesses": ["张三", "李四"]}
FIRST_NONCE = "1c" * 32
NONCE = "f3" * 16 + "0c" * 16
# The secret conflict salt keys (never in any published document; fixed here for the vectors).
FIRST_CONFLICT_KEY = "2e" * 32
CONFLICT_KEY = "a7" * 16 + "5d" * 16


def valid_proof(hash_name: str) -> dict[str, Any]:
    common = {
        "params": PARAMS,
        "pool": POOL,
        "inspectors": INSPECTORS,
        "conflicts": CONFLICTS,
        "hash_name": hash_name,
        "task": TASK,
    }
    first = build_commitment(
        draw_id="41",
        nonce=FIRST_NONCE,
        conflict_key=FIRST_CONFLICT_KEY,
        randomness_source=FIRST_SOURCE,
        committed_at="2026-11-26T16:10:00.250000+08:00",
        **common,
    )
    digest = commitment_digest(first).hex()
    history = [
        {
            "draw_id": "41",
            "commitment": first,
            "commitment_digest": digest,
            "state": "aborted",
            "aborted_at": "2026-11-26T16:40:00+08:00",
            "abort_reason": "见证人李四未能到场，经科长批准作废",
            "nonce": FIRST_NONCE,
        }
    ]
    commitment = build_commitment(
        draw_id="42",
        nonce=NONCE,
        conflict_key=CONFLICT_KEY,
        randomness_source=SOURCE,
        committed_at="2026-11-26T17:00:00Z",
        previous={"draw_id": "41", "commitment_digest": digest},
        **common,
    )
    args = {
        "commitment": commitment,
        "nonce": NONCE,
        "randomness": RANDOMNESS,
        "pool": POOL,
        "inspectors": INSPECTORS,
        "conflicts": CONFLICTS,
        "conflict_key": CONFLICT_KEY,
        "ceremony": CEREMONY,
        "history": history,
    }
    team = run_draw(**args)["teams"][1]
    recusal = {"inspector": team["inspectors"][0], "target": team["target"], "reason": "kinship"}
    return run_draw(**args, recusals=[recusal])


def reseal(doc: dict[str, Any]) -> dict[str, Any]:
    """Recompute digest, seed, result, teams and recusals after the commitment was changed,
    so that only the rule the case breaks is broken (uses the verifier's own functions)."""
    c = doc["commitment"]
    h = V.hash_function(c["hash"])
    digest = V.commitment_digest(h, c)
    values = [r["value"].encode() for r in doc["randomness"]]
    nonce = bytes.fromhex(doc["nonce"])
    seed = h(V.F(V.TAG_SEED, digest, nonce, len(values).to_bytes(4, "big"), *values))
    populations: dict[str, int] = {}
    for line in doc["pool"]:
        populations[line["stratum"]] = populations.get(line["stratum"], 0) + (
            "excluded" not in line
        )
    sizes, error = V.sample_sizes(c["params"], populations)
    assert error is None, error
    drawn = V.draw_pure(h, doc["pool"], seed, sizes, c["params"]["floor_weight"])
    targets = [s["id"] for s in drawn.selected]
    tree = conflict_tree(
        Pool.from_records(doc["pool"]), CONFLICTS, bytes.fromhex(CONFLICT_KEY), c["hash"]
    )
    index = {line["id"]: i for i, line in enumerate(doc["pool"])}
    entries = [tree.entry(index[t]) for t in targets]
    pairs = [{"inspector": i, "target": e["target"]} for e in entries for i in e["inspectors"]]
    args = (h, seed, targets, doc["inspectors"], pairs, c["params"]["team"])
    recusals = []
    if doc["recusals"]:  # the same kind of recusal, of a member of the new second team
        first, _ = V.form_teams(*args, [])
        reason = doc["recusals"][0]["reason"]
        recusals = [
            {"inspector": first[1]["inspectors"][0], "target": first[1]["target"], "reason": reason}
        ]
    teams, log = V.form_teams(*args, recusals)
    doc.update(
        commitment_digest=digest.hex(),
        seed=seed.hex(),
        result={"strata": drawn.strata, "selected": drawn.selected},
        conflicts=entries,
        teams=teams,
        recusals=log,
    )
    return doc


def pretty(doc: Any) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


Edit = Callable[[dict[str, Any]], Any]


def edit(fn: Edit, *, seal: bool = False) -> Callable[[dict[str, Any]], bytes]:
    def make(base: dict[str, Any]) -> bytes:
        doc = copy.deepcopy(base)
        fn(doc)
        return pretty(reseal(doc) if seal else doc)

    return make


def raw(fn: Callable[[str], str]) -> Callable[[dict[str, Any]], bytes]:
    return lambda base: fn(pretty(base).decode()).encode()


def _swap(items: list[Any], i: int, j: int) -> None:
    items[i], items[j] = items[j], items[i]


def _forged(base: dict[str, Any]) -> dict[str, Any]:
    """A complete, self-consistent re-run with a nonce of the forger's choosing."""
    c = copy.deepcopy(base["commitment"])
    doc = copy.deepcopy(base)
    doc["nonce"] = "77" * 32
    c["nonce_hash"] = V.hash_function(c["hash"])(
        V.F(V.TAG_NONCE, bytes.fromhex(doc["nonce"]))
    ).hex()
    doc["commitment"] = c
    doc["recusals"] = []
    return reseal(doc)


def _dup_item(d: dict[str, Any]) -> None:
    d["commitment"]["randomness_source"]["items"][1]["name"] = "见证人 张三 骰子"
    d["randomness"][1]["name"] = "见证人 张三 骰子"


def _no_items(d: dict[str, Any]) -> None:
    d["commitment"]["randomness_source"]["items"] = []
    d["randomness"] = []


def _replace_selected(d: dict[str, Any]) -> None:
    chosen = {s["id"] for s in d["result"]["selected"]}
    spare = next(x["id"] for x in d["pool"] if x["id"] not in chosen and "excluded" not in x)
    old = d["result"]["selected"][0]["id"]
    d["result"]["selected"][0]["id"] = spare
    d["teams"][0]["target"] = spare
    for r in d["recusals"]:
        if r["target"] == old:
            r["target"] = spare


def _swap_members(d: dict[str, Any]) -> None:
    _swap(d["teams"][0]["inspectors"], 0, 1)


def _weight(d: dict[str, Any]) -> None:
    d["pool"][0]["weight"] += 1


def _with_conflicts(d: dict[str, Any]) -> dict[str, Any]:
    """The first entry of a drawn target that has declared conflicts."""
    return next(e for e in d["conflicts"] if e["inspectors"])


def _drop_inspector(d: dict[str, Any]) -> None:
    _with_conflicts(d)["inspectors"].pop()


def _unsorted_inspectors(d: dict[str, Any]) -> None:
    _with_conflicts(d)["inspectors"].reverse()


def _extra_entry(d: dict[str, Any]) -> None:
    """A genuine leaf and path of a target that was not drawn: proven, but not to be revealed."""
    c = d["commitment"]
    tree = conflict_tree(
        Pool.from_records(d["pool"]), CONFLICTS, bytes.fromhex(CONFLICT_KEY), c["hash"]
    )
    chosen = {e["target"] for e in d["conflicts"]}
    spare = next(i for i, line in enumerate(d["pool"]) if line["id"] not in chosen)
    d["conflicts"].append(tree.entry(spare))


def _wrong_index(d: dict[str, Any]) -> None:
    e = d["conflicts"][0]
    e["index"] = e["index"] + 1


def _wrong_salt(d: dict[str, Any]) -> None:
    e = _with_conflicts(d)
    e["salt"] = ("0" if e["salt"][0] != "0" else "1") + e["salt"][1:]


def _bad_path(d: dict[str, Any]) -> None:
    e = d["conflicts"][1]
    e["path"][0] = ("0" if e["path"][0][0] != "0" else "1") + e["path"][0][1:]


def _count_too_small(d: dict[str, Any]) -> None:
    revealed = sum(len(e["inspectors"]) for e in d["conflicts"])
    d["commitment"]["conflicts"]["count"] = revealed - 1


# (name, exit status, check id, make(base) -> bytes, extra CLI args)
CASES: list[tuple[str, int, str, Callable[[dict[str, Any]], bytes], list[str]]] = [
    ("valid", 0, "", edit(lambda d: None), []),
    (
        "valid-with-commitment-and-digest",
        0,
        "",
        edit(lambda d: None),
        ["--commitment", "C", "--expect-digest", "D"],
    ),
    ("pool-out-of-order", 2, "pool.order", edit(lambda d: _swap(d["pool"], 4, 5)), []),
    ("pool-line-extra-key", 2, "pool.keys", edit(lambda d: d["pool"][2].update(note="x")), []),
    (
        "pool-line-excluded-null",
        2,
        "pool.line",
        edit(lambda d: d["pool"][2].update(excluded=None)),
        [],
    ),
    (
        "pool-duplicate-id",
        2,
        "pool.order",
        edit(lambda d: d["pool"][5].update(id=d["pool"][4]["id"])),
        [],
    ),
    (
        "pool-excluded-not-a-code",
        2,
        "pool.line",
        edit(lambda d: d["pool"][3].update(excluded="本年度已抽查两次")),
        [],
    ),
    ("pool-weight-zero", 2, "pool.line", edit(lambda d: d["pool"][0].update(weight=0)), []),
    ("teams-out-of-order", 2, "teams.order", edit(lambda d: _swap(d["teams"], 0, 1)), []),
    (
        "team-extra-key",
        2,
        "teams.keys",
        edit(lambda d: d["teams"][0].update(leader="宁商执1001")),
        [],
    ),
    (
        "not-before-before-commitment",
        1,
        "time.not-before",
        edit(
            lambda d: d["commitment"]["randomness_source"]["items"][0].update(
                not_before="2026-11-26T16:59:59Z"
            ),
            seal=True,
        ),
        [],
    ),
    ("randomness-duplicate-name", 2, "randomness.names", edit(_dup_item), []),
    (
        "ratio-leading-dot",
        2,
        "params.ratio",
        edit(lambda d: d["commitment"]["params"]["sample"]["ratios"].update({"拍卖": ".2"})),
        [],
    ),
    (
        "ratio-fraction",
        2,
        "params.ratio",
        edit(lambda d: d["commitment"]["params"]["sample"]["ratios"].update({"拍卖": "1/5"})),
        [],
    ),
    (
        "ratio-trailing-zero",
        2,
        "params.ratio",
        edit(lambda d: d["commitment"]["params"]["sample"]["ratios"].update({"拍卖": "0.20"})),
        [],
    ),
    (
        "ratio-exponent",
        2,
        "params.ratio",
        edit(lambda d: d["commitment"]["params"]["sample"]["ratios"].update({"拍卖": "2e-1"})),
        [],
    ),
    ("nonce-one-byte", 2, "nonce.length", edit(lambda d: d.update(nonce="f3")), []),
    ("no-randomness-items", 2, "randomness.items", edit(_no_items), []),
    (
        "forged-redraw-vs-expected-digest",
        1,
        "expect-digest",
        lambda b: pretty(_forged(b)),
        ["--expect-digest", "D"],
    ),
    (
        "forged-redraw-vs-commitment-file",
        1,
        "commitment.published",
        lambda b: pretty(_forged(b)),
        ["--commitment", "C"],
    ),
    ("forged-nonce", 1, "nonce.hash", edit(lambda d: d.update(nonce="77" * 32)), []),
    ("wrong-seed", 1, "seed", edit(lambda d: d.update(seed="00" * 32)), []),
    (
        "wrong-pi",
        1,
        "result.pi",
        edit(lambda d: d["result"]["selected"][1].update(pi=d["result"]["selected"][1]["pi"] - 1)),
        [],
    ),
    ("selected-id-replaced", 1, "result.selected", edit(_replace_selected), []),
    (
        "stratum-start-altered",
        1,
        "result.strata",
        edit(
            lambda d: d["result"]["strata"][0].update(start=d["result"]["strata"][0]["start"] ^ 1)
        ),
        [],
    ),
    ("team-members-swapped", 1, "teams", edit(_swap_members), []),
    (
        "recusal-without-replacement",
        2,
        "recusals.keys",
        edit(lambda d: d["recusals"][0].pop("replacement")),
        [],
    ),
    (
        "recusal-wrong-replacement",
        1,
        "recusals",
        edit(lambda d: d["recusals"][0].update(replacement=d["recusals"][0]["inspector"])),
        [],
    ),
    (
        "randomness-published-before-commitment",
        1,
        "time.published",
        edit(lambda d: d["randomness"][0].update(published_at="2026-11-26T16:59:00Z")),
        [],
    ),
    (
        "randomness-published-before-not-before",
        1,
        "time.published",
        edit(lambda d: d["randomness"][1].update(published_at="2026-11-27T08:59:59+08:00")),
        [],
    ),
    (
        "randomness-extra-value",
        1,
        "randomness.match",
        edit(
            lambda d: d["randomness"].append(
                {
                    "name": "见证人 王五 骰子",
                    "value": "1 1 1",
                    "published_at": "2026-11-27T09:07:00+08:00",
                }
            )
        ),
        [],
    ),
    ("randomness-missing-value", 1, "randomness.match", edit(lambda d: d["randomness"].pop()), []),
    (
        "randomness-empty-value",
        2,
        "randomness.keys",
        edit(lambda d: d["randomness"][0].update(value="")),
        [],
    ),
    (
        "history-chain-broken",
        1,
        "previous",
        edit(lambda d: d["commitment"]["previous"].update(commitment_digest="ab" * 32), seal=True),
        [],
    ),
    ("history-entry-removed", 1, "previous", edit(lambda d: d.update(history=[])), []),
    (
        "history-entry-digest-altered",
        1,
        "history.digest",
        edit(lambda d: d["history"][0].update(commitment_digest="cd" * 32)),
        [],
    ),
    (
        "history-commitment-altered",
        1,
        "history.digest",
        edit(lambda d: d["history"][0]["commitment"]["task"].update(name="改过的任务")),
        [],
    ),
    (
        "history-nonce-wrong",
        1,
        "history.nonce",
        edit(lambda d: d["history"][0].update(nonce="1d" * 32)),
        [],
    ),
    (
        "history-aborted-before-committed",
        1,
        "history.time",
        edit(lambda d: d["history"][0].update(aborted_at="2026-11-26T16:00:00+08:00")),
        [],
    ),
    (
        "history-state-not-aborted",
        2,
        "history.keys",
        edit(lambda d: d["history"][0].update(state="executed")),
        [],
    ),
    (
        "previous-missing",
        1,
        "previous",
        edit(lambda d: d["commitment"].update(previous=None), seal=True),
        [],
    ),
    (
        "pool-count-altered",
        1,
        "pool.count",
        edit(lambda d: d["commitment"]["pool"].update(count=23), seal=True),
        [],
    ),
    (
        "pool-excluded-count-altered",
        1,
        "pool.excluded",
        edit(lambda d: d["commitment"]["pool"]["excluded"].update(moved=2), seal=True),
        [],
    ),
    (
        "committed-strata-altered",
        1,
        "strata",
        edit(lambda d: d["commitment"]["strata"]["拍卖"].update(sample_size=2), seal=True),
        [],
    ),
    ("pool-weight-altered", 1, "pool.root", edit(_weight), []),
    (
        "commitment-altered",
        1,
        "commitment.digest",
        edit(lambda d: d["commitment"]["task"].update(name="另一个任务")),
        [],
    ),
    ("hex-uppercase", 2, "hex", edit(lambda d: d.update(seed=d["seed"].upper())), []),
    (
        "float-weight",
        2,
        "json.float",
        raw(lambda t: t.replace('"weight": 1000\n', '"weight": 1000.0\n', 1)),
        [],
    ),
    (
        "float-exponent",
        2,
        "json.float",
        raw(lambda t: t.replace('"weight": 1000\n', '"weight": 1e3\n', 1)),
        [],
    ),
    (
        "duplicate-json-key",
        2,
        "json.duplicate-key",
        raw(lambda t: t.replace('\n "seed": ', '\n "seed": "00",\n "seed": ', 1)),
        [],
    ),
    ("not-json", 2, "json", raw(lambda t: t[: len(t) // 2]), []),
    ("utf8-bom", 2, "json", raw(lambda t: "\ufeff" + t), []),
    (
        "timestamp-with-space",
        2,
        "timestamp",
        edit(lambda d: d["randomness"][0].update(published_at="2026-11-27 09:05:12+08:00")),
        [],
    ),
    (
        "timestamp-without-zone",
        2,
        "timestamp",
        edit(lambda d: d["commitment"].update(committed_at="2026-11-26T17:00:00")),
        [],
    ),
    (
        "timestamp-impossible-date",
        2,
        "timestamp",
        edit(lambda d: d["history"][0].update(aborted_at="2026-02-30T10:00:00Z")),
        [],
    ),
    ("unknown-protocol", 2, "protocol", edit(lambda d: d.update(protocol="spotcheck-draw/3")), []),
    (
        "protocol-1",
        2,
        "protocol",
        edit(lambda d: d["commitment"].update(protocol="spotcheck-draw/1")),
        [],
    ),
    (
        "risk-model-version-missing",
        2,
        "params.keys",
        edit(lambda d: d["commitment"]["params"].pop("risk_model_version")),
        [],
    ),
    (
        "ceremony-without-operator",
        2,
        "ceremony",
        edit(lambda d: d["ceremony"].update(entered_by="")),
        [],
    ),
    ("ceremony-missing", 2, "proof.keys", edit(lambda d: d.pop("ceremony")), []),
    (
        "inspectors-out-of-order",
        2,
        "inspectors.order",
        edit(lambda d: _swap(d["inspectors"], 1, 2)),
        [],
    ),
    (
        "conflict-extra-key",
        2,
        "conflicts.keys",
        edit(lambda d: d["conflicts"][0].update(reason="亲属")),
        [],
    ),
    (
        "previous-uppercase-hex",
        2,
        "hex",
        edit(
            lambda d: d["commitment"]["previous"].update(
                commitment_digest=d["commitment"]["previous"]["commitment_digest"].upper()
            )
        ),
        [],
    ),
    (
        "sample-both-modes",
        2,
        "params.sample",
        edit(lambda d: d["commitment"]["params"]["sample"].update(sizes={})),
        [],
    ),
    (
        "conflict-entry-removed",
        1,
        "conflicts.entries",
        edit(lambda d: d["conflicts"].remove(_with_conflicts(d))),
        [],
    ),
    ("conflict-inspector-removed", 1, "conflicts.path", edit(_drop_inspector), []),
    ("conflict-entry-of-undrawn-target", 1, "conflicts.entries", edit(_extra_entry), []),
    ("conflict-wrong-index", 1, "conflicts.target", edit(_wrong_index), []),
    ("conflict-wrong-salt", 1, "conflicts.path", edit(_wrong_salt), []),
    ("conflict-bad-path", 1, "conflicts.path", edit(_bad_path), []),
    (
        "conflicts-out-of-result-order",
        2,
        "conflicts.order",
        edit(lambda d: _swap(d["conflicts"], 0, 1)),
        [],
    ),
    ("conflict-inspectors-unsorted", 2, "conflicts.order", edit(_unsorted_inspectors), []),
    (
        "conflict-salt-uppercase",
        2,
        "conflicts.keys",
        edit(lambda d: d["conflicts"][0].update(salt=d["conflicts"][0]["salt"].upper())),
        [],
    ),
    (
        "conflict-count-too-small",
        1,
        "conflicts.count",
        edit(_count_too_small, seal=True),
        [],
    ),
    (
        "recusal-reason-not-a-code",
        2,
        "recusals.reason",
        edit(lambda d: d["recusals"][0].update(reason="与检查对象负责人系近亲属")),
        [],
    ),
]


def build() -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    manifest = []
    for hash_name in ("sha256", "sm3"):
        base = valid_proof(hash_name)
        proof_name, commit_name = f"proof-v2-{hash_name}.json", f"commitment-v2-{hash_name}.json"
        files[OUT / proof_name] = pretty(base)
        files[OUT / commit_name] = canonical_bytes(base["commitment"])
        for n, (name, code, check, make, args) in enumerate(CASES):
            path = f"{hash_name}/{n:02d}-{name}.json"
            files[NEG / path] = make(base)
            subst = {"C": f"../{commit_name}", "D": base["commitment_digest"]}
            manifest.append(
                {
                    "file": path,
                    "hash": hash_name,
                    "exit": code,
                    "check": check,
                    "args": [subst.get(a, a) for a in args],
                }
            )
    about = (
        "Negative corpus of the strict verifier (docs/draw-protocol.md, section 13). Each case "
        "is run as `python verify.py FILE ARGS` from this directory and must exit with `exit` "
        "and report the check id `check`. Regenerate with scripts/make_negative_corpus.py."
    )
    files[NEG / "manifest.json"] = pretty(
        {"about": about, "protocol": V.PROTOCOL, "cases": manifest}
    )
    return files


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    args = parser.parse_args()
    files = build()
    if args.check:
        stale = [str(p) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        for p in stale:
            print(f"differs: {p}")
        return 1 if stale else 0
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(files)} files under {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
