"""Validation of what the app hands to ``build_commitment`` and ``run_draw`` (protocol 2).

The strict verifier (``verify.py``) refuses any proof that breaks the grammar of
docs/draw-protocol.md; these checks make sure the engine never produces one. They raise
``EngineError`` with a message naming the field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .canonical import DECIMAL_RE, REASON_CODE_RE, TIMESTAMP_RE
from .hashing import EngineError
from .pool import Pool
from .teams import TeamParams

RANDOMNESS_KINDS = ("beacon", "lottery", "witnesses")
PARAM_KEYS = frozenset({"sample", "floor_weight", "risk_model_version", "team"})
HEX64 = frozenset("0123456789abcdef")


def parse_time(value: Any, what: str) -> datetime:
    """A protocol timestamp: ``YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|+HH:MM|-HH:MM)``."""
    if not isinstance(value, str) or not TIMESTAMP_RE.fullmatch(value):
        raise EngineError(
            f"{what} {value!r} is not a timestamp YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)"
        )
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise EngineError(f"{what} {value!r} is not a valid date and time") from exc


def _int(value: Any, what: str, low: int) -> int:
    if type(value) is not int or value < low:
        raise EngineError(f"{what} must be an integer >= {low}")
    return value


def normalise_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The committed ``params`` with exactly the protocol-2 keys.

    Fills ``risk_model_version: 0``, ``team: None`` and (ratios mode) ``minimum: 0`` when the
    caller omitted them; refuses unknown keys and non-canonical ratio strings.
    """
    out = dict(params)
    out.setdefault("risk_model_version", 0)
    out.setdefault("team", None)
    extra = set(out) - PARAM_KEYS
    if extra or "sample" not in out or "floor_weight" not in out:
        raise EngineError(
            f"params must have exactly the keys {sorted(PARAM_KEYS)}; "
            f"unknown {sorted(extra)}, missing {sorted(PARAM_KEYS - set(out))}"
        )
    _int(out["floor_weight"], "params.floor_weight", 1)
    _int(out["risk_model_version"], "params.risk_model_version", 0)
    sample = dict(out["sample"]) if isinstance(out["sample"], Mapping) else None
    if sample is None:
        raise EngineError("params.sample must be an object")
    if "ratios" in sample:
        sample.setdefault("minimum", 0)
        if set(sample) != {"ratios", "minimum"}:
            raise EngineError('params.sample must be {"ratios", "minimum"} or {"sizes"}')
        _int(sample["minimum"], "params.sample.minimum", 0)
        ratios = sample["ratios"]
        if not isinstance(ratios, Mapping):
            raise EngineError("params.sample.ratios must be an object")
        for name, ratio in ratios.items():
            if not isinstance(ratio, str) or not DECIMAL_RE.fullmatch(ratio):
                raise EngineError(
                    f"ratio of stratum {name!r} is {ratio!r}: write it as a canonical decimal "
                    '("0", "1" or "0.05"; see canonical.canonical_decimal)'
                )
        sample["ratios"] = dict(ratios)
    elif set(sample) == {"sizes"}:
        if not isinstance(sample["sizes"], Mapping):
            raise EngineError("params.sample.sizes must be an object")
        for name, size in sample["sizes"].items():
            _int(size, f"sample size of stratum {name!r}", 0)
        sample["sizes"] = dict(sample["sizes"])
    else:
        raise EngineError('params.sample must be {"ratios", "minimum"} or {"sizes"}')
    out["sample"] = sample
    if out["team"] is not None:
        team = out["team"]
        keys = {"size", "departments", "window_start", "window_end", "max_assignments"}
        if not isinstance(team, Mapping) or set(team) != keys:
            raise EngineError(f"params.team must be null or have exactly the keys {sorted(keys)}")
        TeamParams.from_dict(team)
        out["team"] = {**team, "departments": list(team["departments"])}
    return out


def excluded_counts(pool: Pool) -> dict[str, int]:
    """``commitment.pool.excluded``: number of excluded lines per reason code."""
    counts = Counter(pool.excluded.values())
    for reason in counts:
        if not REASON_CODE_RE.fullmatch(reason):
            raise EngineError(
                f"exclusion reason {reason!r} is not a reason code ([a-z][a-z0-9_]{{0,39}}, "
                "e.g. deregistered, revoked, cancelled, moved, yearly_cap)"
            )
    return dict(sorted(counts.items()))


def check_previous(previous: Mapping[str, Any] | None) -> dict[str, str] | None:
    if previous is None:
        return None
    if not isinstance(previous, Mapping) or set(previous) != {"draw_id", "commitment_digest"}:
        raise EngineError('previous must be null or {"draw_id", "commitment_digest"}')
    draw_id, digest = previous["draw_id"], previous["commitment_digest"]
    if not isinstance(draw_id, str) or not draw_id:
        raise EngineError("previous.draw_id must be a non-empty string")
    if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= HEX64:
        raise EngineError("previous.commitment_digest must be 64 lowercase hex digits")
    return {"draw_id": draw_id, "commitment_digest": digest}


