"""Strict, self-contained verifier of spotcheck draw proofs (protocol ``spotcheck-draw/2``).

    python verify.py proof.json [--commitment commitment.json] [--expect-digest HEX]
                                [--lang zh|en]
    python -m spotcheck.engine.verify proof.json          (same thing, inside the project)

The report is in Chinese with ``--lang zh`` and in English with ``--lang en``; by default it
is Chinese when the first set of LANGUAGE, LC_ALL, LC_MESSAGES, LANG starts with ``zh``. Check
ids (``[conflicts.path]``) are the same ASCII ids in both languages.

This one file needs nothing but the Python 3.11+ standard library: it re-implements every
rule of docs/draw-protocol.md it checks (canonical JSON, length-prefixed fields, RFC 6962
Merkle roots, exact-integer inclusion probabilities, tickets, systematic selection, teams,
recusals, the commitment chain) and carries a pure-Python SM3 for Pythons whose OpenSSL has
none. When numpy and ``spotcheck.engine`` happen to be importable it lets the engine do the
per-unit work (pool root, probabilities, selection) faster; the verdict is the same either way
(``SPOTCHECK_VERIFY_PURE=1`` forces the pure path).

Exit status: 0 the proof checks out; 1 the document is well-formed but something recomputed,
a time order, the draw history or an expected digest differs (``MISMATCH [check]`` lines);
2 it is not a valid proof at all (``INVALID [check]`` lines: unreadable, not JSON, duplicate
keys, floats, wrong keys, grammar, order, unsupported protocol). The check ids are listed in
docs/draw-protocol.md, section 13. This file deliberately exceeds the project's usual module
size: it is published as one downloadable file.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import operator
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from json.encoder import encode_basestring
from typing import Any

PROTOCOL = "spotcheck-draw/2"
M = 2**32
MAX_WEIGHT = 2**40
MAX_SAMPLE = 2**24
MAX_STRATUM_WEIGHT = 2**53
EXIT_OK, EXIT_MISMATCH, EXIT_INVALID = 0, 1, 2
MAX_PER_CHECK = 10

TAG_COMMITMENT = b"spotcheck/v1/commitment"
TAG_NONCE = b"spotcheck/v1/nonce"
TAG_SEED = b"spotcheck/v1/seed"
TAG_START = b"spotcheck/v1/start"
TAG_TARGET = b"spotcheck/v1/ticket/target"
TAG_INSPECTOR = b"spotcheck/v1/ticket/inspector"

DECIMAL_RE = re.compile(r"0|1|0\.[0-9]*[1-9]")
TIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))"
)
DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
REASON_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
HEX64_RE = re.compile(r"[0-9a-f]{64}")

PROOF_KEYS = frozenset(
    [
        "protocol",
        "commitment",
        "commitment_digest",
        "nonce",
        "randomness",
        "ceremony",
        "history",
        "seed",
        "pool",
        "inspectors",
        "conflicts",
        "result",
        "teams",
        "recusals",
    ]
)
COMMITMENT_KEYS = frozenset(
    [
        "protocol",
        "draw_id",
        "task",
        "hash",
        "previous",
        "params",
        "strata",
        "pool",
        "inspectors",
        "conflicts",
        "nonce_hash",
        "randomness_source",
        "committed_at",
        "code_version",
    ]
)
PARAM_KEYS = frozenset({"sample", "floor_weight", "risk_model_version", "team"})
TEAM_KEYS = frozenset({"size", "departments", "window_start", "window_end", "max_assignments"})
POOL_KEYS = (
    frozenset({"id", "stratum", "weight"}),
    frozenset({"id", "stratum", "weight", "excluded"}),
)
INSPECTOR_KEYS = frozenset({"cert_no", "department", "status", "valid_from", "valid_to"})
HISTORY_KEYS = frozenset(
    ["draw_id", "commitment", "commitment_digest", "state", "aborted_at", "abort_reason", "nonce"]
)
STRATUM_KEYS = frozenset({"name", "population", "sample_size", "take_all", "start"})
RECUSAL_KEYS = frozenset({"inspector", "target", "reason", "replacement"})
CONFLICT_KEYS = frozenset({"target", "index", "inspectors", "salt", "path"})
SALT_RE = re.compile(r"[0-9a-f]{32}")

# ----------------------------------------------------------------------------------------
# SM3 (GB/T 32905-2016), used when hashlib has none.


def _rol(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


_SM3_IV = (
    0x7380166F,
    0x4914B2B9,
    0x172442D7,
    0xDA8A0600,
    0xA96F30BC,
    0x163138AA,
    0xE38DEE4D,
    0xB0FB0E4E,
)
_SM3_T = [_rol(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64)]


def sm3(data: bytes) -> bytes:
    """The SM3 digest of ``data`` in pure Python."""
    msg = data + b"\x80" + b"\x00" * ((55 - len(data)) % 64) + (8 * len(data)).to_bytes(8, "big")
    v = list(_SM3_IV)
    for off in range(0, len(msg), 64):
        w = [int.from_bytes(msg[off + 4 * i : off + 4 * i + 4], "big") for i in range(16)]
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rol(w[j - 3], 15)
            w.append(x ^ _rol(x, 15) ^ _rol(x, 23) ^ _rol(w[j - 13], 7) ^ w[j - 6])
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            a12 = _rol(a, 12)
            ss1 = _rol((a12 + e + _SM3_T[j]) & 0xFFFFFFFF, 7)
            ss2 = ss1 ^ a12
            if j < 16:
                ff, gg = a ^ b ^ c, e ^ f ^ g
            else:
                ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & 0xFFFFFFFF
            tt2 = (gg + h + ss1 + w[j]) & 0xFFFFFFFF
            d, c, b, a = c, _rol(b, 9), a, tt1
            h, g, f, e = g, _rol(f, 19), e, tt2 ^ _rol(tt2, 9) ^ _rol(tt2, 17)
        v = [x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True)]
    return b"".join(x.to_bytes(4, "big") for x in v)


Hash = Callable[[bytes], bytes]


def hash_function(name: str) -> Hash:
    if name == "sha256":
        return lambda d: hashlib.sha256(d).digest()
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return sm3
    if os.environ.get("SPOTCHECK_VERIFY_PURE_SM3") == "1":
        return sm3
    return lambda d: hashlib.new("sm3", d).digest()


def F(*parts: bytes) -> bytes:
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


def canon(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def pool_line_bytes(line: Mapping[str, Any]) -> bytes:
    """Canonical JSON of a validated pool line (same bytes as ``canon``, faster)."""
    head = f'{{"excluded":{encode_basestring(line["excluded"])},' if "excluded" in line else "{"
    return (
        f'{head}"id":{encode_basestring(line["id"])},"stratum":'
        f'{encode_basestring(line["stratum"])},"weight":{line["weight"]}}}'
    ).encode()


def merkle_root(h: Hash, leaves: Iterable[bytes]) -> bytes:
    """RFC 6962 Merkle Tree Hash: pair level by level, carrying an odd last node up."""
    level = [h(b"\x00" + leaf) for leaf in leaves]
    if not level:
        return h(b"")
    while len(level) > 1:
        nxt = [h(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def verify_inclusion(
    h: Hash, leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: is ``leaf`` the entry ``index`` of the tree of ``size``
    leaves with ``root``, given the inclusion proof ``path`` (leaf level first)?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = h(b"\x00" + leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = h(b"\x01" + p + r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = h(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def conflict_leaf(entry: Mapping[str, Any]) -> bytes:
    """Canonical bytes of a conflict leaf (§4.3) from a proof's ``conflicts`` entry."""
    return canon(
        {"inspectors": entry["inspectors"], "salt": entry["salt"], "target": entry["target"]}
    )


def commitment_digest(h: Hash, commitment: Any) -> bytes:
    return h(F(TAG_COMMITMENT, canon(commitment)))


def u8(s: str) -> bytes:
    return s.encode("utf-8")


# ----------------------------------------------------------------------------------------
# Strict JSON reading.


