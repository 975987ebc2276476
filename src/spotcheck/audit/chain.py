"""Hashing rules for the audit chain, shared by writers and the verifier."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(obj: Any) -> bytes:
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def event_hash(
    *,
    algorithm: str,
    seq: int,
    at: str,
    actor_id: int | None,
    actor_label: str,
    event_type: str,
    object_type: str,
    object_id: str,
    summary: str,
    payload: Any,
    prev_hash: str,
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor": actor_label,
            "type": event_type,
            "object_type": object_type,
            "object_id": object_id,
            "summary": summary,
            "payload": payload,
            "prev": prev_hash,
        }
    )
    return hashlib.new(algorithm, body).hexdigest()
