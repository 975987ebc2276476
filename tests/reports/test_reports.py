from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from spotcheck.draws import services as draws
from spotcheck.draws.models import DrawnLine
from spotcheck.inspections.models import Inspection, InspectionState, ResultCategory
from spotcheck.planning.models import TaskState
from spotcheck.reports import selectors
from spotcheck.reports.svg import bar_chart
from tests.draws.test_workflow import DICE, _commit
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _drawn(world: World, n: int = 10) -> Any:
    task = world.approved_task(sample={"mode": "count", "values": {"*": n}})
    return draws.draw_execute(actor=world.p.section, draw=_commit(world, task), entries=DICE)


def _accept_all(world: World, draw: Any, problem_every: int, limit: int | None = None) -> None:
    ok = ResultCategory.objects.filter(problem_found=False).first()
    bad = ResultCategory.objects.filter(problem_found=True).first()
    entries = DrawnLine.objects.filter(draw=draw).order_by("credit_code")
    for i, entry in enumerate(entries[:limit] if limit else entries):
        Inspection.objects.create(
            draw=draw,
            target=entry.target,
            inspected_on=world.window[0] + dt.timedelta(days=1),
            overall_category=bad if i % problem_every == 0 else ok,
            state=InspectionState.ACCEPTED,
            created_by=world.p.section,
        )


def test_svg_escapes_labels() -> None:
    svg = str(bar_chart([("<script>x</script>", 3)], title="t&t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t&amp;t" in svg


def test_dashboard_figures(world: World) -> None:
    draw = _drawn(world, n=10)
    _accept_all(world, draw, problem_every=2)
    # Five days after the window closed: the task is overdue.
    day = world.window[1] + dt.timedelta(days=5)
    data = selectors.dashboard(user=world.p.section, today=day)
    # Labels follow the active language; look the row up by the label of the state.
    assert dict(data.tasks_by_state)[str(TaskState.DRAWN.label)] == 1
    assert [t.pk for t in data.overdue_tasks] == [draw.task_id]
    # Coverage counts calendar years: a window that opened last December is not "this year".
    this_year = 10 if world.window[0].year == day.year else 0
    assert [row[2:] for row in data.coverage] == [(this_year, 30), (10, 30), (10, 30)]
    assert data.coverage[1][1] == pytest.approx(1 / 3)
    assert sum(n for _, n in data.results) == 10


def test_coverage_counts_active_targets_in_scope_only(world: World) -> None:
    from spotcheck.directory.models import TargetStatus
    from spotcheck.draws.models import CheckSlot
    from tests.factories import TargetFactory

    draw = _drawn(world, n=10)
    day = world.window[0]
    slots = CheckSlot.objects.filter(draw=draw)
    year = slots.first().year  # type: ignore[union-attr]
    # A checked target of another department: not in the section's figures.
    other = TargetFactory(departments=[world.p.other_section.department])
    CheckSlot.objects.create(target=other, year=year, slot=1, draw=draw)
    section = selectors.dashboard(user=world.p.section, today=day)
    assert section.coverage[2][2:] == (10, 30)
    everyone = selectors.dashboard(user=world.p.auditor, today=day)
    assert everyone.coverage[2][2] == 11 and everyone.coverage[2][3] >= 31
    # A drawn target deregistered since: out of both counts, at once (the cached total
    # follows the directory's generation).
    gone = slots.first().target  # type: ignore[union-attr]
    gone.status = TargetStatus.DEREGISTERED
    gone.save()
    section = selectors.dashboard(user=world.p.section, today=day)
    assert section.coverage[2][2:] == (9, 29)


def test_other_department_dashboard_sees_none_of_it(world: World) -> None:
    _drawn(world)
    data = selectors.dashboard(
        user=world.p.other_section, today=world.window[1] + dt.timedelta(days=5)
    )
    assert sum(n for _, n in data.tasks_by_state) == 0
    assert data.coverage[0][3] == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("section", 200),
        ("leader", 200),
        ("auditor", 200),
        ("inspector", 403),
        ("legal_reviewer", 403),
    ],
)
def test_dashboard_access(world: World, who: str, status: int) -> None:
    client = Client()
    client.force_login(getattr(world.p, who))
    assert client.get(reverse("reports:dashboard")).status_code == status


def test_dashboard_anonymous_redirects() -> None:
    assert Client().get(reverse("reports:dashboard")).status_code == 302


def test_task_report_estimates(world: World) -> None:
    draw = _drawn(world, n=10)
    _accept_all(world, draw, problem_every=2)
    rows, selected = selectors.task_estimates(draw.task)
    assert selected == 10
    overall = rows[-1]
    assert overall.name == "合计" and overall.inspected == 10 and overall.noncompliant == 5
    assert 0 < overall.hajek.rate < 1
    assert overall.hajek.ci_low < overall.hajek.rate < overall.hajek.ci_high
    client = Client()
    client.force_login(world.p.leader)
    page = client.get(reverse("reports:task_report", args=[draw.task_id]))
    assert page.status_code == 200 and "Hájek" in page.content.decode()
    client.force_login(world.p.other_section)
    assert client.get(reverse("reports:task_report", args=[draw.task_id])).status_code == 403


def test_task_report_before_results(world: World) -> None:
    draw = _drawn(world)
    assert selectors.task_estimates(draw.task) == ([], 10)


def test_task_report_nonresponse_uses_hajek_and_flags_ht(world: World) -> None:
    # Issue: 10 drawn, all non-compliant, 5 accepted: the report's "missing at random" text
    # holds for Hajek (1.0) only; HT (which counts the 5 missing as compliant) must be flagged.
    draw = _drawn(world, n=10)
    _accept_all(world, draw, problem_every=1, limit=5)
    rows, selected = selectors.task_estimates(draw.task)
    overall = rows[-1]
    assert selected == 10 and overall.inspected == 5 and overall.noncompliant == 5
    assert overall.hajek.rate == 1.0
    # HT divides the accepted targets' weights by the whole population, so the five missing
    # count as compliant. With equal weights that is 0.5, but the world's targets cycle through
    # credit classes A-D and which five are accepted follows their generated credit codes, so
    # the figure can pass 1: the expected one is computed from the accepted targets' pi.
    accepted = set(Inspection.objects.filter(draw=draw).values_list("target_id", flat=True))
    inverse = sum(
        2**32 / e.pi_units for e in DrawnLine.objects.filter(draw=draw) if e.target_id in accepted
    )
    assert overall.ht.rate == pytest.approx(inverse / overall.population, rel=1e-6)
    assert "nonresponse" in overall.ht.notes
    assert any("计为合规" in str(f) for f in overall.ht_flags)
    assert not any("计为合规" in str(f) for f in overall.hajek_flags)
    client = Client()
    client.force_login(world.p.leader)
    with translation.override("zh-hans"):
        page = client.get(reverse("reports:task_report", args=[draw.task_id])).content.decode()
    assert "Hájek 估计" in page and "视为随机缺失" in page and "计为合规" in page
