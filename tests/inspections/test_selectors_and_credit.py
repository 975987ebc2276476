"""Who sees which inspections; accepted problem results raise the next draw's weight."""

from __future__ import annotations

import datetime as dt

import pytest

from spotcheck.core.errors import NotAllowed
from spotcheck.draws.pool import build_pool
from spotcheck.inspections import selectors
from spotcheck.inspections.services_followup import penalty_decide
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_submit,
)
from spotcheck.planning import services as planning
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db


def _all_saved(scene: Scene) -> None:
    for target in scene.drawn_targets():
        scene.save(target=target)


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("section", 3),
        ("leader", 3),
        ("auditor", 3),
        ("inspector", None),
        ("other_section", 0),
        ("admin", 0),
        ("legal_reviewer", 0),
    ],
)
def test_inspections_visible_by_role(scene: Scene, who: str, count: int | None) -> None:
    _all_saved(scene)
    user = getattr(scene.p, who)
    visible = selectors.inspections_visible(user=user, task=scene.task)
    if who == "inspector":
        # Only the targets whose team the inspector is on (random: one to three of them).
        me = scene.p.inspector.inspector
        mine = {t.pk for t in scene.drawn_targets() if me in scene.team_of(t)}
        assert scene.target.pk in mine
        assert set(visible.values_list("target", flat=True)) == mine
    else:
        assert visible.count() == count


def test_inspection_for_hides_others(scene: Scene) -> None:
    _all_saved(scene)
    other = scene.draw.inspections.get(target=scene.other_target())
    with pytest.raises(NotAllowed):
        selectors.inspection_for(user=scene.p.inspector, pk=other.pk)
    assert selectors.inspection_for(user=scene.p.auditor, pk=other.pk) == other


def test_draw_overview(scene: Scene) -> None:
    scene.save()
    rows = selectors.draw_overview(user=scene.p.section, draw=scene.draw)
    assert len(rows) == 3
    assert sum(1 for r in rows if r.inspection is not None) == 1
    assert all(len(r.team) >= 2 for r in rows)
    mine = selectors.draw_overview(user=scene.p.inspector, draw=scene.draw)
    assert scene.target in [r.target for r in mine]
    with pytest.raises(NotAllowed):
        selectors.draw_overview(user=scene.p.other_section, draw=scene.draw)


def test_legal_reviewer_queue(scene: Scene) -> None:
    problem = scene.cats["not_disclosed"]
    inspection = scene.save(
        overall_category=problem, item_results=[ItemResultInput(scene.item, problem, "未公示")]
    )
    inspection = inspection_submit(actor=scene.p.section, inspection=inspection)
    inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商合罚〔2026〕9号",
        penalty_kind="licence",
        decided_on=scene.today,
        major=True,
    )
    assert list(selectors.pending_legal_reviews(user=scene.p.legal_reviewer)) == [penalty]
    assert list(selectors.inspections_visible(user=scene.p.legal_reviewer)) == [inspection]
    with pytest.raises(NotAllowed):
        selectors.pending_legal_reviews(user=scene.p.section)
    assert list(selectors.follow_ups_visible(user=scene.p.section)) == [penalty]
    assert list(selectors.follow_ups_visible(user=scene.p.other_section)) == []


def test_accepted_problem_result_raises_the_next_draws_weight(scene: Scene) -> None:
    """Art. 19: results enter the credit record, which feeds later 抽查概率 (Art. 13)."""
    next_task = planning.task_create(
        actor=scene.p.section,
        name="下一轮预付卡抽查",
        mode="undirected",
        items=[scene.item],
        window_start=scene.window[1] + dt.timedelta(days=1),
        window_end=scene.window[1] + dt.timedelta(days=30),
        sample={"mode": "count", "values": {"*": 2}},
    )

    def weights() -> dict[int, int]:
        pool = build_pool(next_task, on=scene.today + dt.timedelta(days=1))
        return {line.target_id: line.weight for line in pool.lines}

    before = weights()
    problem = scene.cats["rectified"]
    inspection = scene.save(
        overall_category=problem,
        item_results=[ItemResultInput(scene.item, problem, "已责令改正")],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    # Submitted is not enough: only an accepted result is a fact about the target.
    assert weights() == before
    inspection_review(actor=scene.p.section, inspection=inspection, accept=True)
    after = weights()
    assert after[scene.target.pk] > before[scene.target.pk]
    others = [pk for pk in before if pk != scene.target.pk]
    assert all(after[pk] == before[pk] for pk in others)
    line = next(
        ln
        for ln in build_pool(next_task, on=scene.today + dt.timedelta(days=1)).lines
        if ln.target_id == scene.target.pk
    )
    assert any(f["code"] == "recent_problems" for f in line.factors)


def test_no_problem_result_leaves_the_weight_alone(scene: Scene) -> None:
    next_task = planning.task_create(
        actor=scene.p.section,
        name="下一轮",
        mode="undirected",
        items=[scene.item],
        window_start=scene.window[1] + dt.timedelta(days=1),
        window_end=scene.window[1] + dt.timedelta(days=30),
        sample={"mode": "count", "values": {"*": 2}},
    )
    before = {ln.target_id: ln.weight for ln in build_pool(next_task, on=scene.today).lines}
    inspection = inspection_submit(actor=scene.p.section, inspection=scene.save())
    inspection_review(actor=scene.section2, inspection=inspection, accept=True)
    after = {ln.target_id: ln.weight for ln in build_pool(next_task, on=scene.today).lines}
    assert after == before
