"""Migration 0004 turns the auto-created table of Target.departments into the explicit
through model Supervision: existing links stay as they are, with no own values."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

BEFORE = [("directory", "0003_target_flag_partial_indexes")]
AFTER = [("directory", "0004_supervision_through_with_own_attributes")]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    accounts = [n for n in executor.loader.graph.leaf_nodes() if n[0] == "accounts"]
    return executor.loader.project_state([*targets, *accounts]).apps


def test_existing_links_become_supervisions_following_the_entity() -> None:
    old = _migrate(BEFORE)
    try:
        Department = old.get_model("accounts", "Department")  # type: ignore[attr-defined]
        Bureau = old.get_model("accounts", "Bureau")  # type: ignore[attr-defined]
        Target = old.get_model("directory", "Target")  # type: ignore[attr-defined]
        bureau = Bureau.objects.first() or Bureau.objects.create(code="mig", name="迁移局")
        a = Department.objects.create(code="mig-a", name="迁移甲科", bureau=bureau)
        b = Department.objects.create(code="mig-b", name="迁移乙科", bureau=bureau)
        target = Target.objects.create(
            credit_code="91640106MA00000001", name="迁移企业", kind="enterprise"
        )
        target.departments.add(a, b)
        link_ids = sorted(Target.departments.through.objects.values_list("id", flat=True))
    finally:
        new = _migrate(AFTER)
    Supervision = new.get_model("directory", "Supervision")  # type: ignore[attr-defined]
    rows = Supervision.objects.order_by("id")
    assert [r.id for r in rows] == link_ids
    assert {r.department_id for r in rows} == {a.pk, b.pk}
    assert all(r.supervision_grade is None and r.key_industry is None for r in rows)
    # The unique (target, department) pair is still enforced.
    with pytest.raises(IntegrityError), transaction.atomic():
        Supervision.objects.create(target_id=target.pk, department_id=a.pk)
