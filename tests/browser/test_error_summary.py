"""Issue 15: a form that comes back with errors says so at the top, and the summary leads to
the fields."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_invalid_form_focuses_the_summary_and_its_links_focus_the_fields(
    new_page: Callable[[], Page], live_server: object, personas: Personas
) -> None:
    page = new_page()
    base = str(live_server)
    login(page, base, "section")
    page.goto(f"{base}/directory/items/new/")
    page.click("main form button[type=submit]")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading")).to_have_text("提交的内容有误")
    expect(summary).to_be_focused()
    links = summary.locator("a[data-field-id]")
    assert links.count() >= 1
    first = links.first
    field_id = first.get_attribute("data-field-id")
    assert field_id
    first.click()
    expect(page.locator(f"#{field_id}")).to_be_focused()
