"""The optional compiled accelerator, behind one switch.

``spotcheck.engine._accel`` (C, built from ``_accel.c`` when a compiler and the OpenSSL
headers are present; see docs/draw-protocol.md, "Implementation notes") computes the per-unit
hashes of tickets and of the pool's Merkle tree in C loops that release the GIL. It produces
exactly the bytes the pure-Python code produces - it is an implementation detail, not part of
the protocol - and every caller falls back to the Python code when it is missing, disabled, or
declines an input (it raises ``ValueError`` for inputs it does not handle).

Set ``SPOTCHECK_ENGINE_ACCEL=0`` to force the pure-Python path (read on every call, so tests
can switch it per call).
"""

from __future__ import annotations

import os
from types import ModuleType

API_VERSION = 2
"""The ``_accel`` interface this code expects (``ACCEL_API_VERSION`` in ``_accel.c``)."""

_MODULE: ModuleType | None = None
_TRIED = False


def _load() -> ModuleType | None:
    global _MODULE, _TRIED
    if not _TRIED:
        _TRIED = True
        try:
            from . import _accel
        except ImportError:
            _MODULE = None
        else:
            # A module built from another version of _accel.c (a stale in-place build) is
            # ignored rather than trusted; `pip install -e .` rebuilds it.
            _MODULE = _accel if getattr(_accel, "API_VERSION", None) == API_VERSION else None
    return _MODULE


def enabled() -> bool:
    return os.environ.get("SPOTCHECK_ENGINE_ACCEL", "1").strip() != "0"


def module() -> ModuleType | None:
    """The compiled module, or None when it is not built or is switched off."""
    return _load() if enabled() else None


def available() -> bool:
    """Whether the compiled module could be imported (regardless of the switch)."""
    return _load() is not None


def status() -> str:
    mod = _load()
    if mod is None:
        return "pure Python (compiled accelerator not built)"
    if not enabled():
        return "pure Python (accelerator disabled by SPOTCHECK_ENGINE_ACCEL=0)"
    return f"compiled accelerator ({mod.OPENSSL_VERSION})"
