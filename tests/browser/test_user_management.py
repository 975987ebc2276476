"""用户与部门管理 in a real browser (issue 13): the administrator finds the page in the menu,
creates a user (a weak password is refused in Chinese first), changes the user's role; the
audit chain records both. The CSP check of conftest.new_page watches every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from spotcheck.accounts.models import Role, User
from spotcheck.audit.models import AuditEvent
from tests.browser.conftest import login
from tests.conftest import Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]
STRONG = "Liu-mima-2026!"


def test_admin_creates_a_user_and_changes_its_role(
    new_page: Callable[[], Page], live_server: Any, personas: Personas
) -> None:
    page = new_page()
    login(page, live_server.url, "admin")
    page.click("#nav-users")
    expect(page.locator("h1")).to_have_text("用户管理")
    expect(page.locator("#user-section")).to_contain_text("业务科室人员")
    page.click("#user-create")

    form = page.locator("#user-create-form")
    form.locator("input[name=username]").fill("liuqiang")
    form.locator("input[name=display_name]").fill("刘强")
    form.locator("select[name=role]").select_option(Role.SECTION)
    form.locator("select[name=department]").select_option(label="市场建设科")
    form.locator("input[name=password1]").fill("12345678")
    form.locator("input[name=password2]").fill("12345678")
    form.locator("button[type=submit]").click()
    expect(page.locator("#field-password1 .errorlist")).to_contain_text("这个密码太常见了")
    assert not User.objects.filter(username="liuqiang").exists()

    form.locator("input[name=password1]").fill(STRONG)
    form.locator("input[name=password2]").fill(STRONG)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已创建用户 liuqiang")

    edit = page.locator("#user-edit-form")
    edit.locator("select[name=role]").select_option(Role.AUDITOR)
    edit.locator("select[name=department]").select_option(label="（无）")
    edit.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已保存用户 liuqiang")

    user = User.objects.get(username="liuqiang")
    assert (user.role, user.department_id) == (Role.AUDITOR, None)
    events = list(
        AuditEvent.objects.filter(event_type__startswith="accounts.user_").order_by("seq")
    )
    assert [(e.event_type, e.actor_label) for e in events] == [
        ("accounts.user_created", "admin"),
        ("accounts.user_changed", "admin"),
    ]
    assert events[1].payload["changes"]["role"] == ["section", "auditor"]

    # The new account logs in with its password and sees the auditor's menu, not this page.
    other = new_page()
    login(other, live_server.url, "liuqiang", STRONG)
    expect(other.locator("#nav-users")).to_have_count(0)
    assert other.goto(f"{live_server.url}/accounts/users/").status == 403  # type: ignore[union-attr]


def test_the_language_switcher_works_without_inline_script(
    new_page: Callable[[], Page], live_server: Any, personas: Personas
) -> None:
    """The switcher's auto-submit moved from onchange= to static/js/app.js (CSP)."""
    page = new_page()
    login(page, live_server.url, "section")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_pages_of_every_area_keep_to_the_content_security_policy(
    new_page: Callable[[], Page], live_server: Any, personas: Personas, csp_violations: list[str]
) -> None:
    page = new_page()
    login(page, live_server.url, "admin")
    for url in (
        "/",
        "/accounts/users/",
        "/accounts/departments/",
        f"/accounts/users/{personas.section.pk}/",
        "/audit/",
        "/reports/",
        "/credit/risk-model/",
        "/disclosure/calendar/",
        "/api/docs/",
        "/api/token/",
        "/public/",
        "/admin/",
        f"/admin/accounts/user/{personas.section.pk}/change/",
    ):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")
    assert csp_violations == []
