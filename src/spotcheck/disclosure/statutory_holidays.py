"""Statutory public holidays (法定节假日) of any year, computed from the rules alone.

Pure Python on top of lunar-python; no Django. ``workdays`` uses it only for years whose
official schedule is known neither to chinese-calendar nor to an administrator.

The rules are those of 《全国年节及纪念日放假办法》 as revised in 2024 (in force from 2025),
Article 2 (holidays for all citizens), 13 days a year:

- 元旦 1 January (1 day);
- 春节 农历除夕 to 正月初三 (4 days; 除夕 is the day before 正月初一, i.e. the last day of
  腊月, whether that is the 29th or the 30th);
- 清明节 the day of the 清明 solar term (1 day);
- 劳动节 1–2 May (2 days);
- 端午节 农历五月初五 (1 day);
- 中秋节 农历八月十五 (1 day);
- 国庆节 1–3 October (3 days).

Article 6: a holiday for all citizens that falls on a Saturday or Sunday is made up by a
weekday off (补假). Modelled here as: each statutory day that is owed a make-up day, taken in
date order, moves to the next weekday after it that is neither a statutory holiday nor already
a make-up day. A statutory day is owed one when it falls on a weekend, and also when two
festivals fall on the same day (中秋 on 1–3 October, e.g. 2028-10-03): the 办法 grants both
days, and the State Council did the same in 2020 (中秋 and 国庆 on 1 October: eight days off).
So every year has exactly 13 weekdays off.

This is only the statute. The State Council's yearly schedule (国务院办公厅 放假安排) usually
differs: it joins holidays and weekends into longer breaks, places the make-up days elsewhere
and adds make-up workdays (调休上班) on weekends. None of that can be derived from the rules;
the result is a best guess until the real schedule is entered.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from lunar_python import Lunar, Solar

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

# Days granted per festival by Article 2; their sum is the yearly total.
FESTIVAL_DAYS = {
    NEW_YEAR: 1,
    SPRING_FESTIVAL: 4,
    QINGMING: 1,
    LABOUR_DAY: 2,
    DRAGON_BOAT: 1,
    MID_AUTUMN: 1,
    NATIONAL_DAY: 3,
}
DAYS_PER_YEAR = sum(FESTIVAL_DAYS.values())

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class StatutoryDay:
    date: dt.date
    festival: str


@dataclass(frozen=True)
class MakeUpDay:
    """A weekday off (补假) standing in for ``for_day`` (a weekend or doubled holiday)."""

    date: dt.date
    for_day: dt.date
    festival: str


@dataclass(frozen=True)
class HolidayYear:
    year: int
    # One entry per statutory day granted, in date order; a date appears twice when two
    # festivals fall on it.
    statutory: tuple[StatutoryDay, ...]
    make_up: tuple[MakeUpDay, ...]

    @functools.cached_property
    def days_off(self) -> frozenset[dt.date]:
        """Every date off by statute: the holidays themselves and the make-up days."""
        return frozenset(d.date for d in self.statutory) | {m.date for m in self.make_up}


def _solar_date(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar_date(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a day in the (non-leap) lunar month of lunar year ``year``."""
    return _solar_date(Lunar.fromYmd(year, month, day).getSolar())


def _qingming(year: int) -> dt.date:
    # The lunar year containing 1 April has begun (正月初一 is in January or February), and its
    # solar-term table holds that spring's 清明 (4–6 April).
    return _solar_date(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])


def _statutory_days(year: int) -> list[StatutoryDay]:
    new_year = _lunar_date(year, 1, 1)  # 正月初一, between 21 January and 20 February
    eve = new_year - _ONE_DAY  # 除夕: the last day of 腊月 (29th or 30th)
    days = [
        StatutoryDay(dt.date(year, 1, 1), NEW_YEAR),
        *(StatutoryDay(eve + k * _ONE_DAY, SPRING_FESTIVAL) for k in range(4)),
        StatutoryDay(_qingming(year), QINGMING),
        StatutoryDay(dt.date(year, 5, 1), LABOUR_DAY),
        StatutoryDay(dt.date(year, 5, 2), LABOUR_DAY),
        StatutoryDay(_lunar_date(year, 5, 5), DRAGON_BOAT),
        StatutoryDay(_lunar_date(year, 8, 15), MID_AUTUMN),
        *(StatutoryDay(dt.date(year, 10, d), NATIONAL_DAY) for d in (1, 2, 3)),
    ]
    return sorted(days, key=lambda d: d.date)


@functools.lru_cache(maxsize=256)
def holiday_year(year: int) -> HolidayYear:
    """The statutory holidays of ``year`` and their make-up days (see the module docstring)."""
    statutory = _statutory_days(year)
    holiday_dates = {d.date for d in statutory}
    make_up: list[MakeUpDay] = []
    taken: set[dt.date] = set()
    seen: set[dt.date] = set()
    for day in statutory:
        doubled = day.date in seen
        seen.add(day.date)
        if day.date.weekday() < 5 and not doubled:
            continue
        candidate = day.date + _ONE_DAY
        while candidate.weekday() >= 5 or candidate in holiday_dates or candidate in taken:
            candidate += _ONE_DAY
        taken.add(candidate)
        make_up.append(MakeUpDay(date=candidate, for_day=day.date, festival=day.festival))
    return HolidayYear(year=year, statutory=tuple(statutory), make_up=tuple(make_up))


def is_workday(day: dt.date) -> bool:
    """Monday to Friday, unless a statutory holiday or its make-up day. Never a weekend."""
    return day.weekday() < 5 and day not in holiday_year(day.year).days_off
