"""Commitment and proof documents, and ``run_draw``: the one call the web app makes.

Flow: ``new_nonce()`` -> ``build_commitment(...)`` (publish it; keep the nonce secret) ->
wait for the announced public randomness -> ``run_draw(...)`` -> store and, after the
inspection, publish the proof. ``compute_outcome`` is shared with the verifier, so the
verifier cannot drift from what the draw did.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import ENGINE_VERSION
from .canonical import canonical_bytes
from .conflicts import ConflictTree, conflict_key_bytes, conflict_tree
from .draw import StratumDraw, select_targets
from .hashing import (
    NONCE_BYTES,
    PROTOCOL,
    SUPPORTED,
    TAG_COMMITMENT,
    EngineError,
    hash_fields,
    hasher_factory,
    nonce_hash,
    parse_hex,
)
from .inputs import (
    RANDOMNESS_KINDS,
    check_ceremony,
    check_history,
    check_previous,
    check_randomness,
    check_recusals,
    check_source,
    excluded_counts,
    normalise_params,
    parse_time,
)
from .merkle import audit_path, json_root, pool_leaf_hashes, pool_root
from .pool import Pool
from .probability import StratumInfo, allocate_sample_sizes, pool_inclusion
from .teams import Inspector, TeamParams, TeamsResult, form_teams
from .tickets import derive_seed

__all__ = [
    "RANDOMNESS_KINDS",
    "CommitmentMismatch",
    "Outcome",
    "build_commitment",
    "commitment_digest",
    "compute_outcome",
    "new_nonce",
    "parse_time",
    "pool_inclusion_proof",
    "preview_probabilities",
    "result_document",
    "run_draw",
    "sample_sizes",
]


class CommitmentMismatch(EngineError):
    """The data handed to ``run_draw`` is not what was committed."""


@dataclass
class Outcome:
    seed: bytes
    infos: list[StratumInfo]
    draws: list[StratumDraw]
    pi: np.ndarray
    teams: TeamsResult | None
    team_error: str | None = None


def new_nonce() -> str:
    return secrets.token_bytes(32).hex()


def _inspector_lines(inspectors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    objs = [Inspector.from_record(r) for r in inspectors]
    objs.sort(key=lambda i: i.cert_no.encode("utf-8"))
    return [i.line() for i in objs]


def _conflicts(
    pool: Pool,
    conflicts: Sequence[Mapping[str, Any]],
    conflict_key: str | None,
    params: Mapping[str, Any],
    hash_name: str,
    workers: int | None = None,
) -> ConflictTree:
    """The hiding conflict tree (§4.3); the key may be omitted only when nothing is hidden."""
    needed = params.get("team") is not None or bool(conflicts)
    key = conflict_key_bytes(conflict_key, needed=needed)
    return conflict_tree(pool, conflicts, key, hash_name, workers)


def _as_pool(pool: Pool | Sequence[Mapping[str, Any]]) -> Pool:
    return pool if isinstance(pool, Pool) else Pool.from_records(pool)


def sample_sizes(pool: Pool, params: Mapping[str, Any]) -> dict[str, int]:
    sample = params["sample"]
    populations = dict(zip(pool.stratum_names, map(len, pool.stratum_members()), strict=True))
    if "sizes" in sample:
        sizes = {s: int(sample["sizes"].get(s, 0)) for s in pool.stratum_names}
        unknown = set(sample["sizes"]) - set(pool.stratum_names)
        if unknown:
            raise EngineError(f"sizes given for strata not in the pool: {sorted(unknown)}")
        return sizes
    return allocate_sample_sizes(
        populations, sample["ratios"], minimum=int(sample.get("minimum", 0))
    )


def preview_probabilities(
    *, pool: Pool | Sequence[Mapping[str, Any]], params: Mapping[str, Any]
) -> dict[str, Any]:
    """What the commitment will fix, before committing: sizes and every unit's exact pi.

    Returns ``{"strata": [{"name", "population", "sample_size", "take_all"}], "pi": {id: int}}``
    with pi over 2^32 (``probability.probability_text`` renders it as a percentage).
    """
    p = _as_pool(pool)
    pi, infos = pool_inclusion(p, sample_sizes(p, params), int(params.get("floor_weight", 1)))
    return {
        "strata": [
            {
                "name": i.name,
                "population": i.population,
                "sample_size": i.sample_size,
                "take_all": i.take_all,
            }
            for i in infos
        ],
        "pi": {p.id_str(k): int(v) for k, v in enumerate(pi.tolist())},
    }


def pool_inclusion_proof(
    *, pool: Pool | Sequence[Mapping[str, Any]], target_id: str, hash_name: str = "sha256"
) -> dict[str, Any]:
    """Evidence that one target's line is in the committed pool, without publishing the pool.

    Returns ``{"line", "index", "size", "path": [hex]}``; anyone holding the commitment checks
    it with ``merkle.verify_inclusion`` (RFC 9162 section 2.1.3.2) against ``pool.root``.
    """
    p = _as_pool(pool)
    pos = int(np.searchsorted(p.ids, target_id.encode("utf-8")))
    if pos >= len(p) or p.id_str(pos) != target_id:
        raise EngineError(f"target {target_id!r} is not in the pool")
    leaves = pool_leaf_hashes(p, hash_name)
    return {
        "line": p.line(pos),
        "index": pos,
        "size": len(p),
        "path": [h.hex() for h in audit_path(leaves, pos, hash_name)],
    }


def commitment_digest(commitment: Mapping[str, Any]) -> bytes:
    return hash_fields(commitment["hash"], TAG_COMMITMENT, canonical_bytes(commitment))


def build_commitment(
    *,
    draw_id: str,
    params: Mapping[str, Any],
    pool: Pool | Sequence[Mapping[str, Any]],
    inspectors: Sequence[Mapping[str, Any]] = (),
    conflicts: Sequence[Mapping[str, Any]] = (),
    nonce: str,
    conflict_key: str | None = None,
    randomness_source: Mapping[str, Any],
    committed_at: str,
    hash_name: str = "sha256",
    task: Mapping[str, Any] | None = None,
    previous: Mapping[str, Any] | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """The public commitment, published before the randomness exists.

    ``params``: ``{"sample": {"ratios": {stratum: "0.05"}, "minimum": 1} | {"sizes": {...}},
    "floor_weight": 1, "risk_model_version": 0, "team": {"size", "departments",
    "window_start", "window_end", "max_assignments"} | None}``; ratios must be canonical
    decimal strings (``canonical.canonical_decimal``); ``risk_model_version`` defaults to 0.
    ``randomness_source``: ``{"kind": "beacon"|"lottery"|"witnesses", "description": str,
    "items": [{"name": str, "not_before": timestamp}]}``. ``previous``: the task's previous
    commitment ``{"draw_id", "commitment_digest"}`` (a re-draw), or None. Pool lines may carry
    ``excluded: <reason code>``; ``pool.excluded`` counts them per code.

    ``conflicts``: ``[{"inspector": cert_no, "target": id}]`` (pairs naming a target outside
    the pool are not committed). ``conflict_key``: the draw's secret conflict salt key (64 hex,
    e.g. ``new_nonce()``), kept like the nonce but never published; required when a team is
    drawn or any conflict is given. ``conflicts.count`` is the number of committed pairs.
    """
    if hash_name not in SUPPORTED:
        raise EngineError(f"hash must be one of {SUPPORTED}")
    hasher_factory(hash_name)
    if not isinstance(draw_id, str) or not draw_id:
        raise EngineError("draw_id must be a non-empty string")
    parse_time(committed_at, "committed_at")
    source = check_source(randomness_source, committed_at)
    nonce_bytes = parse_hex(nonce, "nonce")
    if len(nonce_bytes) != NONCE_BYTES:
        raise EngineError(f"nonce must be exactly {NONCE_BYTES} bytes ({2 * NONCE_BYTES} hex)")
    params = normalise_params(params)
    prev = check_previous(previous)
    p = _as_pool(pool)
    excluded = excluded_counts(p)
    sizes = sample_sizes(p, params)
    populations = dict(zip(p.stratum_names, map(len, p.stratum_members()), strict=True))
    inspector_lines = _inspector_lines(inspectors)
    tree = _conflicts(p, conflicts, conflict_key, params, hash_name)
    return {
        "protocol": PROTOCOL,
        "draw_id": draw_id,
        "task": dict(task or {}),
        "hash": hash_name,
        "previous": prev,
        "params": params,
        "strata": {s: {"population": populations[s], "sample_size": sizes[s]} for s in sizes},
        "pool": {
            "count": len(p),
            "root": pool_root(p, hash_name, workers=workers).hex(),
            "excluded": excluded,
        },
        "inspectors": {
            "count": len(inspector_lines),
            "root": json_root(inspector_lines, hash_name).hex(),
        },
        "conflicts": {"count": tree.count, "root": tree.root.hex()},
        "nonce_hash": nonce_hash(hash_name, nonce_bytes).hex(),
        "randomness_source": source,
        "committed_at": committed_at,
        "code_version": f"spotcheck-engine/{ENGINE_VERSION}",
    }


def compute_outcome(
    commitment: Mapping[str, Any],
    nonce: bytes,
    randomness: Sequence[str],
    pool: Pool,
    inspectors: Sequence[Mapping[str, Any]],
    conflicts: Sequence[Mapping[str, Any]],
    recusals: Sequence[Mapping[str, str]] = (),
    *,
    workers: int | None = None,
    keep_team_error: bool = False,
) -> Outcome:
    hash_name = commitment["hash"]
    seed = derive_seed(hash_name, commitment_digest(commitment), nonce, randomness)
    params = commitment["params"]
    sizes = sample_sizes(pool, params)
    pi, infos = pool_inclusion(pool, sizes, int(params.get("floor_weight", 1)), workers=workers)
    draws = select_targets(pool, pi, infos, seed, hash_name, workers=workers)
    teams, error = None, None
    if params.get("team") is not None:
        targets = [pool.id_str(int(i)) for d in draws for i in d.selected]
        insp = [Inspector.from_record(r) for r in inspectors]
        pairs = [(c["inspector"], c["target"]) for c in conflicts]
        try:
            teams = form_teams(
                seed,
                hash_name,
                targets,
                insp,
                pairs,
                TeamParams.from_dict(params["team"]),
                recusals,
            )
        except EngineError as exc:
            if not keep_team_error:
                raise
            error = str(exc)
    return Outcome(seed, infos, draws, pi, teams, error)


def result_document(pool: Pool, outcome: Outcome) -> dict[str, Any]:
    return {
        "strata": [
            {
                "name": d.name,
                "population": d.population,
                "sample_size": d.sample_size,
                "take_all": d.take_all,
                "start": d.start,
            }
            for d in outcome.draws
        ],
        "selected": [
            {"id": pool.id_str(int(i)), "stratum": d.name, "pi": int(outcome.pi[i])}
            for d in outcome.draws
            for i in d.selected.tolist()
        ],
    }


def run_draw(
    *,
    commitment: Mapping[str, Any],
    nonce: str,
    randomness: Sequence[Mapping[str, str]],
    pool: Pool | Sequence[Mapping[str, Any]],
    inspectors: Sequence[Mapping[str, Any]] = (),
    conflicts: Sequence[Mapping[str, Any]] = (),
    conflict_key: str | None = None,
    recusals: Sequence[Mapping[str, str]] = (),
    check_roots: bool = True,
    include_pool: bool = True,
    ceremony: Mapping[str, Any] | None = None,
    history: Sequence[Mapping[str, Any]] = (),
    workers: int | None = None,
) -> dict[str, Any]:
    """Run the committed draw and return its proof document (a plain, JSON-ready dict).

    ``randomness``: ``[{"name", "value", "published_at"}]`` in the order the commitment's
    ``randomness_source.items`` names them. ``recusals``: ``[{"inspector", "target",
    "reason"}]`` with ``reason`` a reason code (``kinship``, ``interest``,
    ``prior_involvement``, ``other``; any ``[a-z][a-z0-9_]{0,39}``), applied in order (call
    again with the longer list after each recusal; the first teams never change).
    ``conflicts`` and ``conflict_key`` as committed: the proof's ``conflicts`` lists, per
    selected target in result order, ``{"target", "index", "inspectors", "salt", "path"}``
    (its conflict leaf and RFC 9162 inclusion proof); nothing of any other target. The proof's ``result.selected`` lists ``{"id", "stratum", "pi"}``
    (pi over 2^32); ``teams`` lists ``{"target", "inspectors"}``; ``recusals`` gains
    ``replacement``. ``ceremony``: ``{"entered_by": name, "witnesses": [names]}`` (who entered
    the randomness; ``[]`` witnesses for a beacon or lottery; None records
    ``entered_by: "unknown"``). ``history``: the task's earlier, aborted draws, oldest first
    (``{"draw_id", "commitment", "commitment_digest", "state": "aborted", "aborted_at",
    "abort_reason", "nonce"}``); both are copied into the proof.
    """
    p = _as_pool(pool)
    ceremony_doc = check_ceremony(ceremony)
    history_doc = check_history(history)
    nonce_bytes = parse_hex(nonce, "nonce")
    hash_name = commitment["hash"]
    recusal_list = check_recusals(recusals)
    problems = check_randomness(commitment, list(randomness))
    if nonce_hash(hash_name, nonce_bytes).hex() != commitment["nonce_hash"]:
        problems.append("nonce does not match the committed nonce_hash")
    inspector_lines = _inspector_lines(inspectors)
    tree = _conflicts(p, conflicts, conflict_key, commitment["params"], hash_name, workers)
    if (
        tree.root.hex() != commitment["conflicts"]["root"]
        or tree.count != commitment["conflicts"]["count"]
    ):
        # Always checked (cheap next to the draw): a wrong salt key would publish a proof
        # that cannot verify.
        problems.append("conflict table or conflict_key differs from the committed root")
    if check_roots:
        if pool_root(p, hash_name, workers=workers).hex() != commitment["pool"]["root"]:
            problems.append("pool differs from the committed pool root")
        if json_root(inspector_lines, hash_name).hex() != commitment["inspectors"]["root"]:
            problems.append("inspector pool differs from the committed root")
    if problems:
        raise CommitmentMismatch("; ".join(problems))
    values = [r["value"] for r in randomness]
    outcome = compute_outcome(
        commitment,
        nonce_bytes,
        values,
        p,
        inspector_lines,
        [{"inspector": i, "target": t} for i, t in tree.pairs()],
        recusal_list,
        workers=workers,
    )
    result = result_document(p, outcome)
    positions = np.searchsorted(p.ids, [s["id"].encode("utf-8") for s in result["selected"]])
    proof: dict[str, Any] = {
        "protocol": PROTOCOL,
        "commitment": dict(commitment),
        "commitment_digest": commitment_digest(commitment).hex(),
        "nonce": nonce,
        "randomness": [dict(r) for r in randomness],
        "ceremony": ceremony_doc,
        "history": history_doc,
        "seed": outcome.seed.hex(),
        "result": result,
        "teams": outcome.teams.teams if outcome.teams else [],
        "recusals": outcome.teams.recusals if outcome.teams else [],
        "inspectors": inspector_lines,
        "conflicts": tree.entries(positions.tolist(), workers=workers),
    }
    if include_pool:
        proof["pool"] = p.lines()
    return proof
