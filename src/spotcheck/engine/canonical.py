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
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
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
    if type(value) is list and all(type(item) is str for item in value):
        return  # the common leaf: a list of hex digests or names (audit paths, teams)
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


DECIMAL_RE = re.compile(r"0|1|0\.[0-9]*[1-9]")
"""Canonical decimal in [0, 1]: ``0``, ``1`` or ``0.`` and digits without a trailing zero."""
TIMESTAMP_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
REASON_CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""Grammar of a pool line's ``excluded`` value (the registry is in docs/draw-protocol.md)."""


def canonical_decimal(value: Decimal | str | int) -> str:
    """The canonical string of a ratio in [0, 1]: ``"0"``, ``"1"`` or ``"0.05"``-style.

    Accepts a Decimal, an int (0 or 1) or a decimal string in any plain notation (``"0.050"``,
    ``".05"``, ``"5E-2"``); refuses floats, fractions such as ``"1/5"``, non-finite values and
    anything outside [0, 1].
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise EngineError(f"a ratio must be a Decimal, int or decimal string, not {value!r}")
    try:
        d = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise EngineError(f"{value!r} is not a decimal number") from exc
    if not d.is_finite() or not 0 <= d <= 1:
        raise EngineError(f"ratio {value!r} is outside [0, 1]")
    if d == 0:
        return "0"
    if d == 1:
        return "1"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0")
    if text.startswith("."):
        text = "0" + text
    if not DECIMAL_RE.fullmatch(text):
        raise EngineError(f"internal error: {value!r} normalised to {text!r}")
    return text
