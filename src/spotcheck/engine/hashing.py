"""Hash primitives of the draw protocol: algorithm choice, length-prefixed fields, domain tags.

Every hash input in the protocol is a concatenation of *fields*; a field is its byte length as a
4-byte big-endian unsigned integer followed by the bytes. Length prefixes make the encoding
injective (no two different field lists give the same bytes), and the first field of every hash
is a domain tag so a value computed for one purpose can never be replayed as another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

PROTOCOL = "spotcheck-draw/2"
NONCE_BYTES = 32

TAG_SEED = b"spotcheck/v1/seed"
TAG_NONCE = b"spotcheck/v1/nonce"
TAG_COMMITMENT = b"spotcheck/v1/commitment"
TAG_TARGET_TICKET = b"spotcheck/v1/ticket/target"
TAG_INSPECTOR_TICKET = b"spotcheck/v1/ticket/inspector"
TAG_START = b"spotcheck/v1/start"
TAG_CONFLICT_SALT = b"spotcheck/v1/conflict-salt"

SUPPORTED = ("sha256", "sm3")
MAX_FIELD = 2**32 - 1


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class UnsupportedHashError(EngineError):
    """The requested hash algorithm is unknown or missing from the local OpenSSL."""


def field(data: bytes) -> bytes:
    """Encode one length-prefixed field."""
    if len(data) > MAX_FIELD:
        raise EngineError("field longer than 2^32-1 bytes")
    return len(data).to_bytes(4, "big") + data


def fields(*parts: bytes) -> bytes:
    return b"".join(field(p) for p in parts)


def hasher_factory(name: str) -> Callable[..., Any]:
    """Return a constructor ``f(data=b"")`` for the named algorithm, failing clearly if absent."""
    if name == "sha256":
        # The OpenSSL-backed constructor is noticeably faster than hashlib.new("sha256").
        return hashlib.sha256
    if name == "sm3":
        try:
            hashlib.new("sm3", b"")
        except ValueError as exc:
            raise UnsupportedHashError(
                "SM3 (GB/T 32905) is not available: this Python's OpenSSL "
                f"({_openssl_version()}) has no 'sm3' digest. Use hash 'sha256', or run on a "
                "Python linked against an OpenSSL built with SM3 (OpenSSL >= 1.1.1 without "
                "no-sm3)."
            ) from exc

        def sm3(data: bytes = b"") -> Any:
            return hashlib.new("sm3", data)

        return sm3
    raise UnsupportedHashError(
        f"unknown hash algorithm {name!r}; supported: {', '.join(SUPPORTED)}"
    )


def _openssl_version() -> str:
    import ssl

    return ssl.OPENSSL_VERSION


def digest(name: str, data: bytes) -> bytes:
    return bytes(hasher_factory(name)(data).digest())


def hash_fields(name: str, tag: bytes, *parts: bytes) -> bytes:
    """H(field(tag) || field(part_1) || ... ) - the shape of every protocol hash."""
    return digest(name, fields(tag, *parts))


def nonce_hash(name: str, nonce: bytes) -> bytes:
    return hash_fields(name, TAG_NONCE, nonce)


def parse_hex(value: str, what: str) -> bytes:
    if not isinstance(value, str) or value != value.lower():
        raise EngineError(f"{what} must be a lowercase hex string")
    try:
        return bytes.fromhex(value)
    except ValueError as exc:
        raise EngineError(f"{what} is not valid hex") from exc


def check_id(value: str, what: str = "id") -> bytes:
    """Canonical ids are non-empty UTF-8 strings without NUL or surrounding whitespace."""
    if not isinstance(value, str) or not value:
        raise EngineError(f"{what} must be a non-empty string")
    if "\x00" in value or value.strip() != value:
        raise EngineError(f"{what} {value!r} contains NUL or surrounding whitespace")
    return value.encode("utf-8")
