"""The large-pool path: weights per shared risk profile, the snapshot written and read back
without model instances, and the task page's committed figures counted by the database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.credit.selectors import RiskProfiles
from spotcheck.draws import services as draws
from spotcheck.draws.models import PoolEntry
from spotcheck.draws.pool import build_pool
from spotcheck.draws.scope import scope_queryset
from spotcheck.draws.snapshot import committed_pool
from spotcheck.engine.merkle import pool_root
from spotcheck.engine.risk import DEFAULT_RISK_CONFIG, compute_weight
from tests.factories import TargetFactory
from tests.workflow_fixtures import World

CONFIG = {
    **DEFAULT_RISK_CONFIG,
    "sector_levels": {"F": "low", "F52": "high", "O80": "medium"},
    "region_levels": {"良田镇": "high", "丰登镇": "low"},
}
VALUES = st.tuples(
    st.sampled_from("ABCD"),
    st.sampled_from([1, 2, 3, 4, 9]),
    st.integers(0, 20),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["", "F", "F5211", "F5291", "O8010", "L7212"]),
    st.sampled_from(["", "良田镇", "丰登镇", "黄河东路街道"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(VALUES, st.integers(0, 5)), min_size=1, max_size=40))
def test_shared_profiles_weigh_exactly_as_compute_weight(rows: list[Any]) -> None:
    profiles = RiskProfiles(CONFIG)
    for values, problems in rows:
        weight, index = profiles.weigh(values, problems)
        attrs = profiles.attributes(values, problems)
        expected, factors = compute_weight(attrs, CONFIG)
        assert weight == expected
        assert profiles.factor_sets[index] == [
            {"code": f.code, "label": f.label_zh, "multiplier": f.multiplier, "detail": f.detail}
            for f in factors
        ]
    # One profile per distinct set of attributes, never one per target.
    assert len(profiles.factor_sets) <= len({(v, p) for v, p in rows})


def _commit(world: World, task: Any) -> Any:
    return draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )


@pytest.mark.django_db
def test_snapshot_reads_back_as_the_committed_pool(world: World) -> None:
    task = world.approved_task(stratify_by="credit_class")
    live = build_pool(task)
    draw = _commit(world, task)
    pool = committed_pool(draw)
    assert pool_root(pool, "sha256").hex() == draw.commitment["pool"]["root"]
    entries = {e.credit_code: e for e in PoolEntry.objects.filter(draw=draw)}
    assert sorted(entries) == live.codes
    for line in live.lines:
        entry = entries[line.credit_code]
        assert (entry.target_id, entry.stratum, entry.weight, entry.pi_units) == (
            line.target_id,
            line.stratum,
            line.weight,
            line.pi_units,
        )
        assert entry.factors == line.factors


@pytest.mark.django_db
def test_a_target_of_two_task_departments_is_one_line(world: World) -> None:
    from tests.factories import CheckItemFactory, DepartmentFactory

    partner = DepartmentFactory()
    world.targets[0].departments.add(partner)
    item = CheckItemFactory(department=partner, target_kinds=["enterprise"])
    task = world.task(mode="joint", partner_departments=[partner], items=[world.item, item])
    assert scope_queryset(task).filter(pk=world.targets[0].pk).count() == 1
    assert build_pool(task).codes.count(world.targets[0].credit_code) == 1


def _section(page: str, table_id: str) -> str:
    match = re.search(rf'<table class="list" id="{table_id}">(.*?)</table>', page, re.S)
    assert match is not None, table_id
    return match.group(1)


@pytest.mark.django_db
def test_committed_pool_page_shows_what_the_preview_showed(client: Client, world: World) -> None:
    for _ in range(6):
        TargetFactory(departments=[world.p.dept], credit_class="D", complaint_count=3)
    task = world.approved_task(
        stratify_by="credit_class", sample={"mode": "count", "values": {"*": 2}}
    )
    client.force_login(world.p.section)
    url = reverse("planning:task_detail", args=[task.pk])
    before = client.get(url).content.decode()
    _commit(world, task)
    after = client.get(url).content.decode()
    # Same strata figures (now counted by the database) and the same lines, names, weights,
    # reasons and probabilities (reasons now from the draw's shared profiles).
    assert _section(before, "strata-table") == _section(after, "strata-table")
    assert _section(before, "preview-table") == _section(after, "preview-table")
    assert "投诉举报" in after and world.targets[0].name in after
    # The figures kept with the draw agree with counting the snapshot (how draws committed
    # before they were kept are still shown).
    from spotcheck.draws.models import Draw
    from spotcheck.planning.views_preview import _committed_strata

    draw = Draw.objects.get(task=task)
    assert draw.pool_strata
    kept = _committed_strata(draw)
    Draw.objects.filter(pk=draw.pk).update(pool_strata=[])
    draw.refresh_from_db()
    assert kept == _committed_strata(draw)
    # The pager's count is the commitment's line count (not a COUNT over the snapshot).
    lines = PoolEntry.objects.filter(draw=draw).count()
    assert draw.commitment["pool"]["count"] == lines and f"共 {lines} 条" in after
    assert _section(client.get(url).content.decode(), "strata-table") == _section(
        after, "strata-table"
    )


@pytest.mark.django_db
def test_proof_is_stored_without_its_pool_and_served_whole(world: World) -> None:
    from spotcheck.draws.snapshot import proof_document, proof_file_bytes
    from spotcheck.engine.canonical import canonical_bytes
    from spotcheck.engine.verify import verify_proof

    draw = _commit(world, world.approved_task())
    names = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
    draw = draws.draw_execute(
        actor=world.p.section, draw=draw, entries=dict.fromkeys(names, "352614")
    )
    draw.refresh_from_db()
    assert draw.proof is not None and "pool" not in draw.proof
    document = proof_document(draw)
    assert document is not None and len(document["pool"]) == len(world.targets)
    assert verify_proof(document)[0] == []
    assert proof_file_bytes(draw) == canonical_bytes(document)
    # A proof stored whole (before this change) is served as stored.
    draw.proof = document
    draw.save(update_fields=["proof"])
    assert proof_document(draw) is draw.proof
    assert proof_file_bytes(draw) == canonical_bytes(document)


@pytest.mark.django_db
def test_snapshot_keeps_strata_with_tabs_and_backslashes(world: World) -> None:
    """Region names are free text from imports: the COPY path must escape them."""
    odd = "良田\t镇\\北\n区"
    for target in world.targets[:10]:
        target.region = odd
        target.save(update_fields=["region"])
    task = world.approved_task(stratify_by="region", sample={"mode": "count", "values": {"*": 1}})
    draw = _commit(world, task)
    stored = set(PoolEntry.objects.filter(draw=draw).values_list("stratum", flat=True))
    assert odd in stored and stored == {t.region or "未分区" for t in world.targets}
    assert pool_root(committed_pool(draw), "sha256").hex() == draw.commitment["pool"]["root"]


def _shortfall_from_built_pool(task: Any) -> str:
    from spotcheck.core.errors import ServiceError
    from spotcheck.draws.pool import shortfall_message

    try:
        pool = build_pool(task)
    except ServiceError as exc:
        return shortfall_message(error=exc.message)
    return shortfall_message(pool=pool)


@pytest.mark.django_db
def test_counted_pool_check_agrees_with_the_built_pool(world: World) -> None:
    from spotcheck.directory.models import TargetStatus
    from spotcheck.draws.pool import pool_shortfall, stratum_counts

    world.staff_for_full_draws()
    # Two draws of every class-A target fill their yearly cap: capped lines are excluded.
    for _ in range(2):
        task = world.approved_task(
            mode="directed",
            filters={"credit_class": "A"},
            sample={"mode": "count", "values": {"*": 8}},
        )
        draw = _commit(world, task)
        names = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
        draws.draw_execute(actor=world.p.section, draw=draw, entries=dict.fromkeys(names, "352614"))
    world.targets[1].status = TargetStatus.DEREGISTERED
    world.targets[1].save(update_fields=["status"])
    cases = [
        {},
        {"stratify_by": "credit_class"},
        {"stratify_by": "credit_class", "sample": {"mode": "count", "values": {"*": 7}}},
        {"stratify_by": "credit_class", "sample": {"mode": "count", "values": {"A": 1, "*": 2}}},
        {"stratify_by": "region", "sample": {"mode": "ratio", "values": {"*": "0.1"}}},
        {"sample": {"mode": "ratio", "values": {"*": "0.01"}}},
        {"sample": {"mode": "ratio", "values": {"*": "0"}, "minimum": 0}},
        {"stratify_by": "industry", "sample": {"mode": "count", "values": {"*": 40}}},
        {"mode": "directed", "filters": {"credit_class": "A"}},
        {"mode": "directed", "filters": {"credit_class": "A"}, "stratify_by": "credit_class"},
        {"mode": "directed", "filters": {"kind": "individual"}},
        {
            "mode": "directed",
            "filters": {"credit_class": "A"},
            "sample": {"mode": "ratio", "values": {"*": "0.5"}},
        },
    ]
    seen = set()
    for overrides in cases:
        task = world.task(**overrides)
        counted = pool_shortfall(task)
        assert counted == _shortfall_from_built_pool(task), overrides
        seen.add(counted.split("：")[0])
        lines, eligible = stratum_counts(task)
        pool = build_pool(task) if counted == "" else None
        if pool is not None:
            assert (lines, eligible) == (len(pool), pool.eligible_by_stratum())
    # The cases cover: drawable, a stratum too small, all excluded, empty scope, zero sample.
    assert len(seen) == 5, seen


@pytest.mark.django_db
def test_the_execution_copies_drawn_lines_and_never_writes_the_snapshot(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spotcheck.draws.models import DrawnLine

    draw = _commit(world, world.approved_task())
    snapshot = list(PoolEntry.objects.filter(draw=draw).order_by("credit_code").values())
    names = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
    with CaptureQueriesContext(connection) as queries:
        draw = draws.draw_execute(
            actor=world.p.section, draw=draw, entries=dict.fromkeys(names, "352614")
        )
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'\s*(UPDATE|DELETE FROM|INSERT INTO)\s+"?draws_poolentry', q["sql"])
    ]
    assert writes == []
    assert list(PoolEntry.objects.filter(draw=draw).order_by("credit_code").values()) == snapshot
    # The drawn lines are the proof's selection, each a copy of its snapshot line.
    assert draw.proof is not None
    chosen = sorted(s["id"] for s in draw.proof["result"]["selected"])
    lines = list(DrawnLine.objects.filter(draw=draw).order_by("credit_code").values())
    assert [line["credit_code"] for line in lines] == chosen
    by_code = {row["credit_code"]: row for row in snapshot}
    assert all(line == by_code[line["credit_code"]] for line in lines)


@pytest.mark.django_db
def test_a_drawn_code_missing_from_the_snapshot_is_refused(world: World) -> None:
    from spotcheck.draws.snapshot import copy_drawn_lines

    draw = _commit(world, world.approved_task())
    code = PoolEntry.objects.filter(draw=draw).values_list("credit_code", flat=True).first()
    assert code is not None
    with pytest.raises(ValueError, match="2 drawn codes, 1 found"):
        copy_drawn_lines(draw, [code, "9164010600000000XX"])
