"""Payload readers of the portal tolerate narrowed or odd payloads and explain numbers."""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck.portal.presenters import draw_summary, pi_percent, proof_filename, withheld_labels


@pytest.mark.parametrize(
    ("pi", "shown"),
    [(1610612736, "37.5%"), (2**32, "100%"), (0, "0%"), (1, "0%"), (2**31 + 2**20, "50.0244%")],
)
def test_inclusion_probability_as_percent(pi: int, shown: str) -> None:
    assert pi_percent(pi) == shown


@pytest.mark.parametrize("junk", [None, "0.5", 1.5, True, -1, 2**32 + 1])
def test_junk_probability_shows_nothing(junk: Any) -> None:
    assert pi_percent(junk) == ""


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"document": None},
        {"document": []},
        {"document": {"commitment": "x", "result": [], "teams": {}, "randomness": 3}},
        {"document": {"pool": 1, "randomness_source": {"items": [1, {"name": "a"}]}}},
    ],
)
def test_draw_summary_survives_odd_payloads(payload: dict[str, Any]) -> None:
    for kind in ("draw_proof", "draw_commitment"):
        summary = draw_summary(kind, payload)
        assert summary is None or summary.selected == []


def test_draw_summary_pairs_announced_and_revealed_randomness() -> None:
    document = {
        "commitment": {"randomness_source": {"items": [{"name": "A", "not_before": "t0"}]}},
        "randomness": [{"name": "A", "value": "42", "published_at": "t1"}],
        "result": {"selected": [{"id": "X", "stratum": "*", "pi": 2**32}]},
    }
    summary = draw_summary("draw_proof", {"document": document})
    assert summary is not None and summary.is_proof
    assert summary.randomness == [
        {"name": "A", "not_before": "t0", "value": "42", "published_at": "t1"}
    ]
    assert summary.selected[0]["percent"] == "100%"


def test_labels_and_filenames() -> None:
    assert withheld_labels(["target", "mystery"]) == ["检查对象信息", "mystery"]
    assert proof_filename("draw_proof", {"draw_id": 7}, 99) == "draw-7-proof.json"
    assert proof_filename("draw_commitment", {"draw_id": "7"}, 99) == "draw-99-commitment.json"
