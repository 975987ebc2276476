"""The statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision), computed for years whose
official schedule nobody has entered.

Pure calendar arithmetic: nothing here reads the clock, so the dates are data. The 2027 lunar
dates as the issue states them: 正月初一 is Sat 6 Feb (除夕 Fri 5 Feb, 腊月廿九: a short 腊月),
清明 Mon 5 Apr, 端午 Wed 9 Jun, 中秋 Wed 15 Sep.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from lunar_python import Lunar, Solar

from spotcheck.disclosure.statutory_holidays import (
    DAYS_PER_YEAR,
    FESTIVAL_DAYS,
    MID_AUTUMN,
    NATIONAL_DAY,
    SPRING_FESTIVAL,
    holiday_year,
    is_workday,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)


def _lunar(day: dt.date) -> Lunar:
    return Solar.fromYmd(day.year, day.month, day.day).getLunar()


def _lunar_md(day: dt.date) -> tuple[int, int]:
    lunar = _lunar(day)
    return lunar.getMonth(), lunar.getDay()


def test_2027_statutory_days() -> None:
    got = [(d.date.isoformat(), d.festival) for d in holiday_year(2027).statutory]
    assert got == [
        ("2027-01-01", "元旦"),  # fixed-date: pure calendar arithmetic
        ("2027-02-05", "春节"),  # fixed-date: 除夕, 腊月廿九
        ("2027-02-06", "春节"),  # fixed-date: 正月初一, a Saturday
        ("2027-02-07", "春节"),  # fixed-date: 正月初二, a Sunday
        ("2027-02-08", "春节"),  # fixed-date: 正月初三
        ("2027-04-05", "清明节"),  # fixed-date: the 清明 solar term
        ("2027-05-01", "劳动节"),  # fixed-date: a Saturday
        ("2027-05-02", "劳动节"),  # fixed-date: a Sunday
        ("2027-06-09", "端午节"),  # fixed-date: 五月初五
        ("2027-09-15", "中秋节"),  # fixed-date: 八月十五
        ("2027-10-01", "国庆节"),  # fixed-date: a Friday
        ("2027-10-02", "国庆节"),  # fixed-date: a Saturday
        ("2027-10-03", "国庆节"),  # fixed-date: a Sunday
    ]


def test_2027_weekend_holidays_are_made_up_on_the_next_free_weekday() -> None:
    got = [(m.date.isoformat(), m.for_day.isoformat()) for m in holiday_year(2027).make_up]
    assert got == [
        # 初一 and 初二 fall on the weekend; Mon 8 Feb is 初三 itself, so Tue 9 and Wed 10.
        ("2027-02-09", "2027-02-06"),  # fixed-date: pure calendar arithmetic
        ("2027-02-10", "2027-02-07"),  # fixed-date: pure calendar arithmetic
        ("2027-05-03", "2027-05-01"),  # fixed-date: pure calendar arithmetic
        ("2027-05-04", "2027-05-02"),  # fixed-date: pure calendar arithmetic
        ("2027-10-04", "2027-10-02"),  # fixed-date: pure calendar arithmetic
        ("2027-10-05", "2027-10-03"),  # fixed-date: pure calendar arithmetic
    ]
    assert not is_workday(D(2027, 2, 10))  # fixed-date: make-up day for 初二
    assert is_workday(D(2027, 2, 11))  # fixed-date: first working day after 春节
    assert is_workday(D(2027, 10, 6))  # fixed-date: first working day after 国庆
    assert not is_workday(D(2027, 2, 13))  # fixed-date: a plain Saturday stays off


def test_mid_autumn_on_national_day_is_made_up_too() -> None:
    # 2028: 中秋 is Tue 3 Oct, a 国庆 day; both are granted, so besides Sun 1 Oct's make-up
    # day (Wed 4) the doubled day gets one (Thu 5), as the State Council did in 2020.
    year = holiday_year(2028)
    doubled = [d.festival for d in year.statutory if d.date == D(2028, 10, 3)]  # fixed-date: data
    assert sorted(doubled) == sorted([MID_AUTUMN, NATIONAL_DAY])
    october = [m.date.isoformat() for m in year.make_up if m.date.month == 10]
    assert october == ["2028-10-04", "2028-10-05"]  # fixed-date: pure calendar arithmetic


@given(year=st.integers(min_value=2027, max_value=2100))
def test_every_year_has_the_statutory_thirteen_days(year: int) -> None:
    hy = holiday_year(year)
    statutory = hy.statutory
    assert len(statutory) == DAYS_PER_YEAR == 13
    assert Counter(d.festival for d in statutory) == Counter(FESTIVAL_DAYS)
    assert all(d.date.year == year for d in statutory)
    dates = [d.date for d in statutory]
    assert dates == sorted(dates)
    # Distinct, except where 中秋 falls on a 国庆 day.
    repeated = {d for d, n in Counter(dates).items() if n > 1}
    for day in repeated:
        assert {d.festival for d in statutory if d.date == day} == {MID_AUTUMN, NATIONAL_DAY}

    # 春节: 除夕 is the day before 正月初一 and the last day of 腊月 (29th or 30th).
    spring = [d.date for d in statutory if d.festival == SPRING_FESTIVAL]
    first = Lunar.fromYmd(year, 1, 1).getSolar()
    assert spring[1] == D(first.getYear(), first.getMonth(), first.getDay())
    assert spring == [spring[0] + k * ONE_DAY for k in range(4)]
    eve = _lunar(spring[0])
    assert abs(eve.getMonth()) == 12 and eve.getDay() in (29, 30)
    assert _lunar(spring[0] + ONE_DAY).getDay() == 1
    by_festival = {d.festival: d.date for d in statutory}
    assert _lunar(by_festival["清明节"]).getJieQi() == "清明"
    assert _lunar_md(by_festival["端午节"]) == (5, 5)
    assert _lunar_md(by_festival["中秋节"]) == (8, 15)

    # Article 6: one weekday off per weekend (or doubled) holiday, on the next free weekday.
    make_up = [m.date for m in hy.make_up]
    owed = [d for i, d in enumerate(dates) if d.weekday() >= 5 or d in dates[:i]]
    assert sorted(m.for_day for m in hy.make_up) == sorted(owed)
    assert len(set(make_up)) == len(make_up)
    assert all(d.weekday() < 5 and d not in dates and d.year == year for d in make_up)
    for m in hy.make_up:
        between = m.for_day + ONE_DAY
        while between < m.date:
            assert between.weekday() >= 5 or between in dates or between in make_up
            between += ONE_DAY
    # So every year gives exactly 13 weekdays off.
    assert sum(1 for d in hy.days_off if d.weekday() < 5) == DAYS_PER_YEAR
    assert all(not is_workday(d) for d in hy.days_off)
