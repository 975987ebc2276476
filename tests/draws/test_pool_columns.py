"""The committed pool packed into one value (PoolColumns): what the draw and the proof read
instead of a million PoolEntry rows, and why an edited copy cannot steer a draw."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.core.errors import ServiceError
from spotcheck.draws import services as draws
from spotcheck.draws.models import PoolColumns, PoolEntry
from spotcheck.draws.pool import TaskPool, build_pool
from spotcheck.draws.snapshot import committed_pool, pack_pool, unpack_pool
from spotcheck.engine.merkle import pool_root
from spotcheck.engine.pool import Pool
from spotcheck.engine.probability import M
from tests.draws.test_pool_snapshot import _commit
from tests.workflow_fixtures import World

IDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=20,
)
STRATA = st.sampled_from(["A", "B", "良田\t镇\\北", "未分区", "F"])


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(IDS, st.tuples(STRATA, st.integers(1, 2**62), st.booleans()), min_size=1))
def test_packed_columns_unpack_to_the_same_pool(lines: dict[str, Any]) -> None:
    codes = list(lines)
    try:
        pool = Pool.from_arrays(
            codes,
            [lines[c][0] for c in codes],
            [lines[c][1] for c in codes],
            {c: "deregistered" for c in codes if lines[c][2]},
        )
    except Exception:  # an id the engine refuses (e.g. surrounding spaces): not this test's
        return
    back = unpack_pool(pack_pool(pool))
    assert back.ids.tobytes() == pool.ids.tobytes() and back.ids.dtype == pool.ids.dtype
    assert back.stratum_names == pool.stratum_names
    assert np.array_equal(back.strata, pool.strata)
    assert np.array_equal(back.weights, pool.weights)
    assert dict(back.excluded) == dict(pool.excluded)
    assert pool_root(back, "sha256") == pool_root(pool, "sha256")


def test_unpack_refuses_other_bytes() -> None:
    with pytest.raises(ValueError):
        unpack_pool(b"not a pool")
    packed = pack_pool(Pool.from_arrays(["A1", "B2"], ["x", "y"], [1, 2]))
    head, body = packed.split(b"\n", 1)
    truncated = zlib.compress(zlib.decompress(body)[:-8], 1)
    with pytest.raises(ValueError):
        unpack_pool(head + b"\n" + truncated)


@pytest.mark.django_db
def test_commit_packs_the_pool_and_the_rows_agree(world: World) -> None:
    draw = _commit(world, world.approved_task(stratify_by="credit_class"))
    assert PoolColumns.objects.filter(draw=draw).exists()
    packed = committed_pool(draw)
    assert pool_root(packed, "sha256").hex() == draw.commitment["pool"]["root"]
    # A draw committed before the columns were kept reads its rows: the same pool.
    PoolColumns.objects.filter(draw=draw).delete()
    from_rows = committed_pool(draw)
    assert from_rows.ids.tobytes() == packed.ids.tobytes()
    assert np.array_equal(from_rows.weights, packed.weights)
    assert dict(from_rows.excluded) == dict(packed.excluded)
    assert PoolEntry.objects.filter(draw=draw).count() == len(packed)


@pytest.mark.django_db
def test_an_edited_packed_pool_cannot_steer_the_draw(world: World) -> None:
    """An administrator with the database raises one target's weight in the packed copy to
    get it drawn: the draw recomputes the pool's root and refuses."""
    draw = _commit(world, world.approved_task())
    pool = committed_pool(draw)
    weights = pool.weights.copy()
    weights[0] *= 1000
    forged = Pool(pool.ids, pool.strata, pool.stratum_names, weights, pool.excluded)
    PoolColumns.objects.filter(draw=draw).update(data=pack_pool(forged))
    names = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
    with pytest.raises(ServiceError, match="pool differs from the committed pool root"):
        draws.draw_execute(actor=world.p.section, draw=draw, entries=dict.fromkeys(names, "352614"))
    draw.refresh_from_db()
    assert draw.state == "committed" and not draw.team_members.exists()


