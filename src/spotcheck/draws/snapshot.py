"""The committed pool snapshot (PoolEntry rows): written once at commitment, read at the draw.

A provincial pool has a million lines, so neither direction goes through model instances:
PostgreSQL gets the rows by COPY, and the draw reads four columns straight into the engine's
column arrays.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from spotcheck.core.bulk import paused_gc
from spotcheck.draws.models import (
    Draw,
    DrawnLine,
    PoolColumns,
    PoolEntry,
    PoolPreview,
    PreviewLine,
)
from spotcheck.engine.canonical import canonical_bytes
from spotcheck.engine.pool import Pool
from spotcheck.engine.serialise import proof_bytes

if TYPE_CHECKING:
    from spotcheck.draws.pool import TaskPool

_LINE_COLUMNS = (
    "target_id",
    "credit_code",
    "stratum",
    "weight",
    "excluded",
    "pi_units",
    "profile",
)
BATCH = 5000
_POOL = "pool"


def _copy_text(value: str) -> str:
    """A value in COPY's text format (backslash escapes; the directory's free-text strata
    such as region names could in principle hold a tab)."""
    if not any(c in value for c in "\\\t\n\r"):
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


@contextmanager
def pool_entries_written(draw: Draw, pool: TaskPool) -> Iterator[None]:
    """One PoolEntry per pool line, inside the caller's transaction.

    On PostgreSQL the block's body runs once every row has been handed to the COPY and
    while the server is still taking them in (about a second at 10^6 lines): the body must
    not use the database connection, which is busy until the block ends. The commitment
    is computed there."""
    with _lines_written(PoolEntry, "draw_id", draw.pk, pool, {}, positions=False):
        yield


def copy_drawn_lines(draw: Draw, codes: Sequence[str]) -> None:
    """The drawn lines' snapshot rows copied into DrawnLine, inside the caller's transaction,
    by the database itself (INSERT … SELECT): no row comes back to Python. A code that is not
    in the snapshot would be a line missing from the copy, so the count is checked."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("draw_id", *_LINE_COLUMNS))
    head = (
        f"INSERT INTO {quote(DrawnLine._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM {quote(PoolEntry._meta.db_table)} WHERE draw_id = %s AND "
    )
    copied = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(head + "credit_code = ANY(%s)", [draw.pk, list(codes)])
            copied = cursor.rowcount
        else:
            # SQLite caps a statement's parameters; its draws are small.
            for start in range(0, len(codes), 500):
                chunk = list(codes[start : start + 500])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(head + f"credit_code IN ({marks})", [draw.pk, *chunk])
                copied += cursor.rowcount
    if copied != len(set(codes)):
        raise ValueError(f"{len(codes)} drawn codes, {copied} found in the snapshot")


def write_pool_columns(draw: Draw, packed: bytes) -> None:
    """The engine's columns (``pack_pool``), inside the caller's transaction."""
    PoolColumns.objects.create(draw=draw, data=packed)


_PACKED = b"spotcheck-pool-columns/1\n"


