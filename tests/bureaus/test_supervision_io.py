"""Import and export of the 监管等级 / 重点行业 columns when departments keep their own values:
on a target other departments supervise too, a department's import writes its own values and
its export shows them; a target of its own alone, or a new one, carries the entity's."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import Supervision, Target
from tests.bureaus.conftest import Tree
from tests.directory.test_import_support import (  # noqa: F401 - media_in_tmp is a fixture
    TARGET_HEADERS,
    commit,
    csv_bytes,
    media_in_tmp,
    target_row,
    write,
)
from tests.factories import TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

GRADE, KEY = "内部监管等级", "重点行业"


def _code(n: int) -> str:
    return make_code("91", "640104", f"{n:09d}")


def _own(target: Target, department: object) -> tuple[object, object]:
    link = Supervision.objects.get(target=target, department=department)
    return link.supervision_grade, link.key_industry


def _file(tmp_path: Path, name: str, *rows: list[object]) -> Path:
    return write(tmp_path, csv_bytes([TARGET_HEADERS, *rows]), name)


def _exported(user: object) -> dict[str, dict[str, object]]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(reverse("directory:export", args=["targets"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = list(wb.worksheets[0].iter_rows(values_only=True))
    return {str(row[0]): dict(zip(header, row, strict=True)) for row in rows}


def test_an_import_writes_the_importers_own_values_on_a_shared_target(
    tree: Tree, tmp_path: Path
) -> None:
    shared = TargetFactory(
        credit_code=_code(1), departments=[tree.p.dept, tree.dept_b], name="两区共管公司"
    )
    row = target_row(_code(1), "两区共管公司", **{GRADE: "四级", KEY: "是"})
    counts = commit(tree.section_b, "targets", _file(tmp_path, "b.csv", row))
    assert counts["updated"] == 1
    shared.refresh_from_db()
    assert (shared.supervision_grade, shared.key_industry) == (2, False)  # the entity's stay
    assert _own(shared, tree.dept_b) == (4, True)
    assert _own(shared, tree.p.dept) == (None, None)
    # The target's history snapshot of this import holds 乙区's own values.
    latest = shared.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_user == tree.section_b
    snapshot = {r.department_id: r.supervision_grade for r in latest.departments.all()}
    assert snapshot == {tree.p.dept.pk: None, tree.dept_b.pk: 4}
    # Each district's export shows what it sees; re-importing 乙区's changes nothing.
    assert _exported(tree.section_b)[_code(1)][GRADE] == "四级"
    assert _exported(tree.section_b)[_code(1)][KEY] == "是"
    assert _exported(tree.p.section)[_code(1)][GRADE] == "二级"
    again = commit(tree.section_b, "targets", _file(tmp_path, "b2.csv", row))
    assert again == {"created": 0, "updated": 0, "unchanged": 1}


def test_a_target_of_one_department_and_a_new_one_carry_the_entity_values(
    tree: Tree, tmp_path: Path
) -> None:
    own_only = TargetFactory(credit_code=_code(2), departments=[tree.dept_b], name="乙区独管公司")
    rows = [
        target_row(_code(2), "乙区独管公司", **{GRADE: "三级"}),
        target_row(_code(3), "新登记公司", **{GRADE: "一级", KEY: "是"}),
    ]
    counts = commit(tree.section_b, "targets", _file(tmp_path, "b.csv", *rows))
    assert (counts["created"], counts["updated"]) == (1, 1)
    own_only.refresh_from_db()
    assert own_only.supervision_grade == 3
    assert _own(own_only, tree.dept_b) == (None, None)
    new = Target.objects.get(credit_code=_code(3))
    assert (new.supervision_grade, new.key_industry) == (1, True)
    assert _own(new, tree.dept_b) == (None, None)
