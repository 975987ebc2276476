"""The working-day calendar page: who sees what, the deadline calculator, the admin's forms.

The calculator and the forms never read today, so their dates are data (fixed-date markers).
Only the list of overrides is cut relative to the current year: the test that reads it
freezes the clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from spotcheck.disclosure.models import CalendarOverride, CalendarYear
from spotcheck.disclosure.services import calendar_override_set
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
URL = reverse("disclosure:calendar")
WARNING = (
    "该期限涉及尚未录入放假安排的年份（2027），结果按法定节假日推算，调休安排未知，"
    "请在国务院公布放假安排后录入"
)


def test_admin_sees_forms_and_the_nav_link(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    body = client.get(URL).content.decode()
    assert 'id="override-form"' in body and 'id="year-import-form"' in body
    assert f'href="{URL}"' in body


# The page lists overrides from last year on: frozen in December 2026, one of October 2026
# is listed (run in 2028 unfrozen, it would not be).
@time_machine.travel("2026-12-06 10:00 +0800", tick=False)
def test_auditor_reads_without_forms_or_nav_link(client: Client, personas: Personas) -> None:
    calendar_override_set(actor=personas.admin, date=dt.date(2026, 10, 11), kind="workday")
    client.force_login(personas.auditor)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026-10-11" in body and "调休上班日" in body
    assert 'id="override-form"' not in body and "override_remove" not in body
    assert f'href="{URL}"' not in body
    assert client.post(URL, {"action": "override_set", "date": "2026-10-12"}).status_code == 403
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 10, 12)).exists()


@pytest.mark.parametrize("who", ["section", "leader", "inspector", "legal_reviewer"])
def test_other_roles_get_403(client: Client, personas: Personas, who: str) -> None:
    client.force_login(getattr(personas, who))
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_calculator_shows_deadline_and_the_unknown_year_warning(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.auditor)
    # Wed 30 Sep 2026: 2026 is in chinese-calendar, so certain.
    query = {"decided_on": "2026-09-30", "kind": "penalty"}  # fixed-date: arithmetic
    body = client.get(URL, query).content.decode()
    assert "2026-10-15" in body and WARNING not in body  # fixed-date: arithmetic
    # Mon 28 Dec 2026: 29–31 Dec, then 2027 on the statutory holidays (1 Jan off): 4–7 Jan.
    query = {"decided_on": "2026-12-28", "kind": "penalty"}  # fixed-date: arithmetic
    body = client.get(URL, query).content.decode()
    assert "2027-01-07" in body and WARNING in body  # fixed-date: arithmetic
    # Garbage in the query string is a form error, not a 500.
    assert client.get(URL, {"decided_on": "nope", "kind": "x"}).status_code == 200


def test_year_import_reports_bad_lines_and_saves_nothing(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.admin)
    response = client.post(
        URL,
        {
            "action": "year_import",
            "year": "2027",
            "holidays": "2027-01-01\n2027-13-01\n",  # fixed-date: parser input
            "workdays": "\n\n2027/02/14",  # fixed-date: parser input
            "note": "国务院办公厅通知",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "休息日第2行“2027-13-01”不是有效日期" in body
    assert "调休上班日第3行“2027/02/14”不是有效日期" in body  # fixed-date: parser input
    assert not CalendarOverride.objects.exists() and not CalendarYear.objects.exists()


def test_year_import_with_a_date_of_another_year_is_refused(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.admin)
    body = client.post(
        URL,
        {
            "action": "year_import",
            "year": "2027",
            "holidays": "2028-01-01",  # fixed-date: a date outside the entered year, data
            "note": "x",
        },
    ).content.decode()
    assert "2028-01-01 不在 2027 年内" in body  # fixed-date: the message about that data
    assert not CalendarOverride.objects.exists()


def test_year_import_then_the_warning_is_gone(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.post(
        URL,
        {
            "action": "year_import",
            "year": "2027",
            "holidays": "2027-01-01\n2027-01-02\n2027-01-03",  # fixed-date: entered data
            "workdays": "",
            "note": "测试",
        },
    )
    assert response.status_code == 302
    entered = CalendarYear.objects.filter(year=2027)  # fixed-date: the year just entered
    assert entered.filter(entered_by=personas.admin).exists()
    query = {"decided_on": "2026-12-28", "kind": "penalty"}  # fixed-date: arithmetic
    body = client.get(URL, query).content.decode()
    # The entry agrees with the statute on 1 Jan; what changes is that it is certain now.
    assert "2027-01-07" in body and WARNING not in body  # fixed-date: arithmetic


def test_admin_adds_and_removes_an_override(client: Client, personas: Personas) -> None:
    client.force_login(personas.admin)
    response = client.post(
        URL,
        {
            "action": "override_set",
            "date": "2026-10-11",  # fixed-date: any day, data; the view does not read today
            "kind": "workday",
            "note": "补班",
        },
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.kind == "workday" and override.created_by == personas.admin
    response = client.post(URL, {"action": "override_remove", "override": str(override.pk)})
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    # Removing it again, or a bogus id, is a message, not a 500.
    response = client.post(URL, {"action": "override_remove", "override": "abc"}, follow=True)
    assert "不存在" in response.content.decode()