def pack_pool(pool: Pool) -> bytes:
    """The engine pool's canonical columns as bytes: a JSON header (line count, id width,
    stratum names, exclusions), then the ids, stratum codes and weights as little-endian
    arrays, compressed (zlib level 1: the ids are most of it and compress about threefold)."""
    header = json.dumps(
        {
            "lines": len(pool),
            "width": pool.ids.dtype.itemsize,
            "strata": list(pool.stratum_names),
            "excluded": sorted(pool.excluded.items()),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    body = b"".join(
        (
            len(header).to_bytes(4, "big"),
            header,
            pool.ids.tobytes(),
            pool.strata.astype("<i4").tobytes(),
            pool.weights.astype("<i8").tobytes(),
        )
    )
    return _PACKED + zlib.compress(body, 1)


def unpack_pool(data: bytes) -> Pool:
    """``pack_pool``'s inverse; the Pool constructor re-checks order, codes and weights."""
    if not data.startswith(_PACKED):
        raise ValueError("not a packed pool")
    body = zlib.decompress(data[len(_PACKED) :])
    size = int.from_bytes(body[:4], "big")
    header = json.loads(body[4 : 4 + size])
    n, width = header["lines"], header["width"]
    offset = 4 + size
    ids = np.frombuffer(body, dtype=f"S{width}", count=n, offset=offset).copy()
    offset += n * width
    strata = np.frombuffer(body, dtype="<i4", count=n, offset=offset).astype(np.int32)
    offset += 4 * n
    weights = np.frombuffer(body, dtype="<i8", count=n, offset=offset).astype(np.int64)
    if offset + 8 * n != len(body):
        raise ValueError("packed pool has the wrong length")
    return Pool(
        ids,
        strata,
        tuple(header["strata"]),
        weights,
        {int(pos): reason for pos, reason in header["excluded"]},
    )


def write_preview_lines(preview: PoolPreview, pool: TaskPool) -> None:
    """One PreviewLine per pool line, inside the caller's transaction."""
    with _lines_written(PreviewLine, "preview_id", preview.pk, pool, {}, positions=True):
        pass


@contextmanager
def _lines_written(
    model: type[PoolEntry] | type[PreviewLine],
    owner: str,
    owner_id: int,
    pool: TaskPool,
    constants: dict[str, Any],
    *,
    positions: bool,
) -> Iterator[None]:
    excluded = pool.excluded
    pi: Sequence[int] = pool.pi_units or [0] * len(pool)
    if connection.vendor == "postgresql":
        with (
            paused_gc(),
            _copying_lines(model, owner, owner_id, pool, pi, constants, positions=positions),
        ):
            yield
        return
    yield
    batch: list[Any] = []
    for i in range(len(pool)):
        batch.append(
            model(
                **{owner: owner_id},
                target_id=pool.target_ids[i],
                credit_code=pool.codes[i],
                stratum=pool.strata[i],
                weight=pool.weights[i],
                excluded=excluded.get(i, ""),
                pi_units=pi[i],
                profile=pool.profiles[i],
                **({"position": i} if positions else {}),
                **constants,
            )
        )
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


@contextmanager
def _copying_lines(
    model: type[PoolEntry] | type[PreviewLine],
    owner: str,
    owner_id: int,
    pool: TaskPool,
    pi: Sequence[int],
    constants: dict[str, Any],
    *,
    positions: bool,
) -> Iterator[None]:
    """COPY in text format, formatted here column-wise in bulk: psycopg's per-row
    write_row costs ~6 µs a row, joining columns with C-level map/zip well under one."""
    names = {name: _copy_text(name) for name in set(pool.strata)}
    codes = pool.codes
    if any(c in "".join(codes) for c in "\\\t\n\r"):
        codes = [_copy_text(c) for c in codes]
    excluded = [""] * len(pool)
    for i, code in pool.excluded.items():
        excluded[i] = _copy_text(code)
    # Constant columns are booleans here; COPY's text format spells them t/f.
    fixed = [("t" if v else "f") if isinstance(v, bool) else str(v) for v in constants.values()]
    numbered = ("position",) if positions else ()
    columns_sql = ", ".join((owner, *_LINE_COLUMNS, *numbered, *constants))
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cur,
        cur.cursor.copy(
            f"COPY {table} ({columns_sql}) FROM STDIN",
            # Sent from a thread: the next batch is formatted here while the server takes in
            # the last one (the two were a second and two seconds back to back at 10^6).
            writer=QueuedLibpqWriter(cur.cursor),
        ) as copy,
    ):
        step = BATCH * 20
        for lo in range(0, len(pool), step):
            hi = min(lo + step, len(pool))
            columns = zip(
                repeat(str(owner_id), hi - lo),
                map(str, pool.target_ids[lo:hi]),
                codes[lo:hi],
                map(names.__getitem__, pool.strata[lo:hi]),
                map(str, pool.weights[lo:hi]),
                excluded[lo:hi],
                map(str, pi[lo:hi]),
                map(str, pool.profiles[lo:hi]),
                *((map(str, range(lo, hi)),) if positions else ()),
                *(repeat(v, hi - lo) for v in fixed),
                strict=True,
            )
            copy.write("\n".join(map("\t".join, columns)) + "\n")
        # Every row is queued; the writer thread and the server are still at it.
        yield


def committed_pool(draw: Draw) -> Pool:
    """The committed pool lines as the engine's Pool (canonical order): unpacked from the
    draw's PoolColumns, or for a draw committed before they were kept, from its rows."""
    packed = PoolColumns.objects.filter(draw=draw).values_list("data", flat=True).first()
    if packed is not None:
        return unpack_pool(bytes(packed))
    with paused_gc(), connection.cursor() as cur:
        cur.execute(
            f"SELECT credit_code, stratum, weight, excluded FROM "
            f"{connection.ops.quote_name(PoolEntry._meta.db_table)} WHERE draw_id = %s",
            [draw.pk],
        )
        rows = cur.fetchall()
    # Code-point order of str is the UTF-8 byte order the protocol sorts by.
    rows.sort(key=itemgetter(0))
    codes = [r[0] for r in rows]
    return Pool.from_arrays(
        codes,
        [r[1] for r in rows],
        [int(r[2]) for r in rows],
        {r[0]: r[3] for r in rows if r[3]},
    )


def proof_document(draw: Draw) -> dict[str, Any] | None:
    """The draw's whole proof document (with its pool lines), as published and verified.

    Draws store their proof without the pool: the pool is the committed snapshot, already
    in PoolEntry and bound to the commitment's root, and a million-line copy in a JSON
    column cost seconds on every save and read. Proofs stored with their pool (before this
    change) are returned as stored."""
    if draw.proof is None:
        return None
    if _POOL in draw.proof:
        return draw.proof
    return {**draw.proof, _POOL: committed_pool(draw).lines()}


def proof_file_bytes(draw: Draw) -> bytes:
    """The proof document's canonical bytes (what the verifiers read), formatted from the
    snapshot's columns without a Python object per pool line."""
    assert draw.proof is not None
    if _POOL in draw.proof:
        return canonical_bytes(draw.proof)
    return proof_bytes(draw.proof, committed_pool(draw))
