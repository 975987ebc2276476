"""The demo works on any day: its dates are laid out relative to the load date.

The generator alone is checked for every kind of load date (hypothesis) and against a shifted
copy of itself; the scenario (task window, plans, penalty date) is checked for every day of ten
years; the full load with the README walk-through runs with the clock frozen on a few days that
used to break date logic (New Year, 29 February, the last day of the range).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from spotcheck.accounts.models import User
from spotcheck.demo import bureaus, workflow
from spotcheck.demo.generate import CERT_DAYS, DemoData, InspectorSpec, generate
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.draws import services as draws
from spotcheck.draws.models import CheckSlot, TeamMember
from spotcheck.inspections.models import FollowUp, Inspection
from spotcheck.planning import services as planning
from spotcheck.planning.models import AnnualPlan, PlanState, SpotCheckTask, TaskState
from tests.inspections.conftest import ensure_result_categories

# The load dates the demo promises to work on.
FIRST_DAY = dt.date(2026, 1, 1)  # fixed-date: the supported range of load dates, not a clock
LAST_DAY = dt.date(2035, 12, 31)  # fixed-date: the supported range of load dates, not a clock
load_dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)

# A walk-through task (README) inspects next week.
WALK_START, WALK_END = 7, 13
MIN_QUALIFIED = {"market": 8, "trade": 8, "foreign": 4, "amr": 4}


def _qualified_for(spec: InspectorSpec, start: dt.date, end: dt.date) -> bool:
    # The draw's rule (draws.services): active, certificate valid over the whole window.
    f = spec.fields
    return f["status"] == "active" and f["cert_valid_from"] <= start and f["cert_valid_to"] >= end


def _check_layout(generated: DemoData, today: dt.date) -> None:
    inspectors = generated.inspectors
    ends = [s.fields["cert_valid_to"] for s in inspectors]
    assert all(
        s.fields["cert_valid_to"] - s.fields["cert_valid_from"] == dt.timedelta(days=CERT_DAYS - 1)
        for s in inspectors
    )
    assert all(s.fields["cert_valid_from"] < today for s in inspectors)
    # A handful expired before the load date, one of them the day before; a few expire soon.
    expired = [e for e in ends if e < today]
    assert len(expired) == 6 and today - dt.timedelta(days=1) in expired
    soon = [e for e in ends if today <= e <= today + dt.timedelta(days=60)]
    assert len(soon) == 3
    # Everyone else holds a certificate valid well over a year past any walk-through window.
    rest = [e for e in ends if e > today + dt.timedelta(days=60)]
    assert len(rest) == len(inspectors) - 9
    assert min(rest) >= today + dt.timedelta(days=540)

    start, end = today + dt.timedelta(days=WALK_START), today + dt.timedelta(days=WALK_END)
    qualified = Counter(s.department for s in inspectors if _qualified_for(s, start, end))
    for dept, least in MIN_QUALIFIED.items():
        assert qualified[dept] >= least, (dept, qualified)
    # The finished task's window lies before the load date; its inspectors were qualified then.
    w_start, w_end = workflow.task_window(today)
    past = Counter(s.department for s in inspectors if _qualified_for(s, w_start, w_end))
    assert past["market"] >= 4

    demo = next(s for s in inspectors if s.is_demo_user)
    assert demo.fields["name"] == "杨志刚"
    assert _qualified_for(demo, w_start, today + dt.timedelta(days=365))


@settings(max_examples=15, deadline=None)
@given(today=load_dates)
def test_generated_dates_fit_the_layout_on_any_load_date(today: dt.date) -> None:
    _check_layout(generate(today=today), today)


def _shifted(generated: DemoData, days: int) -> DemoData:
    delta = dt.timedelta(days=days)
    inspectors = [
        dataclasses.replace(
            s,
            fields={k: v + delta if isinstance(v, dt.date) else v for k, v in s.fields.items()},
        )
        for s in generated.inspectors
    ]
    return dataclasses.replace(generated, inspectors=inspectors)


@settings(max_examples=5, deadline=None)
@given(first=load_dates, second=load_dates)
def test_same_load_date_same_data_and_another_date_only_shifts_the_dates(
    first: dt.date, second: dt.date
) -> None:
    one = generate(today=first)
    assert generate(today=first) == one
    other = generate(today=second)
    assert other == _shifted(one, (second - first).days)
    # Only inspector certificates carry dates; targets and conflicts are the same on any day.
    assert not any(isinstance(v, dt.date) for t in one.targets for v in t.fields.values())


def test_the_finished_tasks_window_is_coherent_on_every_day_of_ten_years() -> None:
    day = FIRST_DAY
    while day <= LAST_DAY:
        start, end = workflow.task_window(day)
        assert start.year == end.year, day  # one plan, one cap year, one annual count
        assert end - start == dt.timedelta(days=21), day
        # Ended at least ten days ago (Art. 18), and not long before that.
        assert day - dt.timedelta(days=41) <= end <= day - dt.timedelta(days=10), day
        inspected = [start + dt.timedelta(days=d) for d in workflow.INSPECTION_DAYS]
        assert all(start <= d <= end for d in inspected), day
        decided = day - dt.timedelta(days=workflow.PENALTY_DAYS_AGO)
        assert max(inspected) < decided <= day, day
        day += dt.timedelta(days=1)


# --- the full load, on a few frozen days ----------------------------------------------------


def _walk_through(today: dt.date) -> None:
    """README: create a task inspecting next week, approve it, commit a draw with two witnesses,
    execute it, look at the teams, record a recusal."""
    section = User.objects.get(username="demo_section")
    leader = User.objects.get(username="demo_leader")
    start, end = today + dt.timedelta(days=WALK_START), today + dt.timedelta(days=WALK_END)
    plan = AnnualPlan.objects.filter(department__code="market", year=start.year).first()
    task = planning.task_create(
        actor=section,
        name="科室新建任务",
        mode="undirected",
        items=list(CheckItem.objects.filter(department__code="market").order_by("code")[:2]),
        window_start=start,
        window_end=end,
        sample={"mode": "count", "values": {"*": 4}},
        plan=plan,
    )
    task = planning.task_approve(actor=leader, task=task)
    draw = draws.draw_commit(
        actor=section, task=task, randomness_kind="witnesses", randomness_names=["甲", "乙"]
    )
    draw = draws.draw_execute(
        actor=section, draw=draw, entries={"见证人：甲": "314156", "见证人：乙": "265353"}
    )
    members = TeamMember.objects.filter(draw=draw, active=True).select_related("inspector")
    teams = Counter(m.target_id for m in members)
    assert len(teams) == 4 and min(teams.values()) >= 2
    assert all(
        m.inspector.cert_valid_from <= start and m.inspector.cert_valid_to >= end for m in members
    )
    first = members.order_by("target_id", "position").first()
    assert first is not None
    replacement = draws.draw_recuse(
        actor=section,
        draw=draw,
        inspector=first.inspector,
        target=first.target,
        reason_code="kinship",
        reason="近亲属在该单位任职",
    )
    team = TeamMember.objects.filter(draw=draw, target=first.target, active=True)
    assert team.count() == teams[first.target_id]
    assert first.inspector_id not in set(team.values_list("inspector_id", flat=True))
    assert replacement.inspector.qualified_on(start) and replacement.inspector.qualified_on(end)


def _check_loaded(today: dt.date, client: Client) -> None:
    # Certificates: enough inspectors in every department for a window next week.
    start, end = today + dt.timedelta(days=WALK_START), today + dt.timedelta(days=WALK_END)
    qualified = Counter(
        Inspector.objects.filter(
            status="active", cert_valid_from__lte=start, cert_valid_to__gte=end
        ).values_list("department__code", flat=True)
    )
    for dept, least in MIN_QUALIFIED.items():
        assert qualified[dept] >= least, (dept, qualified)
    assert Inspector.objects.get(user__username="demo_inspector").qualified_on(today)

    # Plans: this year's is approved; the finished task sits in its window's year's plan.
    plan = AnnualPlan.objects.get(department__code="market", year=today.year)
    assert plan.state == PlanState.APPROVED
    task = SpotCheckTask.objects.get(name=workflow.TASK_NAME)
    assert task.state == TaskState.CLOSED and task.window_end < today
    assert task.plan is not None and task.plan.state == PlanState.APPROVED
    assert task.plan.year == task.window_start.year == task.window_end.year
    # The two-checks-a-year cap counts the finished task in its window's year.
    assert set(CheckSlot.objects.values_list("year", flat=True)) == {task.window_start.year}

    inspected = list(Inspection.objects.values_list("inspected_on", flat=True))
    assert all(task.window_start <= d <= task.window_end for d in inspected)
    penalty = FollowUp.objects.get(kind="penalty")
    assert penalty.decided_on is not None
    assert max(inspected) < penalty.decided_on <= today
    assert f"〔{penalty.decided_on.year}〕" in penalty.decision_no

    published = selectors.published()
    assert set(published.values_list("kind", flat=True)) == set(PublicationKind.values)
    assert published.filter(kind=PublicationKind.INSPECTION_RESULT).count() >= 3

    # The draft result's Art. 16 deadline lies ahead and is on the section's dashboard.
    draft = Publication.objects.get(state=PublicationState.DRAFT)
    assert draft.due_on is not None and draft.due_on > today
    rows = selectors.upcoming_and_overdue(user=User.objects.get(username="demo_section"))
    assert [(r.publication, r.overdue) for r in rows] == [(draft, False)]
    client.force_login(User.objects.get(username="demo_section"))
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200 and draft.title in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        # New Year's Day, early morning in Beijing (still 31 December in UTC): the window lay in
        # last December, so there are two plans.
        "2027-01-01 07:30 +0800",
        # 29 February: day arithmetic, not calendar years.
        "2028-02-29 12:00 +0800",
        # The last day of the range, late evening: the walk-through's window is next year.
        "2035-12-31 23:00 +0800",
    ],
)
def test_load_demo_on_a_frozen_day_is_coherent_and_the_walk_through_works(
    moment: str, client: Client
) -> None:
    ensure_result_categories()
    # The clock starts at ``moment`` and ticks: a draw's public randomness must be entered after
    # its commitment, which a stopped clock cannot do. The load takes seconds, well within the day.
    with time_machine.travel(moment, tick=True):
        today = timezone.localdate()
        assert today.isoformat() == moment[:10]
        call_command("load_demo", "--no-logins", stdout=io.StringIO())
        assert Target.objects.count() == 2160 + bureaus.SECOND_TARGETS
        _check_loaded(today, client)
        _walk_through(today)


def _dates_of(rows: Any) -> list[dt.date]:
    return [v for r in rows for v in r.values() if isinstance(v, dt.date)]


@pytest.mark.django_db
def test_two_load_dates_give_the_same_directory_shifted() -> None:
    # The database view of the shift property: same certificate numbers and names, each
    # certificate moved by exactly the days between the two loads.
    fields = ("cert_no", "name", "status", "cert_valid_from", "cert_valid_to")
    with time_machine.travel("2026-12-06 10:00 +0800", tick=False):
        call_command("load_demo", "--no-logins", "--no-workflow", stdout=io.StringIO())
        first = list(Inspector.objects.order_by("cert_no").values(*fields))
        codes = sorted(Target.objects.values_list("credit_code", flat=True))
    with time_machine.travel("2031-07-15 10:00 +0800", tick=False):
        call_command("load_demo", "--no-logins", "--no-workflow", "--reset", stdout=io.StringIO())
        second = list(Inspector.objects.order_by("cert_no").values(*fields))
        assert sorted(Target.objects.values_list("credit_code", flat=True)) == codes
        shift = timezone.localdate() - dt.date(2026, 12, 6)
    assert [{k: v for k, v in r.items() if not k.startswith("cert_valid")} for r in first] == [
        {k: v for k, v in r.items() if not k.startswith("cert_valid")} for r in second
    ]
    assert [d + shift for d in _dates_of(first)] == _dates_of(second)
