"""Small builders shared by the engine tests (plain data, no Django).

The engine reads no clock: every date and time here is data it checks against the others.
"""

from __future__ import annotations

from typing import Any

from spotcheck.engine.proof import build_commitment, run_draw

NONCE = "5a" * 32
CONFLICT_KEY = "c4" * 32
COMMITTED_AT = "2026-11-26T09:00:00Z"  # fixed-date: engine data
DRAW_1_AT = "2026-11-27T13:15:00Z"  # fixed-date: engine data
DRAW_2_AT = "2026-11-28T13:15:00Z"  # fixed-date: engine data
PUBLISHED_1_AT = "2026-11-27T13:21:00Z"  # fixed-date: engine data
PUBLISHED_2_AT = "2026-11-28T13:21:00Z"  # fixed-date: engine data
SOURCE = {
    "kind": "lottery",
    "description": "中国福利彩票3D开奖号码",
    "items": [
        {"name": "福彩3D 2026320期", "not_before": DRAW_1_AT},
        {"name": "福彩3D 2026321期", "not_before": DRAW_2_AT},
    ],
}
RANDOMNESS = [
    {"name": "福彩3D 2026320期", "value": "7 3 1", "published_at": PUBLISHED_1_AT},
    {"name": "福彩3D 2026321期", "value": "0 9 4", "published_at": PUBLISHED_2_AT},
]
STRATA = ("再生资源回收", "拍卖", "单用途商业预付卡")


def credit_code(i: int) -> str:
    # Shape of a unified social credit code; the checksum does not matter to the engine.
    return f"91640106{i:09d}X"


def make_pool(n: int = 90, *, heavy: int = 2) -> list[dict[str, Any]]:
    pool = [
        {"id": credit_code(i), "stratum": STRATA[i % 3], "weight": 1000 + (i * 7919) % 4000}
        for i in range(n)
    ]
    for j in range(heavy):
        pool[j * 3]["weight"] = 10**6  # take-alls in the first stratum
    return pool


def make_inspectors(
    n: int = 12, departments: tuple[str, ...] = ("商务科", "市场科")
) -> list[dict[str, Any]]:
    return [
        {
            "cert_no": f"64010620{i:04d}",
            "department": departments[i % len(departments)],
            "status": "active",
            "valid_from": "2025-01-01",  # fixed-date: engine data
            "valid_to": "2028-12-31",  # fixed-date: engine data
        }
        for i in range(n)
    ]


def make_params(**team: Any) -> dict[str, Any]:
    t = {
        "size": 2,
        "departments": ["商务科", "市场科"],
        "window_start": "2026-12-01",  # fixed-date: engine data
        "window_end": "2026-12-15",  # fixed-date: engine data
        "max_assignments": None,
    }
    t.update(team)
    return {
        "sample": {"ratios": {s: "0.1" for s in STRATA}, "minimum": 1},
        "floor_weight": 100,
        "team": t,
    }


def make_proof(
    *,
    pool: list[dict[str, Any]] | None = None,
    inspectors: list[dict[str, Any]] | None = None,
    conflicts: list[dict[str, str]] | None = None,
    params: dict[str, Any] | None = None,
    nonce: str = NONCE,
    conflict_key: str = CONFLICT_KEY,
    randomness: list[dict[str, str]] | None = None,
    recusals: list[dict[str, str]] | None = None,
    hash_name: str = "sha256",
) -> dict[str, Any]:
    pool = make_pool() if pool is None else pool
    inspectors = make_inspectors() if inspectors is None else inspectors
    conflicts = conflicts or []
    commitment = build_commitment(
        draw_id="2026-0042",
        params=params or make_params(),
        pool=pool,
        inspectors=inspectors,
        conflicts=conflicts,
        nonce=nonce,
        conflict_key=conflict_key,
        randomness_source=SOURCE,
        committed_at=COMMITTED_AT,
        hash_name=hash_name,
        task={"name": "2026年第四季度商务领域双随机抽查"},
    )
    return run_draw(
        commitment=commitment,
        nonce=nonce,
        randomness=randomness or RANDOMNESS,
        pool=pool,
        inspectors=inspectors,
        conflicts=conflicts,
        conflict_key=conflict_key,
        recusals=recusals or [],
    )
