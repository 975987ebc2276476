"""Deadlines on the official 2026 schedule as chinese-calendar 1.11 ships it.

Expected dates are worked out by hand from the State Council's 2026 schedule
(国办发明电〔2025〕7号): Spring Festival off 15–23 Feb with make-up Saturdays 14 and 28 Feb;
Mid-Autumn off 25–27 Sep, National Day off 1–7 Oct, make-up Sunday 20 Sep and Saturday 10 Oct.
The decision day itself is never counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.disclosure.models import CalendarOverride, OverrideKind
from spotcheck.disclosure.workdays import (
    Deadline,
    add_workdays,
    is_workday,
    known_year,
    publication_deadline,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_2026_schedule_is_the_one_the_expectations_assume() -> None:
    # If a chinese-calendar upgrade changed 2026, the hand-worked dates below would be wrong.
    assert not is_workday(D(2026, 10, 1)) and not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 8))
    assert is_workday(D(2026, 10, 10))  # Saturday, make-up workday
    assert is_workday(D(2026, 9, 20))  # Sunday, make-up workday
    assert not is_workday(D(2026, 9, 25))  # Friday, Mid-Autumn
    assert is_workday(D(2026, 2, 14)) and is_workday(D(2026, 2, 28))
    assert not is_workday(D(2026, 2, 23))  # Monday, Spring Festival


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        # Wed 30 Sep: 8, 9, 10 (Sat, make-up), 12, 13, 14, 15 Oct.
        (D(2026, 9, 30), D(2026, 10, 15)),
        # Thu 24 Sep: 28, 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct.
        (D(2026, 9, 24), D(2026, 10, 12)),
        # Fri 18 Sep: 20 (Sun, make-up), 21, 22, 23, 24, 28, 29 Sep.
        (D(2026, 9, 18), D(2026, 9, 29)),
        # Thu 12 Feb: 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat) Feb.
        (D(2026, 2, 12), D(2026, 2, 28)),
        # Fri 13 Feb: 14 (Sat), 24, 25, 26, 27, 28 (Sat) Feb, 2 Mar.
        (D(2026, 2, 13), D(2026, 3, 2)),
    ],
)
def test_penalty_deadline_around_2026_holidays(decided: dt.date, expected: dt.date) -> None:
    assert publication_deadline(decided_on=decided, kind="penalty") == Deadline(
        date=expected, uncertain=False, unknown_years=()
    )


def test_result_deadline_across_spring_festival(settings: Any) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 20
    # 7 working days to 28 Feb (above), then Mar 2–6, 9–13, 16–18.
    got = publication_deadline(decided_on=D(2026, 2, 12), kind="result")
    assert got == Deadline(date=D(2026, 3, 18), uncertain=False)


def test_result_deadline_follows_the_setting(settings: Any) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 1
    assert publication_deadline(decided_on=D(2026, 9, 30), kind="result").date == D(2026, 10, 8)


def test_zero_days_is_the_decision_day_and_negative_is_refused() -> None:
    assert add_workdays(D(2026, 10, 1), 0) == Deadline(date=D(2026, 10, 1), uncertain=False)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 10, 1), -1)


def test_2027_is_unknown_and_falls_back_to_monday_to_friday() -> None:
    assert known_year(2026) and not known_year(2027)
    # Mon 28 Dec 2026: 29, 30, 31 Dec, then 2027 guessed Mon–Fri: 1 (Fri), 4, 5, 6 Jan.
    got = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")
    assert got == Deadline(date=D(2027, 1, 6), uncertain=True, unknown_years=(2027,))
    # A walk that stays inside 2026 is certain even late in the year.
    assert not add_workdays(D(2026, 12, 28), 3).uncertain


def test_override_wins_over_the_library() -> None:
    admin = UserFactory(role="admin")
    CalendarOverride.objects.create(
        date=D(2026, 10, 8), kind=OverrideKind.HOLIDAY, created_by=admin
    )
    CalendarOverride.objects.create(
        date=D(2026, 10, 11), kind=OverrideKind.WORKDAY, created_by=admin
    )
    assert not is_workday(D(2026, 10, 8))
    assert is_workday(D(2026, 10, 11))
    # 9, 10 (Sat), 11 (Sun, override), 12, 13, 14, 15 Oct.
    assert add_workdays(D(2026, 9, 30), 7).date == D(2026, 10, 15)
    assert add_workdays(D(2026, 9, 30), 2).date == D(2026, 10, 10)


def test_one_query_per_walk_in_known_years(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        add_workdays(D(2026, 1, 1), 200)
    # Reaching an unknown year costs one more query (the entered years), not one per day.
    with django_assert_num_queries(2):
        add_workdays(D(2026, 12, 1), 300)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_monotonic_in_n_and_lands_on_a_workday(start: dt.date, n: int) -> None:
    this, following = add_workdays(start, n), add_workdays(start, n + 1)
    assert following.date > this.date
    assert is_workday(following.date)
    assert following.uncertain == (following.date.year >= 2027)
