"""The calendar services: an administrator's single-day overrides and whole-year entries.

No service here reads the clock (any year 2000–2100 may be entered, any date overridden), so
the dates below are data; each carries its fixed-date marker.
"""

from __future__ import annotations

import datetime as dt

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.disclosure.models import CalendarOverride, CalendarYear, OverrideKind
from spotcheck.disclosure.services import (
    calendar_override_remove,
    calendar_override_set,
    calendar_year_import,
)
from spotcheck.disclosure.workdays import Deadline, known_year, publication_deadline
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
D = dt.date

# 2027: the first year chinese-calendar 1.11 does not ship, so its schedule is entered by hand.
YEAR = 2027  # fixed-date: a year the library lacks; no service reads today
NEW_YEAR = D(2027, 1, 1)  # fixed-date: 元旦 of that year, data
MAY_3 = D(2027, 5, 3)  # fixed-date: any day of that year, data
NEXT_NEW_YEAR = D(2028, 1, 1)  # fixed-date: a day outside that year, data
# An invented 2027 schedule (the real one is not published yet), shaped like an official one.
HOLIDAYS_2027 = [
    D(2027, 1, 1),  # fixed-date: invented schedule, data
    D(2027, 1, 2),  # fixed-date: invented schedule, data
    D(2027, 1, 3),  # fixed-date: invented schedule, data
    *(D(2027, 2, d) for d in range(6, 13)),  # fixed-date: invented schedule, data
]
WORKDAYS_2027 = [D(2027, 2, 14)]  # fixed-date: invented schedule, data
# A Monday just before 2027, and 除夕 2027: deadlines from them run into that year.
DEC_28 = D(2026, 12, 28)  # fixed-date: calendar arithmetic, data
EVE = D(2027, 2, 5)  # fixed-date: calendar arithmetic, data


def _penalty_deadline(decided: dt.date) -> Deadline:
    return publication_deadline(decided_on=decided, kind="penalty")


def test_a_2027_deadline_is_uncertain_until_the_schedule_is_entered(personas: Personas) -> None:
    # Mon 28 Dec 2026 + 7: 29, 30, 31 Dec, then 2027 guessed from the statutory holidays
    # (1 Jan off): 4, 5, 6, 7 Jan.
    jan_7 = D(2027, 1, 7)  # fixed-date: calendar arithmetic
    assert _penalty_deadline(DEC_28) == Deadline(jan_7, uncertain=True, unknown_years=(YEAR,))
    # Fri 5 Feb (除夕) + 7 on the statute: 8 Feb off (初三), 9 and 10 made up for the weekend
    # 初一 and 初二: 11, 12, 15, 16, 17, 18, 19 Feb.
    feb_19 = D(2027, 2, 19)  # fixed-date: calendar arithmetic
    assert _penalty_deadline(EVE) == Deadline(feb_19, uncertain=True, unknown_years=(YEAR,))

    calendar_year_import(
        actor=personas.admin,
        year=YEAR,
        holidays=HOLIDAYS_2027,
        workdays=WORKDAYS_2027,
        note="测试用放假安排",
    )
    assert known_year(YEAR)
    # The entered schedule agrees on 1 Jan: 29, 30, 31 Dec, 4, 5, 6, 7 Jan, now certain.
    assert _penalty_deadline(DEC_28) == Deadline(jan_7, uncertain=False, unknown_years=())
    # Fri 5 Feb on the entered schedule: 8–12 off, 13 Sat off, 14 Sun make-up:
    # 14, 15, 16, 17, 18, 19, 22 Feb.
    feb_22 = D(2027, 2, 22)  # fixed-date: calendar arithmetic
    assert _penalty_deadline(EVE) == Deadline(feb_22, uncertain=False)

    # A single override after the import is honoured too.
    jan_5 = D(2027, 1, 5)  # fixed-date: calendar arithmetic
    calendar_override_set(actor=personas.admin, date=jan_5, kind="holiday", note="临时")
    assert _penalty_deadline(DEC_28).date == D(2027, 1, 8)  # fixed-date: calendar arithmetic

    event = AuditEvent.objects.get(event_type="disclosure.calendar_year_imported")
    assert event.payload["year"] == YEAR
    assert event.payload["workdays"] == ["2027-02-14"]  # fixed-date: the entered data
    assert event.actor_id == personas.admin.pk


