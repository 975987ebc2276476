"""Working days on the Chinese official calendar, and publication deadlines counted on them.

Counting rule (Art. 16, "作出决定之日起7个工作日内"): the decision day itself is not counted;
the deadline is the n-th working day *after* it. A decision on Wednesday 2026-09-30 thus has
its 7th working day on 2026-10-15, because 1–7 October are the National Day holiday and
Saturday 10 October is a make-up workday.

A day is a working day by, in order:
1. an administrator's ``CalendarOverride`` for that date;
2. chinese-calendar's official data (holidays and make-up workdays);
3. for a year an administrator has entered (``CalendarYear``) but chinese-calendar does not
   know: Monday–Friday, the entered holidays and make-up workdays being overrides (step 1);
4. for years neither knows: the statutory holidays of 《全国年节及纪念日放假办法》 with the
   weekday made up for a holiday on a weekend (``statutory_holidays``), otherwise
   Monday–Friday. The State Council's real schedule moves days around and adds make-up
   workdays (调休上班), which cannot be derived, so such a result is a guess, and a
   ``Deadline`` that walked over such a day says so.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar
from django.conf import settings

from spotcheck.disclosure import statutory_holidays
from spotcheck.disclosure.models import CalendarOverride, CalendarYear, OverrideKind

# Far beyond any real deadline; stops the walk if overrides mark every day a holiday.
_MAX_WALK_DAYS = 3660


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    # True when the count ran through a year whose official schedule is not known yet.
    uncertain: bool
    unknown_years: tuple[int, ...] = ()


@functools.cache
def library_knows(year: int) -> bool:
    """Whether the installed chinese-calendar ships that year's schedule."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def known_year(year: int) -> bool:
    return library_knows(year) or CalendarYear.objects.filter(year=year).exists()


class _Calendar:
    """The administrators' data from a date on, read once per walk: one query for the
    overrides, and one for the entered years only if the walk reaches a year the library
    does not know."""

    def __init__(self, start: dt.date, end: dt.date | None = None) -> None:
        self._start = start
        self._end = end
        rows = CalendarOverride.objects.filter(date__gte=start)
        if end is not None:
            rows = rows.filter(date__lte=end)
        self.overrides: dict[dt.date, str] = dict(rows.values_list("date", "kind"))

    @functools.cached_property
    def entered_years(self) -> frozenset[int]:
        years = CalendarYear.objects.filter(year__gte=self._start.year)
        if self._end is not None:
            years = years.filter(year__lte=self._end.year)
        return frozenset(years.values_list("year", flat=True))

    def known(self, year: int) -> bool:
        return library_knows(year) or year in self.entered_years

    def is_workday(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == OverrideKind.WORKDAY
        if library_knows(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.entered_years:
            return day.weekday() < 5
        return statutory_holidays.is_workday(day)


def is_workday(day: dt.date) -> bool:
    return _Calendar(day, day).is_workday(day)


def add_workdays(start: dt.date, n: int) -> Deadline:
    """The n-th working day after ``start`` (``start`` itself not counted)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    # Only overrides after the start can matter; there are a few dozen a year at most, so
    # loading all later ones in one query is cheaper than bounding the walk first.
    calendar = _Calendar(start + dt.timedelta(days=1))
    day = start
    counted = 0
    unknown: set[int] = set()
    walked = 0
    while counted < n:
        day += dt.timedelta(days=1)
        walked += 1
        if walked > _MAX_WALK_DAYS:
            raise ValueError(f"no {n} working days found within {_MAX_WALK_DAYS} days of {start}")
        if not calendar.known(day.year):
            unknown.add(day.year)
        if calendar.is_workday(day):
            counted += 1
    return Deadline(date=day, uncertain=bool(unknown), unknown_years=tuple(sorted(unknown)))


class DeadlineKind:
    PENALTY = "penalty"
    RESULT = "result"


def publication_workdays(kind: str) -> int:
    if kind == DeadlineKind.PENALTY:
        return int(settings.PENALTY_PUBLICATION_WORKDAYS)
    if kind == DeadlineKind.RESULT:
        return int(settings.RESULT_PUBLICATION_WORKDAYS)
    raise ValueError(f"unknown deadline kind {kind!r}")


def publication_deadline(*, decided_on: dt.date, kind: str) -> Deadline:
    """When a decision of ``kind`` made on ``decided_on`` must be published at the latest."""
    return add_workdays(decided_on, publication_workdays(kind))