def check_source(source: Mapping[str, Any], committed_at: str) -> dict[str, Any]:
    if set(source) != {"kind", "description", "items"}:
        raise EngineError('randomness_source must have exactly {"kind", "description", "items"}')
    if source.get("kind") not in RANDOMNESS_KINDS:
        raise EngineError(f"randomness_source.kind must be one of {RANDOMNESS_KINDS}")
    if not isinstance(source["description"], str):
        raise EngineError("randomness_source.description must be a string")
    items = source.get("items")
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        raise EngineError("randomness_source.items must name at least one value")
    names = [i.get("name") for i in items]
    if len(set(names)) != len(names) or not all(isinstance(n, str) and n for n in names):
        raise EngineError("randomness_source item names must be distinct non-empty strings")
    committed = parse_time(committed_at, "committed_at")
    for item in items:
        if set(item) not in ({"name"}, {"name", "not_before"}):
            raise EngineError('a randomness item is {"name"} or {"name", "not_before"}')
        if "not_before" in item and parse_time(item["not_before"], "not_before") <= committed:
            raise EngineError(f"randomness {item['name']!r} is not in the future at commitment")
    return {**source, "items": [dict(i) for i in items]}


def check_randomness(commitment: Mapping[str, Any], randomness: Sequence[Any]) -> list[str]:
    """The revealed values must be exactly the announced ones, each dated after commitment."""
    problems = []
    committed = parse_time(commitment["committed_at"], "committed_at")
    items = commitment["randomness_source"]["items"]
    announced = [i["name"] for i in items]
    given = [r.get("name") for r in randomness]
    if announced != given:
        problems.append(f"randomness names differ from the commitment: {given} vs {announced}")
    for item, r in zip(items, randomness, strict=False):
        if set(r) != {"name", "value", "published_at"}:
            problems.append(f"randomness {r.get('name')!r}: keys must be name, value, published_at")
        if not isinstance(r.get("value"), str) or not r["value"]:
            problems.append(f"randomness {r.get('name')!r}: value must be a non-empty string")
        published = parse_time(r.get("published_at"), f"randomness {r.get('name')!r}")
        if published <= committed:
            problems.append(
                f"randomness {r.get('name')!r} published at {r['published_at']}, "
                f"not after commitment time {commitment['committed_at']}"
            )
        if "not_before" in item and published < parse_time(item["not_before"], "not_before"):
            problems.append(f"randomness {r.get('name')!r} published before its announced time")
    return problems


def check_ceremony(ceremony: Mapping[str, Any] | None) -> dict[str, Any]:
    """``{"entered_by": name, "witnesses": [names]}``; None means no ceremony was recorded.

    A caller that records none gets ``entered_by: "unknown"`` (the strict verifier only needs
    a non-empty name); the app passes the real operator and witnesses.
    """
    if ceremony is None:
        return {"entered_by": "unknown", "witnesses": []}
    if not isinstance(ceremony, Mapping) or set(ceremony) != {"entered_by", "witnesses"}:
        raise EngineError('ceremony must be {"entered_by", "witnesses"}')
    entered_by, witnesses = ceremony["entered_by"], ceremony["witnesses"]
    if not isinstance(entered_by, str) or not entered_by.strip():
        raise EngineError("ceremony.entered_by must be a non-empty name")
    if (
        isinstance(witnesses, str)
        or not isinstance(witnesses, Sequence)
        or not all(isinstance(w, str) and w.strip() for w in witnesses)
    ):
        raise EngineError("ceremony.witnesses must be a list of non-empty names")
    return {"entered_by": entered_by, "witnesses": list(witnesses)}


RECUSAL_REASONS = ("kinship", "interest", "prior_involvement", "other")
"""The application's recusal reason codes (§11); the protocol enforces only the grammar."""


def check_recusals(recusals: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """``[{"inspector", "target", "reason"}]`` with ``reason`` a reason code, never free text."""
    out = []
    for i, r in enumerate(recusals):
        if not isinstance(r, Mapping) or set(r) != {"inspector", "target", "reason"}:
            raise EngineError(f'recusals[{i}] must be exactly {{"inspector", "target", "reason"}}')
        reason = r["reason"]
        if not isinstance(reason, str) or not REASON_CODE_RE.fullmatch(reason):
            raise EngineError(
                f"recusals[{i}].reason {reason!r} is not a reason code ([a-z][a-z0-9_]{{0,39}}, "
                f"e.g. {', '.join(RECUSAL_REASONS)}); keep free-text notes out of the proof"
            )
        out.append({"inspector": str(r["inspector"]), "target": str(r["target"]), "reason": reason})
    return out


HISTORY_KEYS = frozenset(
    {"draw_id", "commitment", "commitment_digest", "state", "aborted_at", "abort_reason", "nonce"}
)


def check_history(history: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Earlier (aborted) draws of the task, oldest first; the verifier checks the chain."""
    out = []
    for i, entry in enumerate(history):
        if not isinstance(entry, Mapping) or set(entry) != HISTORY_KEYS:
            raise EngineError(f"history[{i}] must have exactly the keys {sorted(HISTORY_KEYS)}")
        if entry["state"] != "aborted":
            raise EngineError(f"history[{i}].state must be 'aborted'")
        parse_time(entry["aborted_at"], f"history[{i}].aborted_at")
        out.append(dict(entry))
    return out
