"""Turning stored public payloads into what the portal's templates show.

Payloads are plain JSON written at draft time and possibly narrowed (Art. 17 withheld
fields), so every reader here tolerates missing or odd-typed keys instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from spotcheck.core.exclusions import exclusion_label
from spotcheck.core.recusals import recusal_label
from spotcheck.disclosure.models import PublicationKind

K = PublicationKind
DRAW_KINDS = (K.DRAW_COMMITMENT, K.DRAW_PROOF)

# One template per kind; the whitelist keeps a stored kind from naming an arbitrary template.
KIND_TEMPLATES = {kind: f"portal/kinds/{kind}.html" for kind in K.values}

# Payload keys as the public reads them, for the "not disclosed" notice of narrowed records.
FIELD_LABELS = {
    "target": _("检查对象信息"),
    "items": _("抽查事项及结果"),
    "facts": _("违法事实"),
    "amount": _("罚款金额"),
    "penalty_kind": _("处罚种类"),
    "decision_no": _("决定书文号"),
    "inspected_on": _("检查日期"),
    "notes": _("说明"),
    "sectors": _("行业抽查比例与频次"),
    "inspectors": _("执法检查人员"),
    "document": _("抽取文件"),
}


def withheld_labels(fields: list[str]) -> list[str]:
    return [str(FIELD_LABELS.get(f, f)) for f in fields]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class DrawSummary:
    """The parts of a commitment or proof a non-expert can read; the download has the rest."""

    is_proof: bool
    protocol: str = ""
    hash_name: str = ""
    committed_at: str = ""
    pool_count: Any = None
    pool_root: str = ""
    nonce_hash: str = ""
    randomness_kind: str = ""
    randomness_description: str = ""
    randomness: list[dict[str, Any]] = field(default_factory=list)
    seed: str = ""
    selected: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    recusals: list[dict[str, Any]] = field(default_factory=list)
    previous_digest: str = ""
    witnesses: list[str] = field(default_factory=list)
    entered_by: str = ""
    excluded: dict[str, Any] = field(default_factory=dict)


def draw_summary(kind: str, payload: dict[str, Any]) -> DrawSummary | None:
    document = as_dict(payload.get("document"))
    if not document:
        return None
    is_proof = kind == K.DRAW_PROOF
    commitment = as_dict(document.get("commitment")) if is_proof else document
    pool = as_dict(commitment.get("pool"))
    source = as_dict(commitment.get("randomness_source"))
    announced = [
        {"name": str(i.get("name", "")), "not_before": str(i.get("not_before", ""))}
        for i in as_list(source.get("items"))
        if isinstance(i, dict)
    ]
    revealed = {
        str(r.get("name", "")): r
        for r in as_list(document.get("randomness"))
        if isinstance(r, dict)
    }
    randomness = [
        {
            **a,
            "value": str(revealed.get(a["name"], {}).get("value", "")),
            "published_at": str(revealed.get(a["name"], {}).get("published_at", "")),
        }
        for a in announced
    ]
    result = as_dict(document.get("result"))
    ceremony = as_dict(document.get("ceremony"))
    previous = as_dict(commitment.get("previous"))
    return DrawSummary(
        previous_digest=str(previous.get("commitment_digest", "")),
        witnesses=[str(w) for w in as_list(ceremony.get("witnesses"))],
        entered_by=str(ceremony.get("entered_by", "")),
        excluded={exclusion_label(str(k)): v for k, v in as_dict(pool.get("excluded")).items()},
        is_proof=is_proof,
        protocol=str(document.get("protocol") or commitment.get("protocol") or ""),
        hash_name=str(commitment.get("hash", "")),
        committed_at=str(commitment.get("committed_at", "")),
        pool_count=pool.get("count"),
        pool_root=str(pool.get("root", "")),
        nonce_hash=str(commitment.get("nonce_hash", "")),
        randomness_kind=str(source.get("kind", "")),
        randomness_description=str(source.get("description", "")),
        randomness=randomness,
        seed=str(document.get("seed", "")) if is_proof else "",
        selected=[
            {**s, "percent": pi_percent(s.get("pi"))}
            for s in as_list(result.get("selected"))
            if isinstance(s, dict)
        ],
        teams=[t for t in as_list(document.get("teams")) if isinstance(t, dict)],
        recusals=[
            {**r, "reason_label": recusal_label(str(r.get("reason", "")))}
            for r in as_list(document.get("recusals"))
            if isinstance(r, dict)
        ],
    )


PI_SCALE = 2**32


def pi_percent(pi: Any) -> str:
    """The protocol's exact inclusion probability (an integer over 2^32) as a percentage a
    reader understands; the exact integer stays beside it."""
    if isinstance(pi, bool) or not isinstance(pi, int) or not 0 <= pi <= PI_SCALE:
        return ""
    percent = (Decimal(pi) * 100 / PI_SCALE).quantize(Decimal("0.0001"))
    return f"{percent.normalize():f}%"


def proof_filename(kind: str, payload: dict[str, Any], pk: int) -> str:
    draw_id = payload.get("draw_id")
    ident = draw_id if isinstance(draw_id, int) else pk
    suffix = "proof" if kind == K.DRAW_PROOF else "commitment"
    return f"draw-{ident}-{suffix}.json"
