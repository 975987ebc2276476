"""Imports write only into the importer's own department (issue 13).

A section clerk's file may name other departments only where they already regulate an existing
target (as an export lists them); any row that would put a target, an item or an inspector into
another department is refused with its row and column, and nothing of the file is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.audit.models import AuditEvent
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.importing.services import ImportBlocked
from spotcheck.directory.models import CheckItem, Inspector, Target
from tests.conftest import Personas
from tests.directory.test_import_support import (
    INSPECTOR_HEADERS,
    ITEM_HEADERS,
    TARGET_HEADERS,
    commit,
    csv_bytes,
    messages_of,
    target_row,
    validate,
    write,
)
from tests.factories import DepartmentFactory, TargetFactory

pytestmark = pytest.mark.django_db
REFUSED = "只能导入本部门（市场建设科）监管的检查对象，不能把检查对象加入其他部门"


def code(n: int) -> str:
    return make_code("91", "640106", f"{n:09d}")


def _snapshot() -> tuple[int, ...]:
    through = Target.departments.through
    return (
        Target.objects.count(),
        through.objects.count(),
        Target.history.count(),
        CheckItem.objects.count(),
        Inspector.objects.count(),
        AuditEvent.objects.count(),
    )


def test_rows_for_other_departments_are_refused_and_nothing_is_written(
    personas: Personas, tmp_path: Path
) -> None:
    DepartmentFactory(code="amr", name="区市场监督管理局", is_external=True)
    rows = [
        TARGET_HEADERS,
        target_row(code(1), "本部门对象", 监管部门="市场建设科"),
        target_row(code(2), "他部门对象", 监管部门="商贸流通科"),
        target_row(code(3), "外部机关对象", 监管部门="市场建设科、区市场监督管理局"),
        target_row(code(4), "留空即本部门"),
    ]
    path = write(tmp_path, csv_bytes(rows), "cross.csv")
    plan = validate(personas.section, "targets", path)
    assert messages_of(plan) == [
        f"3|监管部门|{REFUSED}（商贸流通科）",
        f"4|监管部门|{REFUSED}（区市场监督管理局）",
    ]
    before = _snapshot()
    with pytest.raises(ImportBlocked):
        commit(personas.section, "targets", path)
    assert _snapshot() == before


def test_an_existing_shared_target_may_name_its_departments_but_not_add_one(
    personas: Personas, tmp_path: Path
) -> None:
    third = DepartmentFactory(code="third", name="第三科")
    shared = TargetFactory(credit_code=code(1), departments=[personas.dept, personas.other_dept])
    # As exported: both departments listed; renaming is ours to do, the link stays theirs.
    ok = [TARGET_HEADERS, target_row(code(1), "改名", 监管部门="市场建设科、商贸流通科")]
    commit(personas.section, "targets", write(tmp_path, csv_bytes(ok), "ok.csv"))
    shared.refresh_from_db()
    assert shared.name == "改名"
    # Leaving the other department out does not remove it ...
    out = [TARGET_HEADERS, target_row(code(1), "改名", 监管部门="")]
    commit(personas.section, "targets", write(tmp_path, csv_bytes(out), "out.csv"))
    assert set(shared.departments.all()) == {personas.dept, personas.other_dept}
    # ... and adding a third is refused.
    add = [TARGET_HEADERS, target_row(code(1), "改名", 监管部门="市场建设科、第三科")]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(add), "add.csv"))
    assert messages_of(plan) == [f"2|监管部门|{REFUSED}（第三科）"]
    assert third not in shared.departments.all()


def test_items_and_inspectors_of_other_departments_are_refused(
    personas: Personas, tmp_path: Path, today: dt.date
) -> None:
    items = [ITEM_HEADERS, ["X-1", "名称", "依据", "商贸流通科", "内容", "网站", "", "", ""]]
    plan = validate(personas.section, "items", write(tmp_path, csv_bytes(items), "i.csv"))
    assert messages_of(plan) == ["2|检查主体|只能导入本部门（市场建设科）的抽查事项"]
    inspector = dict.fromkeys(INSPECTOR_HEADERS, "")
    inspector.update(
        {
            "执法证号": "64010620000009",
            "姓名": "李四",
            "所属部门": "商贸流通科",
            "执法证有效期起": (today - dt.timedelta(days=30)).isoformat(),
            "执法证有效期止": (today + dt.timedelta(days=300)).isoformat(),
        }
    )
    rows = [INSPECTOR_HEADERS, [inspector[h] for h in INSPECTOR_HEADERS]]
    plan = validate(personas.section, "inspectors", write(tmp_path, csv_bytes(rows), "p.csv"))
    assert messages_of(plan) == ["2|所属部门|只能导入本部门（市场建设科）的执法检查人员"]
    before = _snapshot()
    with pytest.raises(ImportBlocked):
        commit(personas.section, "inspectors", write(tmp_path, csv_bytes(rows), "p2.csv"))
    assert _snapshot() == before


DEPARTMENT_CELLS = st.lists(
    st.sampled_from(
        ["市场建设科", "商贸流通科", "market", "trade", " 市场建设科 ", "ＭＡＲＫＥＴ"]
    ),
    max_size=3,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(DEPARTMENT_CELLS, min_size=1, max_size=6))
def test_whatever_the_department_cells_no_row_reaches_another_department(
    personas: Personas, tmp_path: Path, cells: list[list[str]]
) -> None:
    """Property: a row is planned only if it names no department but the importer's own (by
    name or code, in any spelling the parser accepts); every other row is an error."""
    rows = [TARGET_HEADERS]
    for i, names in enumerate(cells):
        rows.append(target_row(code(100 + i), f"公司{i}", 监管部门="、".join(names)))
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "h.csv"))
    foreign = {
        i + 2
        for i, names in enumerate(cells)
        if any(n.strip().lower() in {"商贸流通科", "trade"} for n in names)
    }
    assert {p.row for p in plan.problems} == foreign
    assert all(c.m2m["departments"] == {personas.dept.pk} for c in plan.creates)
    assert len(plan.creates) == len(cells) - len(foreign)
