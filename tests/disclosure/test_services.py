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

# An invented 2027 schedule (the real one is not published yet), shaped like an official one.
HOLIDAYS_2027 = [
    D(2027, 1, 1),
    D(2027, 1, 2),
    D(2027, 1, 3),
    *(D(2027, 2, d) for d in range(6, 13)),
]
WORKDAYS_2027 = [D(2027, 2, 14)]


def test_a_2027_deadline_is_uncertain_until_the_schedule_is_entered(personas: Personas) -> None:
    # Mon 28 Dec 2026 + 7: 29, 30, 31 Dec, then 2027 guessed Mon–Fri (1 Jan counted).
    before = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")
    assert before == Deadline(date=D(2027, 1, 6), uncertain=True, unknown_years=(2027,))

    calendar_year_import(
        actor=personas.admin,
        year=2027,
        holidays=HOLIDAYS_2027,
        workdays=WORKDAYS_2027,
        note="测试用放假安排",
    )
    assert known_year(2027)
    # 1 Jan is now a holiday: 29, 30, 31 Dec, 4, 5, 6, 7 Jan.
    after = publication_deadline(decided_on=D(2026, 12, 28), kind="penalty")
    assert after == Deadline(date=D(2027, 1, 7), uncertain=False, unknown_years=())
    # Fri 5 Feb: 8–12 off, 13 Sat off, 14 Sun make-up: 14, 15, 16, 17, 18, 19, 22 Feb.
    feb = publication_deadline(decided_on=D(2027, 2, 5), kind="penalty")
    assert feb == Deadline(date=D(2027, 2, 22), uncertain=False)

    # A single override after the import is honoured too.
    calendar_override_set(actor=personas.admin, date=D(2027, 1, 5), kind="holiday", note="临时")
    assert publication_deadline(decided_on=D(2026, 12, 28), kind="penalty").date == D(2027, 1, 8)

    event = AuditEvent.objects.get(event_type="disclosure.calendar_year_imported")
    assert event.payload["year"] == 2027 and event.payload["workdays"] == ["2027-02-14"]
    assert event.actor_id == personas.admin.pk


def test_import_is_all_or_nothing(personas: Personas) -> None:
    calendar_override_set(actor=personas.admin, date=D(2027, 5, 3), kind="holiday")
    with pytest.raises(ServiceError, match="2028-01-01"):
        calendar_year_import(
            actor=personas.admin,
            year=2027,
            holidays=[D(2027, 1, 1), D(2028, 1, 1)],
            workdays=[],
        )
    with pytest.raises(ServiceError, match="同时出现"):
        calendar_year_import(
            actor=personas.admin, year=2027, holidays=[D(2027, 1, 1)], workdays=[D(2027, 1, 1)]
        )
    assert list(CalendarOverride.objects.values_list("date", flat=True)) == [D(2027, 5, 3)]
    assert not CalendarYear.objects.exists()
    assert not known_year(2027)


def test_import_replaces_the_years_overrides_only(personas: Personas) -> None:
    calendar_override_set(actor=personas.admin, date=D(2027, 5, 3), kind="holiday")
    calendar_override_set(actor=personas.admin, date=D(2026, 12, 31), kind="holiday")
    calendar_year_import(actor=personas.admin, year=2027, holidays=HOLIDAYS_2027, workdays=[])
    dates = set(CalendarOverride.objects.values_list("date", flat=True))
    assert D(2027, 5, 3) not in dates and D(2026, 12, 31) in dates
    assert len(dates) == len(HOLIDAYS_2027) + 1
    # Entering the year again updates it instead of failing.
    calendar_year_import(actor=personas.admin, year=2027, holidays=HOLIDAYS_2027, workdays=[])
    assert CalendarYear.objects.get().year == 2027


def test_override_set_replaces_and_remove_deletes_with_audit(personas: Personas) -> None:
    first = calendar_override_set(actor=personas.admin, date=D(2026, 10, 11), kind="workday")
    second = calendar_override_set(
        actor=personas.admin, date=D(2026, 10, 11), kind="holiday", note="改"
    )
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
        calendar_override_set(actor=personas.admin, date=D(2027, 1, 1), kind="maybe")


@pytest.mark.parametrize("who", ["section", "leader", "auditor", "inspector", "legal_reviewer"])
def test_only_the_administrator_writes(personas: Personas, who: str) -> None:
    actor = getattr(personas, who)
    with pytest.raises(NotAllowed):
        calendar_override_set(actor=actor, date=D(2027, 1, 1), kind="holiday")
    with pytest.raises(NotAllowed):
        calendar_year_import(actor=actor, year=2027, holidays=[D(2027, 1, 1)], workdays=[])
    override = calendar_override_set(actor=personas.admin, date=D(2027, 1, 1), kind="holiday")
    with pytest.raises(NotAllowed):
        calendar_override_remove(actor=actor, override=override)
    assert not AuditEvent.objects.exclude(actor_id=personas.admin.pk).exists()
