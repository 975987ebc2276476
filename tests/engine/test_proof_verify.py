from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.engine.canonical import dumps
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.proof import CommitmentMismatch, build_commitment, run_draw
from spotcheck.engine.verify import main, verify_proof

from .helpers import (
    COMMITTED_AT,
    CONFLICT_KEY,
    NONCE,
    RANDOMNESS,
    SOURCE,
    make_inspectors,
    make_params,
    make_pool,
    make_proof,
)

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(scope="module")
def proof() -> dict[str, Any]:
    return make_proof(conflicts=[{"inspector": "640106200001", "target": "91640106000000003X"}])


def run_cli(tmp_path: Path, doc: dict[str, Any]) -> tuple[int, str]:
    path = tmp_path / "proof.json"
    path.write_text(dumps(doc), encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        check=False,
    )
    return res.returncode, res.stdout + res.stderr


def test_valid_proof_passes_cli(tmp_path: Path, proof: dict[str, Any]) -> None:
    code, out = run_cli(tmp_path, proof)
    assert code == 0, out
    assert out.startswith("OK: draw 2026-0042")
    assert len(proof["result"]["selected"]) == 9 and len(proof["teams"]) == 9


def _cli(
    tmp_path: Path, doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path = tmp_path / "p.json"
    path.write_text(dumps(doc), encoding="utf-8")
    code = main([str(path)])
    return code, capsys.readouterr().out


def test_rejects_changed_pool_line(tmp_path: Path, proof: dict[str, Any], capsys: Any) -> None:
    doc = copy.deepcopy(proof)
    doc["pool"][10]["weight"] += 1
    code, out = _cli(tmp_path, doc, capsys)
    assert code == 1 and "MISMATCH [pool.root]" in out


def test_rejects_changed_nonce(tmp_path: Path, proof: dict[str, Any], capsys: Any) -> None:
    doc = copy.deepcopy(proof)
    doc["nonce"] = "5b" + NONCE[2:]
    code, out = _cli(tmp_path, doc, capsys)
    assert code == 1
    assert "MISMATCH [nonce.hash]" in out and "MISMATCH [seed]" in out


def test_rejects_changed_randomness(tmp_path: Path, proof: dict[str, Any], capsys: Any) -> None:
    doc = copy.deepcopy(proof)
    doc["randomness"][1]["value"] = "0 9 5"
    code, out = _cli(tmp_path, doc, capsys)
    assert code == 1 and "MISMATCH [seed]" in out


def test_rejects_changed_selected_id(tmp_path: Path, proof: dict[str, Any], capsys: Any) -> None:
    doc = copy.deepcopy(proof)
    old = doc["result"]["selected"][2]["id"]
    chosen = {s["id"] for s in doc["result"]["selected"]}
    new = next(line["id"] for line in doc["pool"] if line["id"] not in chosen)
    doc["result"]["selected"][2]["id"] = new
    code, out = _cli(tmp_path, doc, capsys)
    assert code == 1
    assert (
        f"MISMATCH [result.selected]: selected ids differ from the recomputation: missing {old}; extra {new}"
        in out
    )


def test_rejects_randomness_dated_before_commitment(proof: dict[str, Any]) -> None:
    doc = copy.deepcopy(proof)
    doc["randomness"][0]["published_at"] = "2026-11-26T08:00:00Z"  # fixed-date: engine data
    problems, _ = verify_proof(doc)
    assert any(p.startswith("MISMATCH [time.published]") for p in problems)


def test_rejects_changed_team(proof: dict[str, Any]) -> None:
    doc = copy.deepcopy(proof)
    doc["teams"][0]["inspectors"] = list(reversed(doc["teams"][0]["inspectors"]))
    problems, _ = verify_proof(doc)
    assert problems == [
        f"MISMATCH [teams]: team for {doc['teams'][0]['target']}: recomputed "
        f"{proof['teams'][0]['inspectors']}, proof says {doc['teams'][0]['inspectors']}"
    ]


def test_garbage_exits_2(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"protocol": "spotcheck-draw/2"}', encoding="utf-8")
    assert main([str(path)]) == 2


def test_recusal_round_trip(proof: dict[str, Any]) -> None:
    target = proof["teams"][3]["target"]
    leaving = proof["teams"][3]["inspectors"][1]
    doc = make_proof(
        conflicts=[{"inspector": "640106200001", "target": "91640106000000003X"}],
        recusals=[{"inspector": leaving, "target": target, "reason": "prior_involvement"}],
    )
    assert doc["result"] == proof["result"]
    assert doc["recusals"][0]["replacement"] not in proof["teams"][3]["inspectors"]
    assert [t for i, t in enumerate(doc["teams"]) if i != 3] == [
        t for i, t in enumerate(proof["teams"]) if i != 3
    ]
    assert verify_proof(doc)[0] == []
    forged = copy.deepcopy(doc)
    forged["recusals"][0]["replacement"] = leaving
    assert verify_proof(forged)[0] == [
        f"MISMATCH [recusals]: recusals[0]: recomputed replacement "
        f"{doc['recusals'][0]['replacement']}, proof says {leaving}"
    ]


def test_run_draw_refuses_data_that_differs_from_commitment() -> None:
    pool = make_pool()
    c = build_commitment(
        draw_id="x",
        params=make_params(),
        pool=pool,
        inspectors=make_inspectors(),
        nonce=NONCE,
        conflict_key=CONFLICT_KEY,
        randomness_source=SOURCE,
        committed_at=COMMITTED_AT,
    )
    pool[0]["weight"] += 1
    with pytest.raises(CommitmentMismatch, match="pool differs"):
        run_draw(
            commitment=c,
            nonce=NONCE,
            conflict_key=CONFLICT_KEY,
            randomness=RANDOMNESS,
            pool=pool,
            inspectors=make_inspectors(),
        )
    with pytest.raises(EngineError, match="not in the future"):
        build_commitment(
            draw_id="x",
            params=make_params(),
            pool=pool,
            nonce=NONCE,
            conflict_key=CONFLICT_KEY,
            randomness_source=SOURCE,
            committed_at="2026-11-29T00:00:00Z",  # fixed-date: engine data
        )


def test_sm3_proof_verifies() -> None:
    try:
        import hashlib

        hashlib.new("sm3")
    except ValueError:
        pytest.skip("no SM3 in this OpenSSL")
    doc = make_proof(hash_name="sm3")
    assert doc["commitment"]["hash"] == "sm3"
    assert verify_proof(json.loads(dumps(doc)))[0] == []
    assert doc["seed"] != make_proof()["seed"]


MUTATIONS = (
    "pool_weight",
    "pool_stratum",
    "nonce",
    "randomness",
    "ratio",
    "team_size",
    "inspector",
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(MUTATIONS), st.integers(0, 59))
def test_any_single_change_changes_seed_and_breaks_old_proof(
    proof: dict[str, Any], what: str, idx: int
) -> None:
    pool, insp = make_pool(), make_inspectors()
    nonce, randomness, params = NONCE, copy.deepcopy(RANDOMNESS), make_params()
    if what == "pool_weight":
        pool[idx]["weight"] += 1
    elif what == "pool_stratum":
        pool[idx]["stratum"] = "拍卖" if pool[idx]["stratum"] != "拍卖" else "再生资源回收"
    elif what == "nonce":
        nonce = f"{idx:02x}" + NONCE[2:] if idx != 0x5A else "00" + NONCE[2:]
    elif what == "randomness":
        randomness[idx % 2]["value"] += str(idx)
    elif what == "ratio":
        params["sample"]["ratios"]["拍卖"] = "0.2"
    elif what == "team_size":
        params["team"]["size"] = 3
    else:
        insp[idx % len(insp)]["valid_to"] = "2029-01-01"  # fixed-date: engine data
    changed = make_proof(
        pool=pool,
        inspectors=insp,
        nonce=nonce,
        randomness=randomness,
        params=params,
        conflicts=[{"inspector": "640106200001", "target": "91640106000000003X"}],
    )
    assert changed["seed"] != proof["seed"]
    # Graft the changed input into the old proof: verification must fail.
    old = copy.deepcopy(proof)
    if what.startswith("pool"):
        old["pool"] = changed["pool"]
    elif what == "nonce":
        old["nonce"] = nonce
    elif what == "randomness":
        old["randomness"] = randomness
    elif what == "inspector":
        old["inspectors"] = changed["inspectors"]
    else:
        old["commitment"]["params"] = params
    assert verify_proof(old)[0]


def test_preview_matches_draw(proof: dict[str, Any]) -> None:
    from spotcheck.engine.proof import preview_probabilities

    prev = preview_probabilities(pool=make_pool(), params=make_params())
    assert sum(prev["pi"].values()) == 9 * 2**32
    for s in proof["result"]["selected"]:
        assert prev["pi"][s["id"]] == s["pi"]
    assert [x["sample_size"] for x in prev["strata"]] == [
        x["sample_size"] for x in proof["result"]["strata"]
    ]


def test_engine_never_imports_django() -> None:
    code = (
        "import sys, spotcheck.engine.verify, spotcheck.engine.estimate, spotcheck.engine.risk;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')];"
        "assert not bad, bad"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr


def test_names_the_stratum_field_that_differs(proof: dict[str, Any]) -> None:
    doc = copy.deepcopy(proof)
    doc["result"]["strata"][1]["start"] += 1
    problems, _ = verify_proof(doc)
    name = doc["result"]["strata"][1]["name"]
    assert problems == [
        f"MISMATCH [result.strata]: stratum {name}: start recomputed "
        f"{proof['result']['strata'][1]['start']}, proof says {doc['result']['strata'][1]['start']}"
    ]
