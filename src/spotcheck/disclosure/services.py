"""Writes to the working-day calendar: administrator only, each audited in its transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.disclosure.models import CalendarOverride, CalendarYear, OverrideKind


def _require_admin(actor: User) -> None:
    if not access.can_manage_calendar(actor):
        raise NotAllowed(gettext("只有系统管理员可以维护工作日历"))


@transaction.atomic
def calendar_override_set(
    *, actor: User, date: dt.date, kind: str, note: str = ""
) -> CalendarOverride:
    """Mark one date a holiday or a make-up workday; replaces an earlier mark of that date."""
    _require_admin(actor)
    if kind not in OverrideKind.values:
        raise ServiceError(gettext("未知的日历调整类型：%(kind)s") % {"kind": kind})
    previous = CalendarOverride.objects.select_for_update().filter(date=date).first()
    previous_kind = previous.kind if previous else ""
    override, _ = CalendarOverride.objects.update_or_create(
        date=date, defaults={"kind": kind, "note": note[:200], "created_by": actor}
    )
    record(
        events.CalendarOverrideSet(
            object_id=str(override.pk),
            summary=f"工作日历：{date:%Y-%m-%d} 设为{override.get_kind_display()}",
            date=date.isoformat(),
            kind=kind,
            note=note[:200],
            previous_kind=previous_kind,
        ),
        actor=actor,
    )
    return override


@transaction.atomic
def calendar_override_remove(*, actor: User, override: CalendarOverride) -> None:
    _require_admin(actor)
    pk, date, kind = override.pk, override.date, override.kind
    deleted, _ = CalendarOverride.objects.filter(pk=pk).delete()
    if not deleted:
        raise ServiceError(gettext("该日历调整已被删除"))
    record(
        events.CalendarOverrideRemoved(
            object_id=str(pk),
            summary=f"工作日历：删除 {date:%Y-%m-%d} 的调整",
            date=date.isoformat(),
            kind=kind,
        ),
        actor=actor,
    )


@transaction.atomic
def calendar_year_import(
    *,
    actor: User,
    year: int,
    holidays: list[dt.date],
    workdays: list[dt.date],
    note: str = "",
) -> CalendarYear:
    """Enter a year's official schedule (国务院办公厅 放假安排) at once.

    The import replaces every override of that year, so the stored year is exactly the
    published schedule; it is all-or-nothing (any bad date refuses the whole import).
    ``holidays`` lists the days off (weekends inside a holiday may be listed or not);
    ``workdays`` the weekend days that are worked (调休上班).
    """
    _require_admin(actor)
    if not 2000 <= year <= 2100:
        raise ServiceError(gettext("年份 %(year)s 超出范围") % {"year": year})
    if not holidays:
        raise ServiceError(gettext("请至少录入一个休息日"))
    outside = sorted(d for d in [*holidays, *workdays] if d.year != year)
    if outside:
        raise ServiceError(
            gettext("日期 %(outside)s 不在 %(year)s 年内")
            % {"outside": format(outside[0], "%Y-%m-%d"), "year": year}
        )
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ServiceError(
            gettext("日期 %(both)s 同时出现在休息日和调休上班日中")
            % {"both": format(both[0], "%Y-%m-%d")}
        )
    replaced, _ = CalendarOverride.objects.filter(date__year=year).delete()
    CalendarOverride.objects.bulk_create(
        [
            *(
                CalendarOverride(
                    date=d, kind=OverrideKind.HOLIDAY, note=note[:200], created_by=actor
                )
                for d in sorted(set(holidays))
            ),
            *(
                CalendarOverride(
                    date=d, kind=OverrideKind.WORKDAY, note=note[:200], created_by=actor
                )
                for d in sorted(set(workdays))
            ),
        ]
    )
    entered, _ = CalendarYear.objects.update_or_create(
        year=year, defaults={"note": note[:200], "entered_by": actor}
    )
    record(
        events.CalendarYearImported(
            object_id=str(entered.pk),
            summary=f"录入 {year} 年放假安排：休息日 {len(set(holidays))} 天，"
            f"调休上班日 {len(set(workdays))} 天",
            year=year,
            holidays=[d.isoformat() for d in sorted(set(holidays))],
            workdays=[d.isoformat() for d in sorted(set(workdays))],
            replaced=replaced,
            note=note[:200],
        ),
        actor=actor,
    )
    return entered