def _naive_figures(pool: TaskPool) -> list[list[Any]]:
    stats: dict[str, list[int]] = {}
    for i, stratum in enumerate(pool.strata):
        row = stats.setdefault(stratum, [0, 0, 0, 0])
        if i in pool.excluded:
            row[1] += 1
            continue
        p = pool.pi_units[i]
        row[0] += 1
        row[2] += p
        row[3] += p == M
    return [[name, *row] for name, row in stats.items()]


@pytest.mark.django_db
def test_strata_figures_count_every_line(world: World) -> None:
    from spotcheck.directory.models import TargetStatus

    world.targets[0].status = TargetStatus.DEREGISTERED
    world.targets[0].save(update_fields=["status"])
    pool = build_pool(
        world.approved_task(
            stratify_by="credit_class", sample={"mode": "count", "values": {"*": 1}}
        )
    )
    assert pool.excluded and pool.strata_figures() == _naive_figures(pool)


@pytest.mark.django_db
@pytest.mark.parametrize("flags", [[], ["key_industry"]])
def test_single_department_scope_reads_what_the_general_one_reads(
    world: World, flags: list[str]
) -> None:
    """A task of the lead department alone reads its scope with one inner join on the lead's
    links; the general path (semi-join + the lead's view) must give the same lines and the
    same values, the lead's own grade and flag included, and with a 重点行业 filter (which
    has joined the lead's view already) too."""
    from spotcheck.credit.selectors import department_risk_columns
    from spotcheck.directory.models import Supervision
    from spotcheck.draws.scope import scope_queryset, weighed_scope
    from tests.factories import DepartmentFactory, TargetFactory

    other = DepartmentFactory()
    TargetFactory(departments=[other])  # out of scope
    shared = world.targets[0]
    shared.departments.add(other)
    Supervision.objects.filter(target=shared, department=world.p.dept).update(
        supervision_grade=4, key_industry=True
    )
    Supervision.objects.filter(target=world.targets[1], department=world.p.dept).update(
        supervision_grade=1
    )
    task = world.approved_task()
    if flags:
        task.filters = {**task.filters, "flags": flags}
        task.save(update_fields=["filters"])
    assert list(task.departments.values_list("pk", flat=True)) == [task.lead_department_id]
    fast, fast_columns = weighed_scope(task)
    general, columns = department_risk_columns(scope_queryset(task), task.lead_department_id)
    rows = sorted(fast.order_by().values_list("pk", *fast_columns))
    assert rows == sorted(general.order_by().values_list("pk", *columns))
    by_pk = {row[0]: row for row in rows}
    assert by_pk[shared.pk][2] == 4 and by_pk[shared.pk][7] is True
    if flags:
        assert all(row[7] is True for row in rows)
        return
    assert len(rows) == len(world.targets)
    assert by_pk[world.targets[1].pk][2] == 1


@pytest.mark.django_db
def test_the_pool_read_in_small_chunks_and_out_of_order_is_the_same_pool(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool's rows come through a server-side cursor a chunk at a time and are sorted
    into canonical order by the application: chunks of 7 over rows that the database
    returns out of code order must give the pool that one chunk gives."""
    from spotcheck.directory.models import Supervision, TargetStatus
    from spotcheck.draws import scope
    from tests.factories import TargetFactory

    # New targets whose codes sort before the world's, inserted in descending code order,
    # one of them inactive and one graded by the lead itself (shared values and keys).
    codes = sorted((t.credit_code for t in world.targets), reverse=True)
    made = [
        TargetFactory(
            departments=[world.p.dept],
            credit_code=code.replace("91640106", "91640105", 1),
            credit_class="ABCD"[k % 4],
        )
        for k, code in enumerate(codes[:12])
    ]
    made[3].status = TargetStatus.REVOKED
    made[3].save()
    Supervision.objects.filter(target=made[5], department=world.p.dept).update(supervision_grade=4)
    task = world.approved_task()
    whole = build_pool(task)
    monkeypatch.setattr(scope, "FETCH_ROWS", 7)
    chunked = build_pool(task)
    assert len(chunked) == len(world.targets) + 12
    assert chunked.codes == sorted(chunked.codes)
    for name in ("target_ids", "codes", "strata", "weights", "profiles", "pi_units"):
        assert getattr(chunked, name) == getattr(whole, name), name
    assert chunked.excluded == whole.excluded and chunked.excluded
