"""Independent check of a published draw proof.

Usage: ``python -m spotcheck.engine.verify proof.json``. Exit status 0 with a one-line
summary when everything matches; 1 with one line per difference otherwise; 2 if the file
cannot be read as a proof at all. Only the standard library and numpy are needed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from .canonical import loads
from .hashing import PROTOCOL, EngineError, nonce_hash, parse_hex
from .inputs import check_randomness
from .merkle import json_root, pool_root
from .pool import Pool


def _ids(items: list[str], limit: int = 10) -> str:
    if not items:
        return "-"
    head = ", ".join(items[:limit])
    return head if len(items) <= limit else f"{head} ... ({len(items)} in all)"


def _diff_list(label: str, expected: list[str], claimed: list[str]) -> list[str]:
    if expected == claimed:
        return []
    exp_set, got_set = set(expected), set(claimed)
    missing = [x for x in expected if x not in got_set]
    extra = [x for x in claimed if x not in exp_set]
    if missing or extra:
        return [f"{label} differ: missing {_ids(missing)}; extra {_ids(extra)}"]
    return [f"{label}: same members, different order"]


def _diff_strata(expected: list[dict[str, Any]], claimed: Any) -> list[str]:
    if expected == claimed:
        return []
    if not isinstance(claimed, list):
        return ["result.strata is missing or malformed"]
    got = {s.get("name"): s for s in claimed if isinstance(s, dict)}
    out = []
    for e in expected:
        g = got.get(e["name"])
        if g is None:
            out.append(f"stratum {e['name']}: missing from the proof's result")
            continue
        for key, value in e.items():
            if g.get(key) != value:
                out.append(
                    f"stratum {e['name']}: {key} differs (recomputed {value}, "
                    f"proof says {g.get(key)})"
                )
    extra = set(got) - {e["name"] for e in expected}
    if extra:
        out.append(f"result lists unknown strata: {', '.join(sorted(map(str, extra)))}")
    return out or ["stratum summary differs in order"]


def verify_proof(proof: Mapping[str, Any], *, workers: int | None = None) -> tuple[list[str], str]:
    """Return (problems, summary). No problems means the proof checks out."""
    from .proof import commitment_digest, compute_outcome, result_document

    problems: list[str] = []
    if proof.get("protocol") != PROTOCOL:
        return [f"unsupported protocol {proof.get('protocol')!r}"], ""
    c = proof["commitment"]
    hash_name = c["hash"]
    if commitment_digest(c).hex() != proof.get("commitment_digest"):
        problems.append("commitment digest mismatch (the commitment document was altered)")
    nonce = parse_hex(proof["nonce"], "nonce")
    if nonce_hash(hash_name, nonce).hex() != c["nonce_hash"]:
        problems.append("nonce does not match the committed nonce_hash")
    problems += check_randomness(c, proof["randomness"])

    if "pool" not in proof:
        return [*problems, "proof has no pool lines; cannot recompute the draw"], ""
    pool = Pool.from_records(proof["pool"])
    if len(pool) != c["pool"]["count"]:
        problems.append(f"pool count {len(pool)} differs from committed {c['pool']['count']}")
    if pool_root(pool, hash_name, workers=workers).hex() != c["pool"]["root"]:
        problems.append("pool root mismatch (pool lines differ from the committed snapshot)")
    for key, label in (("inspectors", "inspector pool"), ("conflicts", "conflict table")):
        if json_root(proof[key], hash_name).hex() != c[key]["root"]:
            problems.append(f"{label} root mismatch")

    values = [r.get("value", "") for r in proof["randomness"]]
    outcome = compute_outcome(
        c,
        nonce,
        values,
        pool,
        proof["inspectors"],
        proof["conflicts"],
        proof.get("recusals", []),
        workers=workers,
        keep_team_error=True,
    )
    if outcome.team_error:
        problems.append(f"teams cannot be recomputed: {outcome.team_error}")
    if outcome.seed.hex() != proof.get("seed"):
        problems.append(
            f"seed mismatch: recomputed {outcome.seed.hex()}, proof says {proof.get('seed')}"
        )
    if set(c["strata"]) != {s.name for s in outcome.infos}:
        problems.append("committed strata differ from the strata of the pool")
    for s in outcome.infos:
        committed = c["strata"].get(s.name, {})
        if committed.get("sample_size") != s.sample_size:
            problems.append(
                f"stratum {s.name}: sample size {s.sample_size} differs from committed "
                f"{committed.get('sample_size')}"
            )
    expected = result_document(pool, outcome)
    claimed = proof.get("result", {})
    problems += _diff_strata(expected["strata"], claimed.get("strata"))
    exp_sel = expected["selected"]
    got_sel = claimed.get("selected", [])
    problems += _diff_list("selected ids", [s["id"] for s in exp_sel], [s["id"] for s in got_sel])
    got_pi = {s["id"]: s.get("pi") for s in got_sel}
    bad_pi = [s["id"] for s in exp_sel if s["id"] in got_pi and got_pi[s["id"]] != s["pi"]]
    if bad_pi:
        problems.append(f"inclusion probabilities differ for: {_ids(bad_pi)}")

    exp_teams = {
        t["target"]: t["inspectors"] for t in (outcome.teams.teams if outcome.teams else [])
    }
    got_teams = {t["target"]: t["inspectors"] for t in proof.get("teams", [])}
    exp_rec = outcome.teams.recusals if outcome.teams else []
    if not outcome.team_error:
        team_diffs = [
            f"team for {t} differs: expected {exp_teams.get(t)}, proof says {got_teams.get(t)}"
            for t in sorted(set(exp_teams) | set(got_teams))
            if exp_teams.get(t) != got_teams.get(t)
        ]
        problems += team_diffs[:10]
        if len(team_diffs) > 10:
            problems.append(f"... and {len(team_diffs) - 10} more teams differ")
        if exp_rec != proof.get("recusals", []):
            problems.append("recusal replacements differ from the recomputed ones")

    n_sel = len(exp_sel)
    summary = (
        f"OK: draw {c['draw_id']} ({hash_name}) - {len(pool)} pool units, {n_sel} selected in "
        f"{len(outcome.infos)} strata, {len(exp_teams)} teams, {len(exp_rec)} recusals; "
        f"seed {outcome.seed.hex()[:16]}..."
    )
    return problems, summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m spotcheck.engine.verify", description="Verify a spotcheck draw proof."
    )
    parser.add_argument("proof", help="path to proof.json ('-' for stdin)")
    args = parser.parse_args(argv)
    try:
        if args.proof == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.proof, "rb") as fh:
                data = fh.read()
        proof = loads(data)
        problems, summary = verify_proof(proof)
    except (OSError, ValueError, KeyError, TypeError, EngineError) as exc:
        print(f"ERROR: cannot verify: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if problems:
        for p in problems:
            print(f"MISMATCH: {p}")
        print(f"FAILED: {len(problems)} difference(s)")
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
