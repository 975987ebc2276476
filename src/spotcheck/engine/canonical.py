"""Canonical JSON: one byte string per value, so hashes of documents are reproducible anywhere.

Rules (also in docs/draw-protocol.md):
- UTF-8, no BOM, no whitespace outside strings; separators are ``,`` and ``:``.
- Object keys sorted by Unicode code point (all protocol keys are ASCII); duplicate keys
  are impossible because inputs are mappings.
- Strings: ``"`` and ``\\`` are escaped as ``\\"`` and ``\\\\``; U+0008, U+0009, U+000A, U+000C,
  U+000D as ``\\b \\t \\n \\f \\r``; other code points below U+0020 as ``\\u00xx`` (lowercase
  hex); everything else, including non-ASCII, is written raw in UTF-8.
- Numbers: integers only, in shortest decimal form (``-0`` never appears). Floats are
  rejected: fractions travel as decimal strings such as ``"0.05"``.
- ``true``, ``false``, ``null`` as usual.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .hashing import EngineError


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise EngineError(f"canonical JSON forbids floats (at {path}); use a decimal string")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EngineError(f"canonical JSON keys must be strings (at {path})")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, Sequence):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    raise EngineError(f"canonical JSON cannot encode {type(value).__name__} (at {path})")


def dumps(value: Any) -> str:
    _check(value, "$")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_bytes(value: Any) -> bytes:
    return dumps(value).encode("utf-8")


def loads(data: str | bytes) -> Any:
    """Parse JSON, refusing floats so a tampered document cannot smuggle one in."""

    def no_float(text: str) -> Any:
        raise EngineError(f"floats are not allowed in protocol documents: {text}")

    def no_constant(text: str) -> Any:
        raise EngineError(f"non-finite numbers are not allowed: {text}")

    return json.loads(data, parse_float=no_float, parse_constant=no_constant)
