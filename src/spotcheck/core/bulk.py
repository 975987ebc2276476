"""Many rows of one model in one statement, given column-wise.

A draw over a provincial pool writes ten thousand team members and check slots in one
transaction; ``bulk_create`` spends ~80 µs per row building and preparing model instances
(3 s at that size). On PostgreSQL the rows go instead as one array per column into a single
``INSERT … SELECT FROM unnest(…)``: still one statement through Django's cursor, so a
constraint violation is Django's ``IntegrityError`` as before. Other databases keep
``bulk_create``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Model
from django.db.models.lookups import In


def insert_columns(model: type[Model], columns: dict[str, Sequence[Any]]) -> int:
    """Insert ``len(any column)`` rows; ``columns`` maps attribute names (``draw_id``,
    ``position``…) to equally long value lists. Fields left out take their Python default
    on other databases and must be nullable or have a database default on PostgreSQL, so
    pass every non-null column. Returns the number of rows."""
    lengths = {len(values) for values in columns.values()}
    if len(lengths) != 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    (count,) = lengths
    if not count:
        return 0
    if connection.vendor != "postgresql":
        names = list(columns)
        model._default_manager.bulk_create(
            [
                model(**dict(zip(names, row, strict=True)))
                for row in zip(*columns.values(), strict=True)
            ],
            batch_size=2000,
        )
        return count
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    targets = []
    casts = []
    for name in columns:
        field = fields[name]
        targets.append(quote(field.column))
        casts.append(f"%s::{_array_type(field.db_type(connection))}")
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT * FROM unnest({', '.join(casts)})"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [list(values) for values in columns.values()])
    return count


def _array_type(db_type: str | None) -> str:
    if not db_type:
        raise ValueError("a column without a database type")
    # "varchar(40)" -> "varchar(40)[]"; check constraints ("smallint CHECK (…)") are the
    # table's business, not the cast's.
    base = db_type.split(" CHECK")[0].strip()
    return f"{base}[]"


class AnyOf(Lookup):
    """``field__any_of=[…]``: membership in a long list. On PostgreSQL one array parameter
    (``= ANY(%s)``) instead of ``IN`` with one placeholder per value, whose conversion alone
    cost half a second for the ten thousand credit codes of a provincial draw."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        values = list(self.rhs)
        if connection.vendor != "postgresql":
            sql, params = In(self.lhs, values).as_sql(compiler, connection)
            return sql, list(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


Field.register_lookup(AnyOf)
# Foreign keys keep their own lookup table (target_id__any_of=…).
ForeignObject.register_lookup(AnyOf)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Cyclic garbage collection off for the block (reference counting still frees).

    Reading a million-line pool allocates millions of tuples, and each few hundred
    allocations start a collection that walks every tracked object: a second of a
    provincial commitment went to collections that find nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
