"""Protocol 2 inputs: canonical ratios, reason codes, previous, ceremony, history."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from spotcheck.engine.canonical import canonical_decimal
from spotcheck.engine.hashing import PROTOCOL, EngineError
from spotcheck.engine.proof import build_commitment, commitment_digest, run_draw

from .helpers import (
    COMMITTED_AT,
    CONFLICT_KEY,
    NONCE,
    RANDOMNESS,
    SOURCE,
    make_inspectors,
    make_params,
    make_pool,
)

BAD_TIME = "2026-11-26 09:00:00Z"  # fixed-date: malformed input (space instead of T)


def commit(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "draw_id": "7",
        "params": make_params(),
        "pool": make_pool(),
        "inspectors": make_inspectors(),
        "nonce": NONCE,
        "conflict_key": CONFLICT_KEY,
        "randomness_source": SOURCE,
        "committed_at": COMMITTED_AT,
    }
    args.update(kw)
    return build_commitment(**args)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("0.050", "0.05"),
        (".2", "0.2"),
        ("5E-2", "0.05"),
        ("1.0", "1"),
        (Decimal("0.10"), "0.1"),
        (0, "0"),
        (1, "1"),
        ("0", "0"),
        (Decimal("1E-10"), "0.0000000001"),
    ],
)
def test_canonical_decimal(value: Any, text: str) -> None:
    assert canonical_decimal(value) == text


@pytest.mark.parametrize("value", ["1/5", "1.5", "-0.1", "NaN", "Infinity", 0.2, True, 2, ""])
def test_canonical_decimal_refuses(value: Any) -> None:
    with pytest.raises(EngineError):
        canonical_decimal(value)


def test_commitment_has_protocol_2_fields() -> None:
    pool = make_pool()
    pool[1]["excluded"] = "yearly_cap"
    pool[4]["excluded"] = "deregistered"
    pool[7]["excluded"] = "yearly_cap"
    c = commit(pool=pool)
    assert c["protocol"] == PROTOCOL == "spotcheck-draw/2"
    assert c["previous"] is None
    assert c["params"]["risk_model_version"] == 0
    assert c["pool"]["excluded"] == {"deregistered": 1, "yearly_cap": 2}
    assert c["pool"]["count"] == 90
    assert sum(s["population"] for s in c["strata"].values()) == 87
    prev = {"draw_id": "6", "commitment_digest": commitment_digest(c).hex()}
    assert commit(previous=prev, draw_id="8")["previous"] == prev


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(nonce="5a"), "exactly 32 bytes"),
        (lambda a: a.update(nonce="5A" * 32), "lowercase"),
        (lambda a: a["params"]["sample"]["ratios"].update({"拍卖": ".2"}), "canonical decimal"),
        (lambda a: a["params"]["sample"]["ratios"].update({"拍卖": "1/5"}), "canonical decimal"),
        (lambda a: a["params"]["sample"]["ratios"].update({"拍卖": "0.50"}), "canonical decimal"),
        (lambda a: a["params"].update(extra=1), "exactly the keys"),
        (lambda a: a["params"].update(risk_model_version=-1), "risk_model_version"),
        (lambda a: a["pool"][0].update(excluded="本年度已抽查两次"), "reason code"),
        (lambda a: a["pool"][0].update(excluded="Revoked"), "reason code"),
        (lambda a: a.update(previous={"draw_id": "6"}), "previous"),
        (lambda a: a.update(previous={"draw_id": "6", "commitment_digest": "AB" * 32}), "hex"),
        (lambda a: a["randomness_source"].update(items=[]), "at least one"),
        (lambda a: a.update(committed_at=BAD_TIME), "timestamp"),
    ],
)
def test_build_commitment_refuses(change: Any, message: str) -> None:
    args: dict[str, Any] = {
        "params": make_params(),
        "pool": make_pool(),
        "nonce": NONCE,
        "conflict_key": CONFLICT_KEY,
        "randomness_source": copy.deepcopy(SOURCE),
        "committed_at": COMMITTED_AT,
    }
    change(args)
    with pytest.raises(EngineError, match=message):
        commit(**args)


def test_run_draw_carries_ceremony_and_history() -> None:
    first = commit(draw_id="6")
    digest = commitment_digest(first).hex()
    second = commit(draw_id="7", previous={"draw_id": "6", "commitment_digest": digest})
    history = [
        {
            "draw_id": "6",
            "commitment": first,
            "commitment_digest": digest,
            "state": "aborted",
            "aborted_at": "2026-11-26T09:30:00+08:00",  # fixed-date: engine data
            "abort_reason": "见证人未到场",
            "nonce": None,
        }
    ]
    ceremony = {"entered_by": "王五", "witnesses": ["张三", "李四"]}
    proof = run_draw(
        commitment=second,
        nonce=NONCE,
        conflict_key=CONFLICT_KEY,
        randomness=RANDOMNESS,
        pool=make_pool(),
        inspectors=make_inspectors(),
        ceremony=ceremony,
        history=history,
    )
    assert proof["protocol"] == "spotcheck-draw/2"
    assert proof["ceremony"] == ceremony
    assert proof["history"] == history
    plain = run_draw(
        commitment=first,
        nonce=NONCE,
        conflict_key=CONFLICT_KEY,
        randomness=RANDOMNESS,
        pool=make_pool(),
        inspectors=make_inspectors(),
    )
    assert plain["ceremony"] == {"entered_by": "unknown", "witnesses": []}
    assert plain["history"] == []
    with pytest.raises(EngineError, match="entered_by"):
        run_draw(
            commitment=first,
            nonce=NONCE,
            conflict_key=CONFLICT_KEY,
            randomness=RANDOMNESS,
            pool=make_pool(),
            inspectors=make_inspectors(),
            ceremony={"entered_by": "", "witnesses": []},
        )


def test_stratum_with_only_excluded_lines_has_population_zero() -> None:
    pool = make_pool()
    pool.append({"id": "91640106999999999X", "stratum": "典当", "weight": 5, "excluded": "moved"})
    c = commit(pool=pool)
    assert c["strata"]["典当"] == {"population": 0, "sample_size": 0}


@pytest.mark.parametrize("pure", ["0", "1"])
def test_all_excluded_stratum_verifies_on_both_paths(
    pure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spotcheck.engine.verify import verify_document

    from .helpers import make_proof

    pool = make_pool()
    pool.append({"id": "91640106999999999X", "stratum": "典当", "weight": 5, "excluded": "moved"})
    proof = make_proof(pool=pool)
    assert proof["commitment"]["strata"]["典当"] == {"population": 0, "sample_size": 0}
    monkeypatch.setenv("SPOTCHECK_VERIFY_PURE", pure)
    report = verify_document(proof)
    assert report.exit_code == 0, report.lines()
    assert next(s for s in proof["result"]["strata"] if s["name"] == "典当")["take_all"] == 0
