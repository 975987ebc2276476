"""Imports with several bureaus: a department's bare name means the importer's own bureau's
(every district has its 市场建设科); "名称（机关名称）" names another bureau's exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from spotcheck.directory.creditcode import make_code
from tests.bureaus.conftest import Tree
from tests.directory.test_import_support import (  # noqa: F401 - media_in_tmp is a fixture
    TARGET_HEADERS,
    csv_bytes,
    media_in_tmp,
    messages_of,
    target_row,
    validate,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def test_a_bare_department_name_is_the_importers_own_bureaus(tree: Tree, tmp_path: Path) -> None:
    name = tree.dept_b.name  # the same as 甲区's 市场建设科
    rows = [TARGET_HEADERS, target_row(make_code("91", "640104", "000000001"), 监管部门=name)]
    plan = validate(tree.section_b, "targets", write(tmp_path, csv_bytes(rows), "b.csv"))
    assert messages_of(plan) == []
    assert plan.creates[0].m2m["departments"] == {tree.dept_b.pk}
    plan = validate(tree.p.section, "targets", write(tmp_path, csv_bytes(rows), "a.csv"))
    assert messages_of(plan) == []
    assert plan.creates[0].m2m["departments"] == {tree.p.dept.pk}
    # Naming the other district's department, qualified by its bureau, is refused as
    # importing into another department, with row and column.
    rows = [
        TARGET_HEADERS,
        target_row(make_code("91", "640104", "000000002"), 监管部门=f"{name}（甲区商务局）"),
    ]
    plan = validate(tree.section_b, "targets", write(tmp_path, csv_bytes(rows), "c.csv"))
    assert len(messages_of(plan)) == 1 and messages_of(plan)[0].startswith("2|监管部门|")


def test_an_export_names_other_bureaus_departments_so_it_imports_back(
    tree: Tree, tmp_path: Path
) -> None:
    from spotcheck.directory.importing.columns import load_context
    from spotcheck.directory.importing.parsers import render_departments

    both = {tree.p.dept.pk, tree.dept_b.pk}
    ctx = load_context(department_id=tree.dept_b.pk)
    rendered = render_departments(both, ctx)
    assert rendered == "、".join(sorted([tree.dept_b.name, f"{tree.p.dept.name}（甲区商务局）"]))
    # The same cell read back by the same department names the same two departments.
    from spotcheck.directory.importing.parsers import departments as parse_departments

    assert parse_departments(rendered, ctx) == frozenset(both)
    # Staff pages tell the two 市场建设科 apart as well.
    assert str(tree.dept_b) == f"{tree.dept_b.name}（乙区商务局）"
