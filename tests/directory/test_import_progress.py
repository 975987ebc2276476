"""Issue 15: the import's progress keeps one denominator (the file's rows) from validation
through writing, and never goes backwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spotcheck.directory.creditcode import make_code
from spotcheck.directory.importing.services import import_commit, import_validate
from tests.directory.test_import_support import TARGET_HEADERS, csv_bytes, target_row, write

pytestmark = pytest.mark.django_db

ROWS = 4500  # over the 2000-row reporting step, so intermediate reports happen


def test_progress_denominator_is_the_row_count_throughout(personas: Any, tmp_path: Path) -> None:
    rows = [
        target_row(make_code("91", "640106", f"{n:09d}"), name=f"金凤测试{n}有限公司")
        for n in range(1, ROWS + 1)
    ]
    path = write(tmp_path, csv_bytes([TARGET_HEADERS, *rows]), "targets.csv")
    seen: list[tuple[int, int]] = []

    def record(done: int, total: int) -> None:
        seen.append((done, total))

    import_validate(actor=personas.section, kind="targets", path=path, fmt="csv", progress=record)
    validated = len(seen)
    import_commit(
        actor=personas.section,
        kind="targets",
        path=path,
        fmt="csv",
        filename="targets.csv",
        sha256="0" * 64,
        confirm_warnings=True,
        progress=record,
    )
    assert validated >= 2 and len(seen) > validated
    assert {total for _done, total in seen} == {ROWS}
    for phase in (seen[:validated], seen[validated:]):
        dones = [done for done, _total in phase]
        assert dones == sorted(dones) and dones[-1] == ROWS