class DocumentError(Exception):
    def __init__(self, check: str, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.check = check
        self.zh = zh or message

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise DocumentError(
            "json.duplicate-key",
            f"key {dup!r} appears twice in one object",
            f"键 {dup!r} 在同一对象中出现两次",
        )
    return d


def _no_float(text: str) -> Any:
    raise DocumentError(
        "json.float",
        f"number {text} is not an integer (floats are not allowed)",
        f"数值 {text} 不是整数（不允许浮点数）",
    )


GZIP_MAGIC = b"\x1f\x8b"
MAX_INFLATED = 8 << 30
"""A proof of 10^7 lines is ~0.9 GB; refusing more keeps a gzip bomb from filling memory."""


def gunzip_if_compressed(data: bytes) -> bytes:
    """The file as given, or inflated when it is gzip (RFC 1952), as the portal serves it."""
    if not data.startswith(GZIP_MAGIC):
        return data
    out = bytearray()
    rest = data
    try:
        # A file may hold several gzip members back to back (RFC 1952 §2.2); all are read.
        while rest:
            inflater = zlib.decompressobj(wbits=31)
            pending = rest
            while not inflater.eof:
                piece = inflater.decompress(pending, 1 << 24)
                out += piece
                if len(out) > MAX_INFLATED:
                    raise DocumentError(
                        "read",
                        "the gzip file inflates to more than 8 GiB",
                        "gzip 文件解压后超过 8 GiB",
                    )
                pending = inflater.unconsumed_tail
                if not piece and not pending:
                    raise zlib.error("the file is truncated")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise DocumentError(
            "read", f"not a valid gzip file ({exc})", f"不是有效的 gzip 文件（{exc}）"
        ) from exc
    return bytes(out)


def load_strict(data: bytes) -> Any:
    """Parse a protocol document: UTF-8 JSON, no duplicate keys, no floats, NaN or Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError("json", f"not UTF-8: {exc}", f"不是 UTF-8 编码：{exc}") from exc
    try:
        return json.loads(
            text, object_pairs_hook=_pairs, parse_float=_no_float, parse_constant=_no_float
        )
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, DocumentError):
            raise
        raise DocumentError("json", f"not JSON: {exc}", f"不是 JSON：{exc}") from exc


# ----------------------------------------------------------------------------------------
# Report.


LANGS = ("en", "zh")


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` when the first set of LANGUAGE, LC_ALL, LC_MESSAGES, LANG starts with ``zh``."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@dataclass(frozen=True)
class Problem:
    check: str
    message: str
    fatal: bool
    """True: the document is not a valid proof (exit 2); False: something differs (exit 1)."""
    lang: str = "en"

    def __str__(self) -> str:
        if self.lang == "zh":
            return f"{'无效' if self.fatal else '不符'} [{self.check}]：{self.message}"
        return f"{'INVALID' if self.fatal else 'MISMATCH'} [{self.check}]: {self.message}"


@dataclass
class Report:
    exit_code: int
    problems: list[Problem]
    summary: str
    history_lines: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class _Problems:
    def __init__(self, lang: str = "en") -> None:
        self.items: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.lang = lang

    def t(self, en: str, zh: str) -> str:
        return zh if self.lang == "zh" else en

    def add(self, check: str, message: str, fatal: bool, zh: str | None = None) -> None:
        n = self.counts[check] = self.counts.get(check, 0) + 1
        if n <= MAX_PER_CHECK:
            text = zh if zh is not None and self.lang == "zh" else message
            self.items.append(Problem(check, text, fatal, self.lang))

    def bad(self, check: str, message: str, zh: str | None = None) -> None:
        self.add(check, message, True, zh)

    def differs(self, check: str, message: str, zh: str | None = None) -> None:
        self.add(check, message, False, zh)

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.items)

    def finish(self) -> list[Problem]:
        out = list(self.items)
        for check, n in self.counts.items():
            if n > MAX_PER_CHECK:
                fatal = next(p.fatal for p in self.items if p.check == check)
                more = self.t(f"... and {n - MAX_PER_CHECK} more", f"……另有 {n - MAX_PER_CHECK} 处")
                out.append(Problem(check, more, fatal, self.lang))
        return out


# ----------------------------------------------------------------------------------------
# Grammar and shape (everything that makes exit status 2).


def is_id(v: Any) -> bool:
    return isinstance(v, str) and v != "" and "\x00" not in v and v.strip() == v


_POOL_K3 = frozenset({"id", "stratum", "weight"})
_POOL_K4 = frozenset({"id", "stratum", "weight", "excluded"})


def _stratum_sums(
    strata: list[str], weights: list[int], floor: int, names: Iterable[str]
) -> dict[str, int]:
    """sum(max(weight, floor)) per stratum, exact integers."""
    totals = dict.fromkeys(names, 0)
    if len(totals) <= 16 and (not weights or min(weights) >= floor):
        # One C-level pass per stratum beats a Python loop over the lines while strata are few.
        for s in totals:
            # (no weight is below the floor, so max(weight, floor) is the weight itself)
            totals[s] = sum(itertools.compress(weights, map(s.__eq__, strata)))
        return totals
    for s, w in zip(strata, weights, strict=True):
        totals[s] += max(w, floor)
    return totals


def _pool_lines_clean(lines: list[Any]) -> bool:
    """True only when every pool check of ``Shape.pool`` would pass, decided with C-level
    passes over the whole list (map, set, min/max) instead of Python code per line. Any doubt
    returns False, and the line-by-line checks then run and word each problem; they decide
    every verdict."""
    if not lines:
        return True
    try:
        if set(map(type, lines)) != {dict}:
            return False
        sizes = set(map(len, lines))
        if not sizes <= {3, 4}:
            return False
        # With every line of 3 or 4 keys, three present keys make a 3-key line exactly
        # {id, stratum, weight}; a 4-key line must also hold "excluded".
        ids = list(map(operator.itemgetter("id"), lines))
        strata = list(map(operator.itemgetter("stratum"), lines))
        weights = list(map(operator.itemgetter("weight"), lines))
        if 4 in sizes:
            four = [line for line in lines if len(line) == 4]
            reasons = list(map(operator.itemgetter("excluded"), four))
            if set(map(type, reasons)) != {str} or not all(map(REASON_RE.fullmatch, reasons)):
                return False
        if set(map(type, ids)) != {str} or set(map(type, weights)) != {int}:
            return False
        if not min(weights) >= 1 or not max(weights) <= MAX_WEIGHT:
            return False
        if not all(map(is_id, set(strata))):
            return False
        # is_id for every id: non-empty (itemgetter raises on ""), no NUL, no edge whitespace
        # (str.strip removes exactly the characters str.isspace accepts).
        if "\x00" in "".join(ids):
            return False
        ends = "".join(map(operator.itemgetter(0), ids)) + "".join(
            map(operator.itemgetter(-1), ids)
        )
        if any(map(str.isspace, ends)):
            return False
        keys = list(map(str.encode, ids))
        return all(map(operator.lt, keys, itertools.islice(keys, 1, None)))
    except (KeyError, IndexError, UnicodeError, TypeError):
        return False


def is_int(v: Any, low: int, high: int | None = None) -> bool:
    return type(v) is int and v >= low and (high is None or v <= high)


def parse_instant(v: Any) -> Fraction | None:
    """Seconds since 0001-01-01 UTC as an exact fraction, or None if not a protocol timestamp."""
    m = TIME_RE.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone, sign, oh, om = m.groups()
    try:
        day = date(int(y), int(mo), int(d)).toordinal()
    except ValueError:
        return None
    if int(hh) > 23 or int(mi) > 59 or int(ss) > 59:
        return None
    offset = 0
    if zone != "Z":
        if int(oh) > 23 or int(om) > 59:
            return None
        offset = (1 if sign == "+" else -1) * (int(oh) * 3600 + int(om) * 60)
    seconds = day * 86400 + int(hh) * 3600 + int(mi) * 60 + int(ss) - offset
    return Fraction(seconds) + (Fraction(int(frac), 10 ** len(frac)) if frac else 0)


def is_date(v: Any) -> bool:
    m = DATE_RE.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return False
    try:
        date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _free_json(v: Any, path: str, out: _Problems) -> None:
    """``task`` is free-form: any JSON without floats."""
    if isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                out.bad(
                    "schema",
                    f"{path}: object keys must be strings",
                    f"{path}：对象的键必须是字符串",
                )
            _free_json(x, f"{path}.{k}", out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _free_json(x, f"{path}[{i}]", out)
    elif not (v is None or isinstance(v, bool | str) or type(v) is int):
        out.bad(
            "json.float",
            f"{path}: {type(v).__name__} value {v!r} (only integers allowed)",
            f"{path}：{type(v).__name__} 类型的值 {v!r}（只允许整数）",
        )


class Shape:
    """Checks the grammar of a proof; every violation is a fatal (exit 2) problem."""

    def __init__(self, out: _Problems) -> None:
        self.out = out

    def keys(
        self, obj: Any, allowed: Iterable[frozenset[str]] | frozenset[str], check: str, where: str
    ) -> bool:
        options = [allowed] if isinstance(allowed, frozenset) else list(allowed)
        if not isinstance(obj, dict):
            self.out.bad(check, f"{where} must be an object", f"{where} 必须是对象")
            return False
        if frozenset(obj) not in options:
            want = " or ".join(str(sorted(o)) for o in options)
            self.out.bad(
                check,
                f"{where} has keys {sorted(obj)}; expected {want}",
                f"{where} 的键为 {sorted(obj)}；应为 {want}",
            )
            return False
        return True

    def hex64(self, v: Any, where: str, check: str = "hex") -> bool:
        if isinstance(v, str) and HEX64_RE.fullmatch(v):
            return True
        if isinstance(v, str) and HEX64_RE.fullmatch(v.lower()):
            self.out.bad(
                "hex", f"{where} must be lowercase hex: {v!r}", f"{where} 必须是小写十六进制：{v!r}"
            )
        else:
            self.out.bad(
                check,
                f"{where} must be 64 lowercase hex digits, got {v!r}",
                f"{where} 必须是 64 位小写十六进制数字，实际为 {v!r}",
            )
        return False

    def time(self, v: Any, where: str) -> bool:
        if parse_instant(v) is None:
            self.out.bad(
                "timestamp",
                f"{where} {v!r} is not YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM)",
                f"{where} {v!r} 不符合 YYYY-MM-DDTHH:MM:SS[.f](Z|+HH:MM) 格式",
            )
            return False
        return True

    def ident(self, v: Any, where: str, check: str) -> bool:
        if not is_id(v):
            self.out.bad(
                check,
                f"{where} {v!r} is not an id (non-empty, no NUL, no edge spaces)",
                f"{where} {v!r} 不是合法标识（须非空、不含 NUL、首尾无空白）",
            )
            return False
        return True

    def list_of(self, v: Any, where: str, check: str) -> list[Any]:
        if not isinstance(v, list):
            self.out.bad(check, f"{where} must be a list", f"{where} 必须是列表")
            return []
        return v

    # -- commitment ----------------------------------------------------------------------

    def commitment(self, c: Any, where: str) -> bool:
        before = len(self.out.items)
        if not self.keys(c, COMMITMENT_KEYS, "commitment.keys", where):
            return False
        if c["protocol"] != PROTOCOL:
            self.out.bad(
                "protocol",
                f"{where}.protocol is {c['protocol']!r}; this verifier checks {PROTOCOL}",
                f"{where}.protocol 为 {c['protocol']!r}；本验证程序只验证 {PROTOCOL}",
            )
            return False
        if c["hash"] not in ("sha256", "sm3"):
            self.out.bad(
                "hash",
                f"{where}.hash {c['hash']!r} is not sha256 or sm3",
                f"{where}.hash {c['hash']!r} 不是 sha256 或 sm3",
            )
        if not isinstance(c["draw_id"], str) or not c["draw_id"]:
            self.out.bad(
                "schema",
                f"{where}.draw_id must be a non-empty string",
                f"{where}.draw_id 必须是非空字符串",
            )
        if not isinstance(c["code_version"], str):
            self.out.bad(
                "schema",
                f"{where}.code_version must be a string",
                f"{where}.code_version 必须是字符串",
            )
        if not isinstance(c["task"], dict):
            self.out.bad("schema", f"{where}.task must be an object", f"{where}.task 必须是对象")
        _free_json(c["task"], f"{where}.task", self.out)
        prev = c["previous"]
        if prev is not None and self.keys(
            prev, frozenset({"draw_id", "commitment_digest"}), "previous.keys", f"{where}.previous"
        ):
            if not isinstance(prev["draw_id"], str) or not prev["draw_id"]:
                self.out.bad(
                    "schema",
                    f"{where}.previous.draw_id must be a non-empty string",
                    f"{where}.previous.draw_id 必须是非空字符串",
                )
            self.hex64(prev["commitment_digest"], f"{where}.previous.commitment_digest")
        self.params(c["params"], f"{where}.params")
        strata = c["strata"]
        if not isinstance(strata, dict):
            self.out.bad(
                "schema", f"{where}.strata must be an object", f"{where}.strata 必须是对象"
            )
        else:
            for name, s in strata.items():
                self.ident(name, f"{where}.strata key", "schema")
                if self.keys(
                    s,
                    frozenset({"population", "sample_size"}),
                    "schema",
                    f"{where}.strata[{name!r}]",
                ) and not (is_int(s["population"], 0) and is_int(s["sample_size"], 0)):
                    self.out.bad(
                        "schema",
                        f"{where}.strata[{name!r}] needs integers >= 0",
                        f"{where}.strata[{name!r}] 的取值必须是不小于 0 的整数",
                    )
        pool_keys = frozenset({"count", "root", "excluded"})
        if self.keys(c["pool"], pool_keys, "commitment.keys", f"{where}.pool"):
            self._table(c["pool"], f"{where}.pool")
            ex = c["pool"]["excluded"]
            if not isinstance(ex, dict) or not all(
                isinstance(k, str) and REASON_RE.fullmatch(k) and is_int(n, 1)
                for k, n in ex.items()
            ):
                self.out.bad(
                    "pool.excluded",
                    f"{where}.pool.excluded must map reason codes to counts >= 1",
                    f"{where}.pool.excluded 必须把原因代码映射到不小于 1 的数量",
                )
        for key in ("inspectors", "conflicts"):
            if self.keys(c[key], frozenset({"count", "root"}), "commitment.keys", f"{where}.{key}"):
                self._table(c[key], f"{where}.{key}")
        nonce_hash = c["nonce_hash"]
        self.hex64(nonce_hash, f"{where}.nonce_hash")
        committed = self.time(c["committed_at"], f"{where}.committed_at")
        self.source(c["randomness_source"], f"{where}.randomness_source", committed)
        return len(self.out.items) == before

    def _table(self, t: dict[str, Any], where: str) -> None:
        if not is_int(t["count"], 0):
            self.out.bad(
                "schema",
                f"{where}.count must be an integer >= 0",
                f"{where}.count 必须是不小于 0 的整数",
            )
        self.hex64(t["root"], f"{where}.root")

    def params(self, p: Any, where: str) -> None:
        if not self.keys(p, PARAM_KEYS, "params.keys", where):
            return
        if not is_int(p["floor_weight"], 1, MAX_WEIGHT):
            self.out.bad(
                "params.keys",
                f"{where}.floor_weight must be an integer in [1, 2^40]",
                f"{where}.floor_weight 必须是 [1, 2^40] 范围内的整数",
            )
        if not is_int(p["risk_model_version"], 0):
            self.out.bad(
                "params.keys",
                f"{where}.risk_model_version must be an integer >= 0",
                f"{where}.risk_model_version 必须是不小于 0 的整数",
            )
        sample = p["sample"]
        ok = self.keys(
            sample,
            (frozenset({"ratios", "minimum"}), frozenset({"sizes"})),
            "params.sample",
            f"{where}.sample",
        )
        if ok and "ratios" in sample:
            if not is_int(sample["minimum"], 0):
                self.out.bad(
                    "params.sample",
                    f"{where}.sample.minimum must be an integer >= 0",
                    f"{where}.sample.minimum 必须是不小于 0 的整数",
                )
            if not isinstance(sample["ratios"], dict):
                self.out.bad(
                    "params.sample",
                    f"{where}.sample.ratios must be an object",
                    f"{where}.sample.ratios 必须是对象",
                )
            else:
                for name, r in sample["ratios"].items():
                    if not (isinstance(r, str) and DECIMAL_RE.fullmatch(r)):
                        self.out.bad(
                            "params.ratio",
                            f"ratio of {name!r} is {r!r}; canonical decimals are 0, 1 or 0.<digits> without a trailing 0",
                            f"分层 {name!r} 的比例为 {r!r}；规范小数只能是 0、1 或 0.<数字>（末位不为 0）",
                        )
        elif ok and (
            not isinstance(sample["sizes"], dict)
            or not all(is_int(n, 0) for n in sample["sizes"].values())
        ):
            self.out.bad(
                "params.sample",
                f"{where}.sample.sizes must map strata to integers >= 0",
                f"{where}.sample.sizes 必须把分层映射到不小于 0 的整数",
            )
        team = p["team"]
        if team is None or not self.keys(team, TEAM_KEYS, "params.team", f"{where}.team"):
            return
        depts = team["departments"]
        if not is_int(team["size"], 2):
            self.out.bad(
                "params.team",
                f"{where}.team.size must be an integer >= 2",
                f"{where}.team.size 必须是不小于 2 的整数",
            )
        elif not (
            isinstance(depts, list)
            and all(isinstance(d, str) and d for d in depts)
            and len(set(depts)) == len(depts)
            and len(depts) <= team["size"]
        ):
            self.out.bad(
                "params.team",
                f"{where}.team.departments must be distinct non-empty strings, at most size",
                f"{where}.team.departments 必须是互不相同的非空字符串，且不多于 size 个",
            )
        if not (is_date(team["window_start"]) and is_date(team["window_end"])):
            self.out.bad(
                "date",
                f"{where}.team window must be YYYY-MM-DD dates",
                f"{where}.team 的检查期间必须是 YYYY-MM-DD 日期",
            )
        elif team["window_start"] > team["window_end"]:
            self.out.bad(
                "params.team",
                f"{where}.team.window_start is after window_end",
                f"{where}.team.window_start 晚于 window_end",
            )
        if team["max_assignments"] is not None and not is_int(team["max_assignments"], 1):
            self.out.bad(
                "params.team",
                f"{where}.team.max_assignments must be null or an integer >= 1",
                f"{where}.team.max_assignments 必须是 null 或不小于 1 的整数",
            )

    def source(self, s: Any, where: str, committed_ok: bool) -> None:
        if not self.keys(s, frozenset({"kind", "description", "items"}), "randomness.keys", where):
            return
        if s["kind"] not in ("beacon", "lottery", "witnesses"):
            self.out.bad(
                "randomness.keys",
                f"{where}.kind {s['kind']!r} is not beacon, lottery or witnesses",
                f"{where}.kind {s['kind']!r} 不是 beacon、lottery 或 witnesses",
            )
        if not isinstance(s["description"], str):
            self.out.bad(
                "randomness.keys",
                f"{where}.description must be a string",
                f"{where}.description 必须是字符串",
            )
        items = self.list_of(s["items"], f"{where}.items", "randomness.items")
        if isinstance(s["items"], list) and not items:
            self.out.bad(
                "randomness.items",
                f"{where}.items is empty: at least one public value is needed",
                f"{where}.items 为空：至少需要一个公开随机数",
            )
        names = []
        for i, item in enumerate(items):
            if not self.keys(
                item,
                (frozenset({"name"}), frozenset({"name", "not_before"})),
                "randomness.keys",
                f"{where}.items[{i}]",
            ):
                continue
            if not isinstance(item["name"], str) or not item["name"]:
                self.out.bad(
                    "randomness.names",
                    f"{where}.items[{i}].name must be a non-empty string",
                    f"{where}.items[{i}].name 必须是非空字符串",
                )
            elif item["name"] in names:
                self.out.bad(
                    "randomness.names",
                    f"{where}.items[{i}].name {item['name']!r} is used twice",
                    f"{where}.items[{i}].name {item['name']!r} 重复使用",
                )
            names.append(item["name"])
            if "not_before" in item:
                self.time(item["not_before"], f"{where}.items[{i}].not_before")

    # -- proof ---------------------------------------------------------------------------

    def proof(self, doc: Any) -> bool:
        if not isinstance(doc, dict):
            self.out.bad("json", "the document is not a JSON object", "文件内容不是 JSON 对象")
            return False
        if "protocol" in doc and doc["protocol"] != PROTOCOL:
            self.out.bad(
                "protocol",
                f"protocol is {doc['protocol']!r}; this verifier checks {PROTOCOL}",
                f"协议为 {doc['protocol']!r}；本验证程序只验证 {PROTOCOL}",
            )
            return False
        if not self.keys(doc, PROOF_KEYS, "proof.keys", self.out.t("the proof", "证明")):
            return False
        if not self.commitment(doc["commitment"], "commitment"):
            return False
        self.hex64(doc["commitment_digest"], "commitment_digest")
        self.hex64(doc["seed"], "seed")
        nonce = doc["nonce"]
        if isinstance(nonce, str) and re.fullmatch(r"(?:[0-9a-f]{2})*", nonce) and len(nonce) != 64:
            self.out.bad(
                "nonce.length",
                f"nonce is {len(nonce) // 2} bytes; the protocol requires 32",
                f"nonce 为 {len(nonce) // 2} 字节；协议要求 32 字节",
            )
        else:
            self.hex64(nonce, "nonce")
        for i, r in enumerate(self.list_of(doc["randomness"], "randomness", "randomness.keys")):
            if self.keys(
                r,
                frozenset({"name", "value", "published_at"}),
                "randomness.keys",
                f"randomness[{i}]",
            ):
                if (
                    not isinstance(r["name"], str)
                    or not isinstance(r["value"], str)
                    or not r["value"]
                ):
                    self.out.bad(
                        "randomness.keys",
                        f"randomness[{i}] needs a string name and a non-empty string value",
                        f"randomness[{i}] 须有字符串 name 和非空字符串 value",
                    )
                self.time(r["published_at"], f"randomness[{i}].published_at")
        self.ceremony(doc["ceremony"])
        self.pool(doc["pool"])
        self.inspectors(doc["inspectors"])
        self.conflicts(doc["conflicts"])
        self.result(doc["result"])
        self.teams(doc)
        for i, h in enumerate(self.list_of(doc["history"], "history", "history.keys")):
            if self.keys(h, HISTORY_KEYS, "history.keys", f"history[{i}]"):
                self.commitment(h["commitment"], f"history[{i}].commitment")
                if h["state"] != "aborted":
                    self.out.bad(
                        "history.keys",
                        f"history[{i}].state is {h['state']!r}; earlier draws are 'aborted'",
                        f"history[{i}].state 为 {h['state']!r}；此前的抽取应为 'aborted'",
                    )
                if not isinstance(h["draw_id"], str) or not isinstance(h["abort_reason"], str):
                    self.out.bad(
                        "history.keys",
                        f"history[{i}]: draw_id and abort_reason must be strings",
                        f"history[{i}]：draw_id 和 abort_reason 必须是字符串",
                    )
                self.hex64(h["commitment_digest"], f"history[{i}].commitment_digest")
                self.time(h["aborted_at"], f"history[{i}].aborted_at")
                if h["nonce"] is not None:
                    self.hex64(h["nonce"], f"history[{i}].nonce", "nonce.length")
        return not self.out.fatal

    def ceremony(self, c: Any) -> None:
        if not self.keys(c, frozenset({"entered_by", "witnesses"}), "ceremony", "ceremony"):
            return
        if not isinstance(c["entered_by"], str) or not c["entered_by"].strip():
            self.out.bad(
                "ceremony",
                "ceremony.entered_by must name who entered the randomness",
                "ceremony.entered_by 必须写明录入随机数的人",
            )
        w = c["witnesses"]
        if not isinstance(w, list) or not all(isinstance(x, str) and x.strip() for x in w):
            self.out.bad(
                "ceremony",
                "ceremony.witnesses must be a list of non-empty names",
                "ceremony.witnesses 必须是非空姓名的列表",
            )

    def pool(self, lines: Any) -> None:
        if isinstance(lines, list) and _pool_lines_clean(lines):
            return
        prev: bytes | None = None
        for i, line in enumerate(self.list_of(lines, "pool", "pool.keys")):
            if not self.keys(line, POOL_KEYS, "pool.keys", f"pool[{i}]"):
                continue
            ok = self.ident(line["id"], f"pool[{i}].id", "pool.line")
            self.ident(line["stratum"], f"pool[{i}].stratum", "pool.line")
            if not is_int(line["weight"], 1, MAX_WEIGHT):
                self.out.bad(
                    "pool.line",
                    f"pool[{i}].weight {line['weight']!r} is not an integer in [1, 2^40]",
                    f"pool[{i}].weight {line['weight']!r} 不是 [1, 2^40] 范围内的整数",
                )
            ex = line.get("excluded")
            if "excluded" in line and not (isinstance(ex, str) and REASON_RE.fullmatch(ex)):
                self.out.bad(
                    "pool.line",
                    f"pool[{i}].excluded {ex!r} is not a reason code [a-z][a-z0-9_]{{0,39}}",
                    f"pool[{i}].excluded {ex!r} 不是原因代码 [a-z][a-z0-9_]{{0,39}}",
                )
            if ok:
                key = u8(line["id"])
                if prev is not None and key <= prev:
                    what = "repeats" if key == prev else "is not after"
                    self.out.bad(
                        "pool.order",
                        f"pool[{i}] ({line['id']!r}) {what} pool[{i - 1}] (canonical order is ascending UTF-8 bytes of id, unique)",
                        f"pool[{i}]（{line['id']!r}）{'与' if key == prev else '没有排在'} pool[{i - 1}] {'重复' if key == prev else '之后'}（规范顺序为按 id 的 UTF-8 字节升序，且不重复）",
                    )
                prev = key

    def inspectors(self, lines: Any) -> None:
        prev: bytes | None = None
        for i, line in enumerate(self.list_of(lines, "inspectors", "inspectors.keys")):
            if not self.keys(line, INSPECTOR_KEYS, "inspectors.keys", f"inspectors[{i}]"):
                continue
            ok = self.ident(line["cert_no"], f"inspectors[{i}].cert_no", "inspectors.line")
            if not (isinstance(line["department"], str) and isinstance(line["status"], str)):
                self.out.bad(
                    "inspectors.line",
                    f"inspectors[{i}]: department and status must be strings",
                    f"inspectors[{i}]：department 和 status 必须是字符串",
                )
            if not is_date(line["valid_from"]) or not (
                line["valid_to"] is None or is_date(line["valid_to"])
            ):
                self.out.bad(
                    "date",
                    f"inspectors[{i}]: valid_from must be YYYY-MM-DD, valid_to YYYY-MM-DD or null",
                    f"inspectors[{i}]：valid_from 必须是 YYYY-MM-DD，valid_to 必须是 YYYY-MM-DD 或 null",
                )
            if ok:
                key = u8(line["cert_no"])
                if prev is not None and key <= prev:
                    self.out.bad(
                        "inspectors.order",
                        f"inspectors[{i}] ({line['cert_no']!r}) is not after inspectors[{i - 1}]",
                        f"inspectors[{i}]（{line['cert_no']!r}）没有排在 inspectors[{i - 1}] 之后",
                    )
                prev = key

    def conflicts(self, entries: Any) -> None:
        """One entry per selected target: its conflict leaf and inclusion proof (§12)."""
        for i, e in enumerate(self.list_of(entries, "conflicts", "conflicts.keys")):
            where = f"conflicts[{i}]"
            if not self.keys(e, CONFLICT_KEYS, "conflicts.keys", where):
                continue
            self.ident(e["target"], f"{where}.target", "conflicts.keys")
            if not is_int(e["index"], 0):
                self.out.bad(
                    "conflicts.keys",
                    f"{where}.index must be an integer >= 0",
                    f"{where}.index 必须是不小于 0 的整数",
                )
            if not (isinstance(e["salt"], str) and SALT_RE.fullmatch(e["salt"])):
                self.out.bad(
                    "conflicts.keys",
                    f"{where}.salt must be 32 lowercase hex digits, got {e['salt']!r}",
                    f"{where}.salt 必须是 32 位小写十六进制数字，实际为 {e['salt']!r}",
                )
            path = e["path"]
            if not isinstance(path, list) or not all(
                isinstance(x, str) and HEX64_RE.fullmatch(x) for x in path
            ):
                self.out.bad(
                    "conflicts.keys",
                    f"{where}.path must be a list of 64-hex-digit hashes",
                    f"{where}.path 必须是 64 位小写十六进制哈希值的列表",
                )
            certs = e["inspectors"]
            if not isinstance(certs, list) or not all(is_id(x) for x in certs):
                self.out.bad(
                    "conflicts.keys",
                    f"{where}.inspectors must be a list of certificate numbers",
                    f"{where}.inspectors 必须是执法证号的列表",
                )
                continue
            keys = [u8(x) for x in certs]
            if any(a >= b for a, b in itertools.pairwise(keys)):
                self.out.bad(
                    "conflicts.order",
                    f"{where}.inspectors must be unique and in ascending UTF-8 order",
                    f"{where}.inspectors 必须互不重复并按 UTF-8 字节升序排列",
                )

    def record(
        self, obj: Any, keys: frozenset[str], check: str, where: str, valid: Callable[..., bool]
    ) -> None:
        """An object with exactly ``keys`` whose values pass ``valid(obj)``."""
        if self.keys(obj, keys, check, where) and not valid(obj):
            self.out.bad(
                check,
                f"{where}: a value has the wrong type or range",
                f"{where}：有值的类型或范围错误",
            )

    def result(self, r: Any) -> None:
        if not self.keys(r, frozenset({"strata", "selected"}), "result.keys", "result"):
            return
        for i, s in enumerate(self.list_of(r["strata"], "result.strata", "result.keys")):
            self.record(
                s,
                STRATUM_KEYS,
                "result.keys",
                f"result.strata[{i}]",
                lambda s: (
                    isinstance(s["name"], str)
                    and all(is_int(s[k], 0) for k in STRATUM_KEYS - {"name"})
                ),
            )
        for i, s in enumerate(self.list_of(r["selected"], "result.selected", "result.keys")):
            self.record(
                s,
                frozenset({"id", "stratum", "pi"}),
                "result.keys",
                f"result.selected[{i}]",
                lambda s: (
                    isinstance(s["id"], str)
                    and isinstance(s["stratum"], str)
                    and is_int(s["pi"], 0, M)
                ),
            )

    def teams(self, doc: dict[str, Any]) -> None:
        teams = self.list_of(doc["teams"], "teams", "teams.keys")
        for i, t in enumerate(teams):
            self.record(
                t,
                frozenset({"target", "inspectors"}),
                "teams.keys",
                f"teams[{i}]",
                lambda t: (
                    isinstance(t["target"], str)
                    and isinstance(t["inspectors"], list)
                    and all(isinstance(x, str) for x in t["inspectors"])
                ),
            )
        for i, r in enumerate(self.list_of(doc["recusals"], "recusals", "recusals.keys")):
            self.record(
                r,
                RECUSAL_KEYS,
                "recusals.keys",
                f"recusals[{i}]",
                lambda r: all(isinstance(r[k], str) for k in RECUSAL_KEYS),
            )
            if (
                isinstance(r, dict)
                and isinstance(r.get("reason"), str)
                and not REASON_RE.fullmatch(r["reason"])
            ):
                self.out.bad(
                    "recusals.reason",
                    f"recusals[{i}].reason {r['reason']!r} is not a reason code [a-z][a-z0-9_]{{0,39}}",
                    f"recusals[{i}].reason {r['reason']!r} 不是原因代码 [a-z][a-z0-9_]{{0,39}}",
                )
        result = doc["result"]
        if self.out.fatal or not isinstance(result, dict):
            return
        targets = [s["id"] for s in result["selected"]]
        entries = [e["target"] for e in doc["conflicts"]]
        if entries != targets and sorted(entries) == sorted(targets):
            self.out.bad(
                "conflicts.order",
                "conflicts must list one entry per selected target in result order",
                "conflicts 必须按抽取结果的顺序为每个抽中的检查对象各列一项",
            )
        got = [t["target"] for t in teams]
        if doc["commitment"]["params"]["team"] is None:
            return
        if got != targets and sorted(got) == sorted(targets):
            at = next(
                (i for i, (a, b) in enumerate(zip(got, targets, strict=False)) if a != b),
                min(len(got), len(targets)),
            )
            self.out.bad(
                "teams.order",
                f"teams must list one team per selected target in result order; they first differ at teams[{at}]",
                f"teams 必须按抽取结果的顺序为每个抽中的检查对象各列一组；二者在 teams[{at}] 处开始不同",
            )


# ----------------------------------------------------------------------------------------
# Recomputation (§8-§11), pure Python.


def sample_sizes(
    params: dict[str, Any], populations: dict[str, int], lang: str = "en"
) -> tuple[dict[str, int], str | None]:
    """§8.1: sizes per stratum, or an error message if the params do not fit the pool."""
    zh = lang == "zh"
    sample = params["sample"]
    names = sorted(populations, key=u8)
    if "sizes" in sample:
        unknown = sorted(set(sample["sizes"]) - set(names))
        if unknown:
            if zh:
                return {}, f"为候选名单中不存在的分层指定了抽取数量：{unknown}"
            return {}, f"sizes given for strata not in the pool: {unknown}"
        sizes = {s: sample["sizes"].get(s, 0) for s in names}
    else:
        missing = [s for s in names if s not in sample["ratios"] and populations[s] > 0]
        if missing:
            return {}, (
                f"以下分层没有抽查比例：{missing}" if zh else f"no ratio for strata {missing}"
            )

        def ratio(text: str) -> Fraction:
            return (
                Fraction(int(text[2:]), 10 ** (len(text) - 2))
                if "." in text
                else Fraction(int(text))
            )

        quotas = {s: ratio(sample["ratios"].get(s, "0")) * populations[s] for s in names}
        total = int(sum(quotas.values(), Fraction(0)) + Fraction(1, 2))
        sizes = {s: int(q) for s, q in quotas.items()}
        for s in sorted(names, key=lambda s: (-(quotas[s] - sizes[s]), u8(s)))[
            : total - sum(sizes.values())
        ]:
            sizes[s] += 1
        for s in names:
            if quotas[s] > 0:
                sizes[s] = max(sizes[s], min(sample["minimum"], populations[s]))
    for s in names:
        if sizes[s] > populations[s]:
            if zh:
                return {}, f"分层 {s}：抽取数量 {sizes[s]} 超过其可抽对象数 {populations[s]}"
            return (
                {},
                f"stratum {s}: sample size {sizes[s]} exceeds its {populations[s]} eligible units",
            )
    return sizes, None


def inclusion(weights: list[int], n: int) -> tuple[list[int], int]:
    """§8.3 on one stratum's effective weights (in id order): (pi over 2^32, take-alls)."""
    size = len(weights)
    if n == size:
        return [M] * size, size
    if n == 0:
        return [0] * size, 0
    order = sorted(range(size), key=lambda i: -weights[i])
    k, rest = 0, sum(weights)
    while k < n and (n - k) * weights[order[k]] >= rest:
        rest -= weights[order[k]]
        k += 1
    take = set(order[:k])
    target = (n - k) * M
    pi = [M if i in take else weights[i] * target // rest for i in range(size)]
    others = [i for i in range(size) if i not in take]
    short = target - sum(pi[i] for i in others)
    for i in sorted(others, key=lambda i: (-(weights[i] * target % rest), i))[:short]:
        pi[i] += 1
    return pi, k


@dataclass
class Drawn:
    strata: list[dict[str, Any]]
    selected: list[dict[str, Any]]


def draw_pure(
    h: Hash, lines: list[dict[str, Any]], seed: bytes, sizes: dict[str, int], floor_weight: int
) -> Drawn:
    members: dict[str, list[int]] = {s: [] for s in sizes}
    for i, line in enumerate(lines):
        if "excluded" not in line:
            members[line["stratum"]].append(i)
    prefix = F(TAG_TARGET, seed)
    strata, selected = [], []
    for name in sorted(sizes, key=u8):
        group, n = members[name], sizes[name]
        pis, k = inclusion([max(lines[i]["weight"], floor_weight) for i in group], n)
        pi = dict(zip(group, pis, strict=True))
        start = int.from_bytes(h(F(TAG_START, seed, u8(name)))[:4], "big")
        keyed = sorted((h(prefix + F(u8(lines[i]["id"]))), u8(lines[i]["id"]), i) for i in group)
        cum, m = 0, 0
        for _, _, i in keyed:
            cum += pi[i]
            if m < n and start + m * M < cum:
                selected.append({"id": lines[i]["id"], "stratum": name, "pi": pi[i]})
                m += 1
        strata.append(
            {
                "name": name,
                "population": len(group),
                "sample_size": n,
                "take_all": k,
                "start": start,
            }
        )
    return Drawn(strata, selected)


def draw_fast(
    engine: Any, hash_name: str, seed: bytes, sizes: dict[str, int], floor_weight: int
) -> Drawn:
    from spotcheck.engine.draw import select_targets
    from spotcheck.engine.probability import pool_inclusion

    pool = engine
    pi, infos = pool_inclusion(pool, sizes, floor_weight)
    draws = select_targets(pool, pi, infos, seed, hash_name)
    strata = [
        {
            "name": d.name,
            "population": d.population,
            "sample_size": d.sample_size,
            "take_all": d.take_all,
            "start": d.start,
        }
        for d in draws
    ]
    selected = [
        {"id": pool.id_str(int(i)), "stratum": d.name, "pi": int(pi[i])}
        for d in draws
        for i in d.selected.tolist()
    ]
    return Drawn(strata, selected)


def _engine_pool(lines: list[dict[str, Any]], hash_name: str) -> Any:
    """The engine's Pool when numpy and spotcheck.engine can be used; None otherwise."""
    if os.environ.get("SPOTCHECK_VERIFY_PURE") == "1":
        return None
    try:
        from spotcheck.engine.hashing import hasher_factory
        from spotcheck.engine.pool import Pool

        hasher_factory(hash_name)
        return Pool.from_records(lines)
    except Exception:  # missing numpy/engine, or an input the engine declines
        return None


class TeamError(Exception):
    def __init__(self, message: str, *, recusal: bool = False) -> None:
        super().__init__(message)
        self.recusal = recusal


def form_teams(
    h: Hash,
    seed: bytes,
    targets: list[str],
    inspectors: list[dict[str, Any]],
    conflicts: list[dict[str, Any]],
    team: dict[str, Any],
    recusals: list[dict[str, Any]],
    lang: str = "en",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """§11: teams in target order, then the recusals one by one."""
    zh = lang == "zh"
    size, depts = team["size"], set(team["departments"])
    start, end = team["window_start"], team["window_end"]
    insp = {i["cert_no"]: i for i in inspectors}

    def qualified(i: dict[str, Any]) -> bool:
        return (
            i["status"] == "active"
            and i["valid_from"] <= start
            and (i["valid_to"] is None or i["valid_to"] >= end)
        )

    eligible = [i for i in inspectors if qualified(i) and (not depts or i["department"] in depts)]
    cap = {c: -(-len(targets) * size // max(len(eligible), 1)) + 1 for c in insp}
    if team["max_assignments"] is not None:
        cap = dict.fromkeys(insp, team["max_assignments"])
    elif depts:
        per_dept: dict[str, int] = {}
        for i in eligible:
            per_dept[i["department"]] = per_dept.get(i["department"], 0) + 1
        for c, i in insp.items():
            if per_dept.get(i["department"]):
                cap[c] = max(cap[c], -(-len(targets) // per_dept[i["department"]]) + 1)
    blocked = {(c["inspector"], c["target"]) for c in conflicts}
    load = dict.fromkeys(insp, 0)
    orders: dict[str, list[str]] = {}

    def order(target: str) -> list[str]:
        if target not in orders:
            base = F(TAG_INSPECTOR, seed, u8(target))
            orders[target] = [c for _, _, c in sorted((h(base + F(u8(c))), u8(c), c) for c in insp)]
        return orders[target]

    def fill(target: str, members: list[str]) -> None:
        for c in order(target):
            if len(members) == size:
                break
            i = insp[c]
            if c in members or not qualified(i) or (depts and i["department"] not in depts):
                continue
            if (c, target) in blocked or load[c] >= cap[c]:
                continue
            missing = depts - {insp[x]["department"] for x in members} - {i["department"]}
            if len(missing) > size - len(members) - 1:
                continue
            members.append(c)
            load[c] += 1
        if len(members) < size:
            raise TeamError(
                f"无法为检查对象 {target} 组成 {size} 人检查组（已找到 {members}）"
                if zh
                else f"no team of {size} can be formed for target {target} (found {members})"
            )

    teams: dict[str, list[str]] = {}
    for t in targets:
        teams[t] = []
        fill(t, teams[t])
    log = []
    for r in recusals:
        c, t = r["inspector"], r["target"]
        if t not in teams or c not in teams[t]:
            raise TeamError(
                f"{c} 回避 {t}：该人员不在该检查组中"
                if zh
                else f"recusal of {c} for {t}: not a member of that team",
                recusal=True,
            )
        teams[t].remove(c)
        load[c] -= 1
        blocked.add((c, t))
        before = set(teams[t])
        fill(t, teams[t])
        (new,) = set(teams[t]) - before
        log.append({"inspector": c, "target": t, "reason": r["reason"], "replacement": new})
    return [{"target": t, "inspectors": teams[t]} for t in targets], log


# ----------------------------------------------------------------------------------------
# The checks.


def _short(items: Sequence[str], limit: int = 5) -> str:
    head = ", ".join(items[:limit])
    return head + (f" ... ({len(items)})" if len(items) > limit else "") if items else "-"


class Verifier:
    def __init__(self, doc: dict[str, Any], out: _Problems) -> None:
        self.doc, self.out = doc, out
        self.c: dict[str, Any] = doc["commitment"]
        self.h = hash_function(self.c["hash"])
        self.history_lines: list[str] = []

    def run(self) -> None:
        doc, c, out = self.doc, self.c, self.out
        digest = commitment_digest(self.h, c)
        self.digest = digest
        if digest.hex() != doc["commitment_digest"]:
            out.differs(
                "commitment.digest",
                f"recomputed {digest.hex()}, proof says {doc['commitment_digest']} (the commitment was altered)",
                f"重新计算为 {digest.hex()}，证明中为 {doc['commitment_digest']}（承诺内容被改动）",
            )
        nonce = bytes.fromhex(doc["nonce"])
        if self.h(F(TAG_NONCE, nonce)).hex() != c["nonce_hash"]:
            out.differs(
                "nonce.hash",
                "the nonce does not match the committed nonce_hash",
                "nonce 与承诺中的 nonce_hash 不符",
            )
        self.randomness()
        values = [u8(r["value"]) for r in doc["randomness"]]
        seed = self.h(F(TAG_SEED, digest, nonce, len(values).to_bytes(4, "big"), *values))
        if seed.hex() != doc["seed"]:
            out.differs(
                "seed",
                f"recomputed {seed.hex()}, proof says {doc['seed']}",
                f"重新计算为 {seed.hex()}，证明中为 {doc['seed']}",
            )
        self.history()
        lines = doc["pool"]
        engine = _engine_pool(lines, c["hash"])
        self.fast = engine is not None
        self.tables(lines, engine)
        self.conflicts()
        # Per-stratum counts and weight sums with C-level passes (seconds at 10^6 lines
        # otherwise); strata keep their order of first appearance, as a plain loop gives.
        strata = list(map(operator.itemgetter("stratum"), lines))
        active = [line for line in lines if "excluded" not in line]
        active_strata = list(map(operator.itemgetter("stratum"), active))
        populations = dict.fromkeys(strata, 0)
        populations.update(collections.Counter(active_strata))
        sizes, error = sample_sizes(c["params"], populations, out.lang)
        committed = c["strata"]
        if error:
            out.differs("strata", error)
            return
        expected = {s: {"population": populations[s], "sample_size": sizes[s]} for s in sizes}
        if committed != expected:
            diffs = [
                s
                for s in sorted(set(expected) | set(committed), key=u8)
                if expected.get(s) != committed.get(s)
            ]
            out.differs(
                "strata",
                f"committed strata differ from the pool for {_short(diffs)}: recomputed {[expected.get(s) for s in diffs[:3]]}, committed {[committed.get(s) for s in diffs[:3]]}",
                f"承诺中的分层与候选名单不符：{_short(diffs)}；重新计算为 {[expected.get(s) for s in diffs[:3]]}，承诺中为 {[committed.get(s) for s in diffs[:3]]}",
            )
        floor = c["params"]["floor_weight"]
        totals = _stratum_sums(
            active_strata, list(map(operator.itemgetter("weight"), active)), floor, sizes
        )
        for s in sizes:
            if sizes[s] > MAX_SAMPLE or totals[s] > MAX_STRATUM_WEIGHT:
                out.bad(
                    "limits",
                    f"stratum {s}: sample size above 2^24 or weight sum above 2^53",
                    f"分层 {s}：抽取数量超过 2^24 或权重之和超过 2^53",
                )
                return
        drawn = None
        if engine is not None:
            try:
                drawn = draw_fast(engine, c["hash"], seed, sizes, floor)
            except Exception:
                self.fast = False
        if drawn is None:
            drawn = draw_pure(self.h, lines, seed, sizes, floor)
        self.drawn = drawn
        self.compare_result(drawn)
        self.teams(seed, drawn)

    def randomness(self) -> None:
        c, out = self.c, self.out
        committed = parse_instant(c["committed_at"])
        assert committed is not None
        items = c["randomness_source"]["items"]
        for item in items:
            if "not_before" in item and (parse_instant(item["not_before"]) or 0) <= committed:
                out.differs(
                    "time.not-before",
                    f"item {item['name']!r}: not_before {item['not_before']} is not after committed_at {c['committed_at']}",
                    f"随机数项 {item['name']!r}：not_before {item['not_before']} 不晚于承诺时间 {c['committed_at']}",
                )
        revealed = self.doc["randomness"]
        announced, given = [i["name"] for i in items], [r["name"] for r in revealed]
        if announced != given:
            missing = [n for n in announced if n not in given]
            extra = [n for n in given if n not in announced]
            out.differs(
                "randomness.match",
                f"revealed values {given} are not the announced items {announced} (missing {missing}, extra {extra})",
                f"公布的随机数 {given} 与宣布的项目 {announced} 不一致（缺少 {missing}，多出 {extra}）",
            )
        for item, r in zip(items, revealed, strict=False):
            published = parse_instant(r["published_at"]) or 0
            if published <= committed:
                out.differs(
                    "time.published",
                    f"{r['name']!r} published at {r['published_at']}, not after committed_at {c['committed_at']}",
                    f"{r['name']!r} 的公布时间 {r['published_at']} 不晚于承诺时间 {c['committed_at']}",
                )
            elif "not_before" in item and published < (parse_instant(item["not_before"]) or 0):
                out.differs(
                    "time.published",
                    f"{r['name']!r} published at {r['published_at']}, before its announced not_before {item['not_before']}",
                    f"{r['name']!r} 的公布时间 {r['published_at']} 早于宣布的 not_before {item['not_before']}",
                )

    def history(self) -> None:
        out, hist = self.out, self.doc["history"]
        prev: dict[str, Any] | None = None
        prev_time: Fraction | None = None
        for i, e in enumerate(hist):
            ec = e["commitment"]
            h = hash_function(ec["hash"])
            d = commitment_digest(h, ec).hex()
            if d != e["commitment_digest"]:
                out.differs(
                    "history.digest",
                    f"history[{i}] (draw {e['draw_id']}): recomputed digest {d}, entry says {e['commitment_digest']}",
                    f"history[{i}]（第 {e['draw_id']} 号抽取）：重新计算的承诺指纹为 {d}，记录中为 {e['commitment_digest']}",
                )
            if ec["draw_id"] != e["draw_id"]:
                out.differs(
                    "history.chain",
                    f"history[{i}].draw_id {e['draw_id']!r} is not its commitment's draw_id {ec['draw_id']!r}",
                    f"history[{i}].draw_id {e['draw_id']!r} 与其承诺中的 draw_id {ec['draw_id']!r} 不同",
                )
            self._link(ec["previous"], prev, f"history[{i}].commitment.previous")
            if (
                e["nonce"] is not None
                and h(F(TAG_NONCE, bytes.fromhex(e["nonce"]))).hex() != ec["nonce_hash"]
            ):
                out.differs(
                    "history.nonce",
                    f"history[{i}] (draw {e['draw_id']}): the revealed nonce does not match its nonce_hash",
                    f"history[{i}]（第 {e['draw_id']} 号抽取）：公开的 nonce 与其 nonce_hash 不符",
                )
            t = parse_instant(ec["committed_at"])
            assert t is not None
            if prev_time is not None and t <= prev_time:
                out.differs(
                    "history.time",
                    f"history[{i}] committed at {ec['committed_at']}, not after the previous draw",
                    f"history[{i}] 的承诺时间 {ec['committed_at']} 不晚于前一次抽取",
                )
            if (parse_instant(e["aborted_at"]) or 0) < t:
                out.differs(
                    "history.time",
                    f"history[{i}] aborted at {e['aborted_at']}, before it was committed",
                    f"history[{i}] 的作废时间 {e['aborted_at']} 早于其承诺时间",
                )
            prev, prev_time = {"draw_id": e["draw_id"], "commitment_digest": d}, t
            nonce = "nonce revealed" if e["nonce"] is not None else "nonce not revealed"
            self.history_lines.append(
                out.t(
                    f"draw {e['draw_id']} committed {ec['committed_at']}, aborted {e['aborted_at']} ({e['abort_reason']}); {nonce}",
                    f"第 {e['draw_id']} 号抽取：承诺于 {ec['committed_at']}，作废于 {e['aborted_at']}（{e['abort_reason']}）；"
                    + ("nonce 已公开" if e["nonce"] is not None else "nonce 未公开"),
                )
            )
        self._link(self.c["previous"], prev, "commitment.previous", check="previous")
        t = parse_instant(self.c["committed_at"])
        assert t is not None
        if prev_time is not None and t <= prev_time:
            out.differs(
                "history.time",
                f"this draw was committed at {self.c['committed_at']}, not after the previous draw",
                f"本次抽取的承诺时间 {self.c['committed_at']} 不晚于前一次抽取",
            )
        self.history_lines.append(
            out.t(
                f"draw {self.c['draw_id']} committed {self.c['committed_at']} - this proof",
                f"第 {self.c['draw_id']} 号抽取：承诺于 {self.c['committed_at']}——即本证明",
            )
        )

    def _link(
        self, link: Any, prev: dict[str, Any] | None, where: str, check: str = "history.chain"
    ) -> None:
        if prev is None and link is not None:
            self.out.differs(
                check,
                f"{where} names draw {link['draw_id']!r}, but the proof's history has no earlier draw there",
                f"{where} 指向第 {link['draw_id']!r} 号抽取，但证明的抽取记录中此处没有更早的抽取",
            )
        elif prev is not None and link is None:
            self.out.differs(
                check,
                f"{where} is null, but draw {prev['draw_id']!r} came before",
                f"{where} 为 null，但此前已有第 {prev['draw_id']!r} 号抽取",
            )
        elif prev is not None and link != prev:
            self.out.differs(
                check,
                f"{where} is {link}, but the previous draw is {prev}",
                f"{where} 为 {link}，但前一次抽取是 {prev}",
            )

    def tables(self, lines: list[dict[str, Any]], engine: Any) -> None:
        c, out = self.c, self.out
        root = None
        if engine is not None:
            try:
                from spotcheck.engine.merkle import pool_root

                root = pool_root(engine, c["hash"])
            except Exception:
                root = None
        if root is None:
            root = merkle_root(self.h, map(pool_line_bytes, lines))
        if root.hex() != c["pool"]["root"]:
            out.differs(
                "pool.root",
                "the pool lines do not give the committed pool root",
                "候选名单各行算出的根哈希与承诺中的不符",
            )
        if len(lines) != c["pool"]["count"]:
            out.differs(
                "pool.count",
                f"{len(lines)} pool lines, committed count {c['pool']['count']}",
                f"候选名单共 {len(lines)} 行，承诺中为 {c['pool']['count']} 行",
            )
        excluded: dict[str, int] = {}
        for line in lines:
            if "excluded" in line:
                excluded[line["excluded"]] = excluded.get(line["excluded"], 0) + 1
        if excluded != c["pool"]["excluded"]:
            out.differs(
                "pool.excluded",
                f"excluded lines per reason are {dict(sorted(excluded.items()))}, committed {c['pool']['excluded']}",
                f"按原因统计的排除行数为 {dict(sorted(excluded.items()))}，承诺中为 {c['pool']['excluded']}",
            )
        got = self.doc["inspectors"]
        if merkle_root(self.h, map(canon, got)).hex() != c["inspectors"]["root"]:
            out.differs(
                "inspectors.root",
                "the inspectors lines do not give the committed root",
                "执法人员名单各行算出的根哈希与承诺中的不符",
            )
        if len(got) != c["inspectors"]["count"]:
            out.differs(
                "inspectors.count",
                f"{len(got)} inspectors lines, committed count {c['inspectors']['count']}",
                f"执法人员名单共 {len(got)} 行，承诺中为 {c['inspectors']['count']} 行",
            )

    def conflicts(self) -> None:
        """§12: exactly one entry per selected target, in result order, each leaf proven."""
        doc, c, out = self.doc, self.c, self.out
        entries, lines = doc["conflicts"], doc["pool"]
        selected = [s["id"] for s in doc["result"]["selected"]]
        got = [e["target"] for e in entries]
        if got != selected:
            missing = [t for t in selected if t not in set(got)]
            extra = [t for t in got if t not in set(selected)]
            twice = sorted({t for t in got if got.count(t) > 1})
            out.differs(
                "conflicts.entries",
                f"conflict entries are not one per selected target: missing {_short(missing)}; "
                f"extra {_short(extra)}; repeated {_short(twice)}",
                f"利害关系条目与抽中的检查对象不是一一对应：缺少 {_short(missing)}；多出 {_short(extra)}；重复 {_short(twice)}",
            )
        size, root = c["pool"]["count"], bytes.fromhex(c["conflicts"]["root"])
        pairs = 0
        for i, e in enumerate(entries):
            pairs += len(e["inspectors"])
            index = e["index"]
            if index >= len(lines) or lines[index]["id"] != e["target"]:
                out.differs(
                    "conflicts.target",
                    f"conflicts[{i}]: pool line {index} is not target {e['target']}",
                    f"conflicts[{i}]：候选名单第 {index} 行不是检查对象 {e['target']}",
                )
                continue
            path = [bytes.fromhex(x) for x in e["path"]]
            if not verify_inclusion(self.h, conflict_leaf(e), index, size, path, root):
                out.differs(
                    "conflicts.path",
                    f"conflicts[{i}] (target {e['target']}): the leaf and its path do not give the committed conflicts root",
                    f"conflicts[{i}]（检查对象 {e['target']}）：该叶子及其审计路径算不出承诺中的利害关系根哈希",
                )
        if pairs > c["conflicts"]["count"]:
            out.differs(
                "conflicts.count",
                f"the entries reveal {pairs} conflict pairs, more than the committed count {c['conflicts']['count']}",
                f"各条目共公开 {pairs} 对利害关系，多于承诺中的数量 {c['conflicts']['count']}",
            )

    def compare_result(self, drawn: Drawn) -> None:
        out, claimed = self.out, self.doc["result"]
        got = {s["name"]: s for s in claimed["strata"]}
        for e in drawn.strata:
            g = got.get(e["name"])
            if g is None:
                out.differs(
                    "result.strata",
                    f"stratum {e['name']} is missing from the result",
                    f"抽取结果中缺少分层 {e['name']}",
                )
                continue
            for key in ("population", "sample_size", "take_all", "start"):
                if g[key] != e[key]:
                    out.differs(
                        "result.strata",
                        f"stratum {e['name']}: {key} recomputed {e[key]}, proof says {g[key]}",
                        f"分层 {e['name']}：{key} 重新计算为 {e[key]}，证明中为 {g[key]}",
                    )
        names = [e["name"] for e in drawn.strata]
        if [s["name"] for s in claimed["strata"]] != names:
            out.differs(
                "result.strata",
                f"strata must be {names} in this order, proof lists {[s['name'] for s in claimed['strata']]}",
                f"分层应依次为 {names}，证明中为 {[s['name'] for s in claimed['strata']]}",
            )
        exp_ids = [s["id"] for s in drawn.selected]
        got_ids = [s["id"] for s in claimed["selected"]]
        if exp_ids != got_ids:
            missing = [x for x in exp_ids if x not in set(got_ids)]
            extra = [x for x in got_ids if x not in set(exp_ids)]
            what = (
                f"missing {_short(missing)}; extra {_short(extra)}"
                if missing or extra
                else "same ids, different order"
            )
            what_zh = (
                f"缺少 {_short(missing)}；多出 {_short(extra)}"
                if missing or extra
                else "对象相同但顺序不同"
            )
            out.differs(
                "result.selected",
                f"selected ids differ from the recomputation: {what}",
                f"抽中的对象与重新计算的结果不同：{what_zh}",
            )
        exp = {s["id"]: s for s in drawn.selected}
        bad_pi = [
            s["id"] for s in claimed["selected"] if s["id"] in exp and s["pi"] != exp[s["id"]]["pi"]
        ]
        if bad_pi:
            out.differs(
                "result.pi",
                f"pi differs from the recomputation for {_short(bad_pi)}",
                f"以下对象的抽查概率与重新计算的结果不同：{_short(bad_pi)}",
            )
        bad_st = [
            s["id"]
            for s in claimed["selected"]
            if s["id"] in exp and s["stratum"] != exp[s["id"]]["stratum"]
        ]
        if bad_st:
            out.differs(
                "result.selected",
                f"stratum label differs for {_short(bad_st)}",
                f"以下对象的分层标注不同：{_short(bad_st)}",
            )

    def teams(self, seed: bytes, drawn: Drawn) -> None:
        team, out, doc = self.c["params"]["team"], self.out, self.doc
        if team is None:
            if doc["teams"] or doc["recusals"]:
                out.differs(
                    "teams",
                    "params.team is null, but the proof lists teams or recusals",
                    "params.team 为 null，但证明列有检查组或回避",
                )
            self.n_teams = 0
            return
        targets = [s["id"] for s in drawn.selected]
        try:
            # Only the revealed conflicts of the drawn targets: all that §11 ever consults.
            pairs = [
                {"inspector": i, "target": e["target"]}
                for e in doc["conflicts"]
                for i in e["inspectors"]
            ]
            teams, log = form_teams(
                self.h, seed, targets, doc["inspectors"], pairs, team, doc["recusals"], out.lang
            )
        except TeamError as exc:
            out.differs(
                "recusals" if exc.recusal else "teams",
                f"teams cannot be recomputed: {exc}",
                f"无法重新组成检查组：{exc}",
            )
            return
        self.n_teams = len(teams)
        claimed = [t["target"] for t in doc["teams"]]
        if claimed != targets:
            missing = [t for t in targets if t not in set(claimed)]
            extra = [t for t in claimed if t not in set(targets)]
            out.differs(
                "teams",
                f"teams are not one per recomputed target: missing {_short(missing)}; "
                f"extra {_short(extra)}",
                f"检查组与重新抽中的对象不是一一对应：缺少 {_short(missing)}；多出 {_short(extra)}",
            )
        expected = {t["target"]: t["inspectors"] for t in teams}
        for t in doc["teams"]:
            if t["target"] in expected and t["inspectors"] != expected[t["target"]]:
                out.differs(
                    "teams",
                    f"team for {t['target']}: recomputed {expected[t['target']]}, proof says {t['inspectors']}",
                    f"{t['target']} 的检查组：重新计算为 {expected[t['target']]}，证明中为 {t['inspectors']}",
                )
        for i, (e, g) in enumerate(zip(log, doc["recusals"], strict=True)):
            if e != g:
                out.differs(
                    "recusals",
                    f"recusals[{i}]: recomputed replacement {e['replacement']}, proof says {g['replacement']}",
                    f"recusals[{i}]：重新计算的替补人员为 {e['replacement']}，证明中为 {g['replacement']}",
                )


def verify_document(
    doc: Any,
    *,
    expect_digest: str | None = None,
    commitment: bytes | Mapping[str, Any] | None = None,
    lang: str = "en",
) -> Report:
    """Check a parsed proof; ``commitment`` is the separately published commitment (its bytes
    as downloaded, or the parsed document) and ``expect_digest`` the digest published earlier.
    ``lang`` ("en" or "zh") is the language of messages, summary and history lines; check ids
    are the same in both."""
    out = _Problems("zh" if lang == "zh" else "en")
    v = None
    try:
        if expect_digest is not None and not HEX64_RE.fullmatch(expect_digest):
            out.bad(
                "option",
                f"--expect-digest {expect_digest!r} is not 64 lowercase hex digits",
                f"--expect-digest {expect_digest!r} 不是 64 位小写十六进制数字",
            )
        published: Any = None
        if isinstance(commitment, bytes | bytearray):
            try:
                published = load_strict(bytes(commitment))
            except DocumentError as exc:
                out.bad(
                    "commitment.file",
                    f"the commitment file: [{exc.check}] {exc}",
                    f"承诺文件：[{exc.check}] {exc.zh}",
                )
        elif commitment is not None:
            published = commitment
        if published is not None:
            Shape(out).commitment(published, out.t("the commitment file", "承诺文件"))
        if Shape(out).proof(doc) and not out.fatal:
            v = Verifier(doc, out)
            v.run()
            digest = v.digest.hex()
            if expect_digest is not None and expect_digest != digest:
                out.differs(
                    "expect-digest",
                    f"the proof's commitment digest is {digest}, expected {expect_digest}",
                    f"证明中承诺的指纹为 {digest}，应为 {expect_digest}",
                )
            if published is not None:
                theirs = commitment_digest(hash_function(published["hash"]), published).hex()
                if theirs != digest:
                    out.differs(
                        "commitment.published",
                        f"the published commitment has digest {theirs}, the proof's commitment {digest}",
                        f"公布的承诺指纹为 {theirs}，证明中承诺的指纹为 {digest}",
                    )
                raw = (
                    bytes(commitment)
                    if isinstance(commitment, bytes | bytearray)
                    else canon(published)
                )
                if raw != canon(doc["commitment"]):
                    out.differs(
                        "commitment.published",
                        "the commitment file is not byte for byte the proof's canonical commitment",
                        "承诺文件与证明中的规范化承诺不是逐字节相同",
                    )
    except Exception as exc:  # a bug here must still give a verdict, not a traceback
        out.bad(
            "internal",
            f"verifier error {type(exc).__name__}: {exc}",
            f"验证程序内部错误 {type(exc).__name__}：{exc}",
        )
    problems = out.finish()
    code = (
        EXIT_INVALID if any(p.fatal for p in problems) else EXIT_MISMATCH if problems else EXIT_OK
    )
    history = v.history_lines if v is not None else []
    if code == EXIT_OK and v is not None:
        c = doc["commitment"]
        summary = out.t(
            f"OK: draw {c['draw_id']} ({c['hash']}) - {len(doc['pool'])} pool units, "
            f"{len(doc['result']['selected'])} selected in {len(doc['result']['strata'])} strata, "
            f"{len(doc['teams'])} teams, {len(doc['recusals'])} recusals; seed {doc['seed'][:16]}...; "
            f"{len(doc['history'])} earlier draw(s); {'engine' if v.fast else 'pure-Python'} recomputation",
            f"通过：第 {c['draw_id']} 号抽取（{c['hash']}）——候选对象 {len(doc['pool'])} 个，"
            f"{len(doc['result']['strata'])} 个分层中抽中 {len(doc['result']['selected'])} 个，"
            f"检查组 {len(doc['teams'])} 个，回避 {len(doc['recusals'])} 次；随机种子 {doc['seed'][:16]}…；"
            f"此前的抽取 {len(doc['history'])} 次；{'引擎' if v.fast else '纯 Python'}重新计算",
        )
    elif code == EXIT_MISMATCH:
        summary = out.t(
            f"FAILED: {len(problems)} difference(s) - the proof does not check out",
            f"未通过：发现 {len(problems)} 处不符——该证明核验不通过",
        )
    else:
        summary = out.t(
            f"FAILED: not a valid {PROTOCOL} proof ({len(problems)} problem(s))",
            f"未通过：不是有效的 {PROTOCOL} 证明（{len(problems)} 个问题）",
        )
    return Report(code, problems, summary, history)


def verify_proof(
    proof: Any, *, workers: int | None = None, lang: str = "en"
) -> tuple[list[str], str]:
    """(problems, summary): no problems means the proof checks out. Kept for the app."""
    report = verify_document(proof, lang=lang)
    return report.lines(), report.summary


def _lang_option(argv: Sequence[str]) -> str:
    """``--lang`` from the command line (looked at before argparse, whose help it sets)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return default_lang()


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_option(args_in)
    lang = lang if lang in LANGS else "en"

    def t(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    parser = argparse.ArgumentParser(
        prog="verify",
        description=t(
            f"Verify a spotcheck draw proof ({PROTOCOL}).",
            f"核验 spotcheck 抽取证明（{PROTOCOL}）。",
        ),
    )
    parser.add_argument(
        "proof", help=t("path to proof.json ('-' for stdin)", "证明文件路径（'-' 表示标准输入）")
    )
    parser.add_argument(
        "--commitment",
        metavar="FILE",
        help=t("the commitment as published before the draw", "抽取前公布的承诺文件"),
    )
    parser.add_argument(
        "--expect-digest",
        metavar="HEX",
        help=t("the commitment digest published before the draw", "抽取前公布的承诺指纹"),
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=lang,
        help=t(
            "language of the report (default: zh when LANGUAGE/LC_ALL/LC_MESSAGES/LANG starts with zh)",
            "报告语言（默认：环境变量 LANGUAGE/LC_ALL/LC_MESSAGES/LANG 以 zh 开头时为中文）",
        ),
    )
    try:
        args = parser.parse_args(args_in)
    except SystemExit as exc:
        return EXIT_INVALID if exc.code else EXIT_OK
    lang = args.lang
    commitment = None
    try:
        if args.proof == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.proof, "rb") as fh:
                data = fh.read()
        if args.commitment:
            with open(args.commitment, "rb") as fh:
                commitment = fh.read()
    except OSError as exc:
        print(
            t(
                f"INVALID [read]: cannot read {exc.filename}: {exc.strerror}",
                f"无效 [read]：无法读取 {exc.filename}：{exc.strerror}",
            )
        )
        print(t("FAILED: nothing to verify", "未通过：没有可核验的内容"))
        return EXIT_INVALID
    try:
        data = gunzip_if_compressed(data)
        if commitment is not None:
            commitment = gunzip_if_compressed(commitment)
        doc = load_strict(data)
    except DocumentError as exc:
        print(t(f"INVALID [{exc.check}]: {exc}", f"无效 [{exc.check}]：{exc.zh}"))
        print(
            t(
                f"FAILED: not a valid {PROTOCOL} proof (1 problem(s))",
                f"未通过：不是有效的 {PROTOCOL} 证明（1 个问题）",
            )
        )
        return EXIT_INVALID
    report = verify_document(
        doc, expect_digest=args.expect_digest, commitment=commitment, lang=lang
    )
    if report.exit_code == EXIT_OK:
        print(report.summary)
    for line in report.lines():
        print(line)
    if report.history_lines:
        print(t("draw history of the task:", "该任务的抽取记录："))
        for line in report.history_lines:
            print(f"  {line}")
    if report.exit_code != EXIT_OK:
        print(report.summary)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
