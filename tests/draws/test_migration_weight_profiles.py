"""Migration 0006 moves each pool line's weight reasons into its draw's shared profiles:
nothing of an existing snapshot may be lost on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

BEFORE = [("draws", "0005_draw_conflict_key_and_recusal_reason_code")]
AFTER = [("draws", "0006_pool_entries_share_weight_profiles")]
FACTORS = [
    [],
    [{"code": "credit_class", "label": "信用风险分类", "multiplier": "4", "detail": "D"}],
    [
        {"code": "credit_class", "label": "信用风险分类", "multiplier": "0.5", "detail": "A"},
        {"code": "complaints", "label": "投诉举报", "multiplier": "1.6", "detail": "3"},
    ],
]


def _migrate(targets: list[tuple[str, str]]) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # Migrating draws back leaves the accounts app where it is (its tables keep the bureau
    # column), so the state the rows are written with must have it too.
    accounts = [n for n in executor.loader.graph.leaf_nodes() if n[0] == "accounts"]
    return executor.loader.project_state([*targets, *accounts]).apps


def test_existing_pool_lines_keep_their_weight_reasons(today: dt.date) -> None:
    old = _migrate(BEFORE)
    try:
        Department = old.get_model("accounts", "Department")  # type: ignore[attr-defined]
        User = old.get_model("accounts", "User")  # type: ignore[attr-defined]
        Target = old.get_model("directory", "Target")  # type: ignore[attr-defined]
        Task = old.get_model("planning", "SpotCheckTask")  # type: ignore[attr-defined]
        Draw = old.get_model("draws", "Draw")  # type: ignore[attr-defined]
        PoolEntry = old.get_model("draws", "PoolEntry")  # type: ignore[attr-defined]
        dept = Department.objects.create(code="mig", name="迁移测试科")
        user = User.objects.create(username="mig", role="section", department=dept)
        task = Task.objects.create(
            name="迁移测试任务",
            lead_department=dept,
            created_by=user,
            window_start=today,
            window_end=today,
            sample={},
        )
        expected: dict[tuple[int, str], list[dict[str, str]]] = {}
        for d in range(2):
            draw = Draw.objects.create(
                task=task,
                commitment={},
                commitment_digest=f"{d:064d}",
                nonce="0" * 64,
                randomness_kind="witnesses",
                committed_by=user,
                committed_at=timezone.now(),
            )
            for i in range(7):
                target = Target.objects.get_or_create(
                    credit_code=f"91640106{i:010d}",
                    defaults={"name": f"企业{i}", "kind": "enterprise"},
                )[0]
                factors = FACTORS[(i + d) % len(FACTORS)]
                PoolEntry.objects.create(
                    draw=draw,
                    target=target,
                    credit_code=target.credit_code,
                    stratum="全部",
                    weight=1000,
                    factors=factors,
                )
                expected[(draw.pk, target.credit_code)] = factors
        new = _migrate(AFTER)
        NewDraw = new.get_model("draws", "Draw")  # type: ignore[attr-defined]
        NewEntry = new.get_model("draws", "PoolEntry")  # type: ignore[attr-defined]
        for draw in NewDraw.objects.all():
            # One profile per distinct list of reasons, not one per line.
            assert len(draw.weight_profiles) == len(FACTORS)
            for entry in NewEntry.objects.filter(draw=draw):
                assert draw.weight_profiles[entry.profile] == expected[(draw.pk, entry.credit_code)]
        # And back: the reverse migration restores every line's own copy.
        back = _migrate(BEFORE)
        OldEntry = back.get_model("draws", "PoolEntry")  # type: ignore[attr-defined]
        assert {(e.draw_id, e.credit_code): e.factors for e in OldEntry.objects.all()} == expected
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
