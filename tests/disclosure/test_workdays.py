"""Deadlines on the official 2026 schedule as chinese-calendar 1.11 ships it, and on the
statutory holidays for 2027, which chinese-calendar 1.11 does not know.

Expected dates are worked out by hand from the State Council's 2026 schedule
(国办发明电〔2025〕7号): Spring Festival off 15–23 Feb with make-up Saturdays 14 and 28 Feb;
Mid-Autumn off 25–27 Sep, National Day off 1–7 Oct, make-up Sunday 20 Sep and Saturday 10 Oct.
For 2027 (statutory fallback): 1 Jan; 除夕 5 Feb to 初三 8 Feb, with 9 and 10 Feb made up for
Saturday 6 and Sunday 7; 清明 5 Apr; 1–2 May (Sat, Sun) made up on 3 and 4 May; 端午 9 Jun;
中秋 15 Sep; 1–3 Oct made up on 4 and 5 Oct for Saturday 2 and Sunday 3.
The decision day itself is never counted.

No test here reads the clock: every date is input to, or output of, calendar arithmetic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.disclosure import statutory_holidays
from spotcheck.disclosure.models import CalendarOverride, CalendarYear, OverrideKind
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
    assert not is_workday(D(2026, 10, 1))  # fixed-date: library data
    assert not is_workday(D(2026, 10, 7))  # fixed-date: library data
    assert is_workday(D(2026, 10, 8))  # fixed-date: library data
    assert is_workday(D(2026, 10, 10))  # fixed-date: Saturday, make-up workday
    assert is_workday(D(2026, 9, 20))  # fixed-date: Sunday, make-up workday
    assert not is_workday(D(2026, 9, 25))  # fixed-date: Friday, Mid-Autumn
    assert is_workday(D(2026, 2, 14))  # fixed-date: Saturday, make-up workday
    assert is_workday(D(2026, 2, 28))  # fixed-date: Saturday, make-up workday
    assert not is_workday(D(2026, 2, 23))  # fixed-date: Monday, Spring Festival


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        # Wed 30 Sep: 8, 9, 10 (Sat, make-up), 12, 13, 14, 15 Oct.
        (D(2026, 9, 30), D(2026, 10, 15)),  # fixed-date: arithmetic
        # Thu 24 Sep: 28, 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct.
        (D(2026, 9, 24), D(2026, 10, 12)),  # fixed-date: arithmetic
        # Fri 18 Sep: 20 (Sun, make-up), 21, 22, 23, 24, 28, 29 Sep.
        (D(2026, 9, 18), D(2026, 9, 29)),  # fixed-date: arithmetic
        # Thu 12 Feb: 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat) Feb.
        (D(2026, 2, 12), D(2026, 2, 28)),  # fixed-date: arithmetic
        # Fri 13 Feb: 14 (Sat), 24, 25, 26, 27, 28 (Sat) Feb, 2 Mar.
        (D(2026, 2, 13), D(2026, 3, 2)),  # fixed-date: arithmetic
    ],
)
def test_penalty_deadline_around_2026_holidays(decided: dt.date, expected: dt.date) -> None:
    assert publication_deadline(decided_on=decided, kind="penalty") == Deadline(
        date=expected, uncertain=False, unknown_years=()
    )


def test_result_deadline_across_spring_festival(settings: Any) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 20
    # 7 working days to 28 Feb (above), then Mar 2–6, 9–13, 16–18.
    got = publication_deadline(decided_on=D(2026, 2, 12), kind="result")  # fixed-date: arithmetic
    assert got == Deadline(date=D(2026, 3, 18), uncertain=False)  # fixed-date: arithmetic


def test_result_deadline_follows_the_setting(settings: Any) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 1
    got = publication_deadline(decided_on=D(2026, 9, 30), kind="result")  # fixed-date: arithmetic
    assert got.date == D(2026, 10, 8)  # fixed-date: arithmetic


def test_zero_days_is_the_decision_day_and_negative_is_refused() -> None:
    holiday = D(2026, 10, 1)  # fixed-date: arithmetic
    assert add_workdays(holiday, 0) == Deadline(date=holiday, uncertain=False)
    with pytest.raises(ValueError):
        add_workdays(holiday, -1)


def test_2027_is_unknown_and_falls_back_to_the_statutory_holidays() -> None:
    assert known_year(2026) and not known_year(2027)
    # Mon 28 Dec 2026: 29, 30, 31 Dec, then 2027 on the statutory holidays: 1 Jan (Fri) is
    # 元旦, so 4, 5, 6, 7 Jan.
    got = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")  # fixed-date: data
    assert got == Deadline(
        date=D(2027, 1, 7),  # fixed-date: arithmetic
        uncertain=True,
        unknown_years=(2027,),
    )
    # A walk that stays inside 2026 is certain even late in the year.
    assert not add_workdays(D(2026, 12, 28), 3).uncertain  # fixed-date: arithmetic


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2027, 1, 1), False),  # fixed-date: 元旦, a Friday
        (D(2027, 1, 4), True),  # fixed-date: the Monday after
        (D(2027, 2, 4), True),  # fixed-date: Thursday before 除夕
        (D(2027, 2, 5), False),  # fixed-date: 除夕 (腊月廿九), a Friday
        (D(2027, 2, 6), False),  # fixed-date: 正月初一, a Saturday
        (D(2027, 2, 7), False),  # fixed-date: 正月初二, a Sunday
        (D(2027, 2, 8), False),  # fixed-date: 正月初三, a Monday
        (D(2027, 2, 9), False),  # fixed-date: made up for Saturday 6 Feb
        (D(2027, 2, 10), False),  # fixed-date: made up for Sunday 7 Feb
        (D(2027, 2, 11), True),  # fixed-date: back to work
        (D(2027, 2, 13), False),  # fixed-date: a Saturday; make-up workdays are unknown
        (D(2027, 4, 5), False),  # fixed-date: 清明, a Monday
        (D(2027, 4, 6), True),  # fixed-date: arithmetic
        (D(2027, 5, 3), False),  # fixed-date: made up for Saturday 1 May
        (D(2027, 5, 4), False),  # fixed-date: made up for Sunday 2 May
        (D(2027, 5, 5), True),  # fixed-date: arithmetic
        (D(2027, 6, 9), False),  # fixed-date: 端午, a Wednesday
        (D(2027, 9, 15), False),  # fixed-date: 中秋, a Wednesday
        (D(2027, 9, 16), True),  # fixed-date: arithmetic
        (D(2027, 10, 1), False),  # fixed-date: 国庆, a Friday
        (D(2027, 10, 4), False),  # fixed-date: made up for Saturday 2 Oct
        (D(2027, 10, 5), False),  # fixed-date: made up for Sunday 3 Oct
        (D(2027, 10, 6), True),  # fixed-date: arithmetic
    ],
)
def test_2027_statutory_holidays_and_make_up_days(day: dt.date, workday: bool) -> None:
    assert is_workday(day) is workday


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        # Thu 4 Feb: 5–8 Feb off, 9 and 10 made up: 11, 12, 15, 16, 17, 18, 19 Feb.
        (D(2027, 2, 4), D(2027, 2, 19)),  # fixed-date: arithmetic
        # Thu 1 Apr: 2, 6 (5 is 清明), 7, 8, 9, 12, 13 Apr.
        (D(2027, 4, 1), D(2027, 4, 13)),  # fixed-date: arithmetic
        # Thu 29 Apr: 30 Apr, then 3 and 4 May made up: 5, 6, 7, 10, 11, 12 May.
        (D(2027, 4, 29), D(2027, 5, 12)),  # fixed-date: arithmetic
        # Mon 7 Jun: 8, 10 (9 is 端午), 11, 14, 15, 16, 17 Jun.
        (D(2027, 6, 7), D(2027, 6, 17)),  # fixed-date: arithmetic
        # Mon 13 Sep: 14, 16 (15 is 中秋), 17, 20, 21, 22, 23 Sep.
        (D(2027, 9, 13), D(2027, 9, 23)),  # fixed-date: arithmetic
        # Thu 30 Sep: 1 Oct off, 4 and 5 made up: 6, 7, 8, 11, 12, 13, 14 Oct.
        (D(2027, 9, 30), D(2027, 10, 14)),  # fixed-date: arithmetic
    ],
)
def test_penalty_deadline_around_2027_statutory_holidays(
    decided: dt.date, expected: dt.date
) -> None:
    assert publication_deadline(decided_on=decided, kind="penalty") == Deadline(
        date=expected, uncertain=True, unknown_years=(2027,)
    )


def test_an_entered_year_wins_over_the_statutory_fallback() -> None:
    # An administrator entered 2027 (here: 元旦 1–3 Jan and a make-up Saturday): the entry is
    # the whole schedule, so the statute's own days (e.g. 除夕 5 Feb) no longer apply.
    admin = UserFactory(role="admin")
    CalendarYear.objects.create(year=2027, entered_by=admin)  # fixed-date: a year past the library
    for day in (1, 2, 3):
        CalendarOverride.objects.create(
            date=D(2027, 1, day),  # fixed-date: an entered schedule, data
            kind=OverrideKind.HOLIDAY,
            created_by=admin,
        )
    CalendarOverride.objects.create(
        date=D(2027, 2, 20),  # fixed-date: a make-up Saturday of the entered schedule
        kind=OverrideKind.WORKDAY,
        created_by=admin,
    )
    assert known_year(2027)
    assert not is_workday(D(2027, 1, 1))  # fixed-date: entered holiday
    assert is_workday(D(2027, 2, 5))  # fixed-date: the statute's 除夕, not in the entry
    assert is_workday(D(2027, 2, 9))  # fixed-date: the statute's make-up day, not in the entry
    assert is_workday(D(2027, 2, 20))  # fixed-date: entered make-up Saturday
    # Mon 28 Dec 2026: 29, 30, 31 Dec, 4, 5, 6, 7 Jan, and certain now.
    got = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")  # fixed-date: data
    assert got == Deadline(date=D(2027, 1, 7), uncertain=False)  # fixed-date: arithmetic
    got = publication_deadline(decided_on=D(2027, 2, 4), kind="penalty")  # fixed-date: data
    assert got == Deadline(date=D(2027, 2, 15), uncertain=False)  # fixed-date: 5, 8–12, 15


def test_an_override_wins_over_the_statutory_fallback() -> None:
    admin = UserFactory(role="admin")
    CalendarOverride.objects.create(
        date=D(2027, 1, 1),  # fixed-date: 元旦 marked a workday, data
        kind=OverrideKind.WORKDAY,
        created_by=admin,
    )
    CalendarOverride.objects.create(
        date=D(2027, 1, 5),  # fixed-date: an extra day off, data
        kind=OverrideKind.HOLIDAY,
        created_by=admin,
    )
    assert is_workday(D(2027, 1, 1))  # fixed-date: override
    assert not is_workday(D(2027, 1, 5))  # fixed-date: override
    # 29, 30, 31 Dec, 1 (override), 4, 6, 7 Jan; the rest of 2027 is still a guess.
    got = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")  # fixed-date: data
    assert got == Deadline(
        date=D(2027, 1, 7),  # fixed-date: arithmetic
        uncertain=True,
        unknown_years=(2027,),
    )


def test_a_year_the_library_knows_ignores_the_statutory_rules() -> None:
    # Every day of 2026 as chinese-calendar has it, although the statute alone would differ
    # (e.g. Saturday 14 Feb 2026 is a make-up workday; Friday 20 Feb is off beyond 初三).
    day = D(2026, 1, 1)  # fixed-date: the whole of a year the library ships
    differs = 0
    while day.year == 2026:
        assert is_workday(day) is chinese_calendar.is_workday(day)
        differs += is_workday(day) is not statutory_holidays.is_workday(day)
        day += dt.timedelta(days=1)
    assert differs > 0


def test_override_wins_over_the_library() -> None:
    admin = UserFactory(role="admin")
    CalendarOverride.objects.create(
        date=D(2026, 10, 8),  # fixed-date: arithmetic
        kind=OverrideKind.HOLIDAY,
        created_by=admin,
    )
    CalendarOverride.objects.create(
        date=D(2026, 10, 11),  # fixed-date: arithmetic
        kind=OverrideKind.WORKDAY,
        created_by=admin,
    )
    assert not is_workday(D(2026, 10, 8))  # fixed-date: arithmetic
    assert is_workday(D(2026, 10, 11))  # fixed-date: arithmetic
    # 9, 10 (Sat), 11 (Sun, override), 12, 13, 14, 15 Oct.
    assert add_workdays(D(2026, 9, 30), 7).date == D(2026, 10, 15)  # fixed-date: arithmetic
    assert add_workdays(D(2026, 9, 30), 2).date == D(2026, 10, 10)  # fixed-date: arithmetic


def test_one_query_per_walk_in_known_years(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        add_workdays(D(2026, 1, 1), 200)  # fixed-date: arithmetic
    # Reaching an unknown year costs one more query (the entered years), not one per day.
    with django_assert_num_queries(2):
        add_workdays(D(2026, 12, 1), 300)  # fixed-date: arithmetic


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    # Years the library ships and one it does not; the walk never reads today.
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),  # fixed-date: arithmetic
    n=st.integers(min_value=0, max_value=40),
)
def test_monotonic_in_n_and_lands_on_a_workday(start: dt.date, n: int) -> None:
    this, following = add_workdays(start, n), add_workdays(start, n + 1)
    assert following.date > this.date
    assert is_workday(following.date)
    assert following.uncertain == (following.date.year >= 2027)
