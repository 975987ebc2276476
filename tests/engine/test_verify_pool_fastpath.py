"""The verifier's one-pass pool check must never accept what the line-by-line checks refuse."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.engine.verify import Shape, _pool_lines_clean, _Problems

TEXT = st.text(st.sampled_from(list("ab中 \x00\t9")), max_size=4)
VALUE = st.one_of(TEXT, st.integers(-2, 2**41), st.booleans(), st.none(), st.floats(0, 2))
LINE = st.one_of(
    st.fixed_dictionaries(
        {"id": TEXT, "stratum": TEXT, "weight": st.integers(-1, 2**41)},
        optional={"excluded": st.one_of(st.sampled_from(["revoked", "Bad", "", "a" * 41]), VALUE)},
    ),
    st.dictionaries(st.sampled_from(["id", "stratum", "weight", "excluded", "x"]), VALUE),
    VALUE,
)


def _slow_problems(lines: Any) -> list[Any]:
    """What the line-by-line checks report (the caller switches the fast check off)."""
    out = _Problems()
    Shape(out).pool(lines)
    return out.items


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE, max_size=6))
def test_fast_check_agrees_with_the_line_by_line_checks(lines: list[Any]) -> None:
    import spotcheck.engine.verify as v

    clean = _pool_lines_clean(lines)
    real = v._pool_lines_clean
    try:
        v._pool_lines_clean = lambda _lines: False  # type: ignore[assignment]
        problems = _slow_problems(lines)
    finally:
        v._pool_lines_clean = real
    assert clean == (not problems), (lines, [p.check for p in problems])


def test_sorted_valid_pool_passes_fast() -> None:
    lines = [
        {"id": "A1", "stratum": "s", "weight": 1},
        {"excluded": "revoked", "id": "B2", "stratum": "s", "weight": 2**40},
        {"id": "中", "stratum": "t", "weight": 7},
    ]
    assert _pool_lines_clean(lines)
    assert not _pool_lines_clean(list(reversed(lines)))
    assert not _pool_lines_clean([*lines, lines[-1]])