def test_import_is_all_or_nothing(personas: Personas) -> None:
    calendar_override_set(actor=personas.admin, date=MAY_3, kind="holiday")
    with pytest.raises(ServiceError, match="2028-01-01"):  # fixed-date: NEXT_NEW_YEAR
        calendar_year_import(
            actor=personas.admin,
            year=YEAR,
            holidays=[NEW_YEAR, NEXT_NEW_YEAR],
            workdays=[],
        )
    with pytest.raises(ServiceError, match="同时出现"):
        calendar_year_import(
            actor=personas.admin, year=YEAR, holidays=[NEW_YEAR], workdays=[NEW_YEAR]
        )
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [MAY_3]
    assert not CalendarYear.objects.exists()
    assert not known_year(YEAR)


def test_import_replaces_the_years_overrides_only(personas: Personas) -> None:
    new_years_eve = D(2026, 12, 31)  # fixed-date: a day of the year before, data
    calendar_override_set(actor=personas.admin, date=MAY_3, kind="holiday")
    calendar_override_set(actor=personas.admin, date=new_years_eve, kind="holiday")
    calendar_year_import(actor=personas.admin, year=YEAR, holidays=HOLIDAYS_2027, workdays=[])
    dates = set(CalendarOverride.objects.values_list("date", flat=True))
    assert MAY_3 not in dates and new_years_eve in dates
    assert len(dates) == len(HOLIDAYS_2027) + 1
    # Entering the year again updates it instead of failing.
    calendar_year_import(actor=personas.admin, year=YEAR, holidays=HOLIDAYS_2027, workdays=[])
    assert CalendarYear.objects.get().year == YEAR


def test_override_set_replaces_and_remove_deletes_with_audit(personas: Personas) -> None:
    day = D(2026, 10, 11)  # fixed-date: any day, data; the service does not read today
    first = calendar_override_set(actor=personas.admin, date=day, kind="workday")
    second = calendar_override_set(actor=personas.admin, date=day, kind="holiday", note="改")
    assert first.pk == second.pk and second.kind == OverrideKind.HOLIDAY
    set_events = AuditEvent.objects.filter(event_type="disclosure.calendar_override_set")
    assert [e.payload["previous_kind"] for e in set_events.order_by("seq")] == ["", "workday"]
    calendar_override_remove(actor=personas.admin, override=second)
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(event_type="disclosure.calendar_override_removed").count() == 1
    with pytest.raises(ServiceError):
        calendar_override_remove(actor=personas.admin, override=second)


def test_unknown_kind_is_refused(personas: Personas) -> None:
    with pytest.raises(ServiceError):
        calendar_override_set(actor=personas.admin, date=NEW_YEAR, kind="maybe")


@pytest.mark.parametrize("who", ["section", "leader", "auditor", "inspector", "legal_reviewer"])
def test_only_the_administrator_writes(personas: Personas, who: str) -> None:
    actor = getattr(personas, who)
    with pytest.raises(NotAllowed):
        calendar_override_set(actor=actor, date=NEW_YEAR, kind="holiday")
    with pytest.raises(NotAllowed):
        calendar_year_import(actor=actor, year=YEAR, holidays=[NEW_YEAR], workdays=[])
    override = calendar_override_set(actor=personas.admin, date=NEW_YEAR, kind="holiday")
    with pytest.raises(NotAllowed):
        calendar_override_remove(actor=actor, override=override)
    assert not AuditEvent.objects.exclude(actor_id=personas.admin.pk).exists()
