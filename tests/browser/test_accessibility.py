"""Issue 15: every staff and portal page passes an automated accessibility scan (axe-core,
WCAG 2.0/2.1 A and AA rules and its best practices) with no "serious" or "critical" violation,
and no id used twice on a page.

The pages and the world they show are those of the access matrix (tests/test_access_matrix.py):
each page the matrix lets someone GET as HTML is scanned once, as the first role in
``ROLE_ORDER`` the matrix gives a 200, plus the login page and the 403/404 pages. A page added to
the matrix is therefore scanned without touching this file.

axe-core is vendored (tests/browser/vendor/axe-core/) so the test needs no network; the scan
itself is tests/browser/axe.py, which the walkthrough also runs on every step it takes (the
pages in the states the world here does not reach: a committed draw, a draft inspection...).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.axe import accessibility_problems
from tests.browser.conftest import VIEWPORT, is_csp_violation
from tests.conftest import Personas
from tests.test_access_matrix import COLUMNS, MATRIX, URL_ARGS, Samples

# The access matrix's world, as a fixture (the explicit re-export keeps it imported).
from tests.test_access_matrix import samples as samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# Who looks at a page: the roles with the most on their pages come first, so that the scan sees
# the fullest version of each page (action buttons, forms), then whoever else may see it.
ROLE_ORDER = (
    "section",
    "leader",
    "auditor",
    "admin",
    "inspector",
    "legal_reviewer",
    "other_section",
    "anonymous",
)

# Forms scanned a second time after an empty submission: the error summary and the fields'
# error messages are part of the page a clerk sees.
SUBMIT_EMPTY = (
    "directory:item_create",
    "directory:target_create",
    "directory:inspector_create",
    "directory:conflict_create",
    "planning:plan_create",
    "accounts:user_create",
)


def _role_for(statuses: tuple[int, ...]) -> str | None:
    allowed = {column for column, status in zip(COLUMNS, statuses, strict=True) if status == 200}
    return next((role for role in ROLE_ORDER if role in allowed), None)


def _pages(samples: Samples, personas: Personas) -> list[tuple[str, str, str]]:
    """(label, role, path) for every HTML page of the matrix, the login page and the errors."""
    users = personas.all()
    pages: list[tuple[str, str, str]] = []
    for (name, method), statuses in MATRIX.items():
        role = _role_for(statuses)
        if method != "GET" or role is None:
            continue
        path = reverse(name, args=URL_ARGS.get(name, lambda s: [])(samples))
        # Downloads, JSON and health checks are not pages: ask the server what it answers.
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        # htmx partials (job progress) are scanned as part of the page that shows them.
        if not response.content.lstrip().lower().startswith(b"<!doctype html"):
            continue
        pages.append((name, role, path))
    home = reverse("core:home")
    accepted = samples.inspections().accepted
    pages += [
        # The matrix's record page is a submitted one; an accepted one adds the follow-up forms.
        (
            "inspections:record (accepted)",
            "section",
            reverse("inspections:record", args=[accepted.draw_id, accepted.target_id]),
        ),
        # Each role's 待办 home lists different things.
        *((f"core:home ({role})", role, home) for role in ROLE_ORDER[1:6]),
        # The administrator alone sees these pages' forms.
        ("credit:risk_model (admin)", "admin", reverse("credit:risk_model")),
        ("disclosure:calendar (admin)", "admin", reverse("disclosure:calendar")),
        ("login (anonymous)", "anonymous", reverse("accounts:login")),
        ("403", "inspector", reverse("directory:target_list")),
        ("404 (staff)", "section", "/no-such-page/"),
        ("404 (anonymous)", "anonymous", "/no-such-page/"),
        ("404 (portal)", "anonymous", reverse("portal:detail", args=[999_999])),
    ]
    return pages


@pytest.fixture
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path  # the sample inspection's photo


@pytest.fixture
def role_pages(
    browser: Browser, live_server: Any, personas: Personas, csp_violations: list[str]
) -> Iterator[Callable[[str], Page]]:
    """One browser session per role, signed in by a session cookie (the login form has its own
    tests; here it would only cost time)."""
    contexts: dict[str, BrowserContext] = {}
    pages: dict[str, Page] = {}
    users = personas.all()

    def get(role: str) -> Page:
        if role not in pages:
            context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
            context.set_default_timeout(20_000)
            if role != "anonymous":
                client = Client()
                client.force_login(users[role])
                cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
                context.add_cookies(
                    [
                        {
                            "name": django_settings.SESSION_COOKIE_NAME,
                            "value": cookie,
                            "url": live_server.url,
                        }
                    ]
                )
            page = context.new_page()
            page.on(
                "console",
                lambda msg: csp_violations.append(msg.text) if is_csp_violation(msg.text) else None,
            )
            contexts[role], pages[role] = context, page
        return pages[role]

    yield get
    for context in contexts.values():
        context.close()
    assert csp_violations == [], "pages broke the Content-Security-Policy"


def test_every_page_has_no_serious_accessibility_violation(
    role_pages: Callable[[str], Page],
    live_server: Any,
    personas: Personas,
    samples: Samples,
    _media: None,
) -> None:
    # A transactional test's flush removes the data migration's result categories: put them
    # back, the sample inspections need them.
    importlib.import_module("spotcheck.inspections.migrations.0002_result_categories").load(
        django_apps, None
    )
    pages = _pages(samples, personas)
    assert len(pages) > 60, "the scan lost most of the pages"
    found: list[str] = []

    def scan(page: Page, where: str) -> None:
        found.extend(accessibility_problems(page, where))

    for label, role, path in pages:
        page = role_pages(role)
        page.goto(f"{live_server.url}{path}")
        where = f"{label} as {role} [{path}]"
        if "/accounts/login/" in page.url and "/accounts/login/" not in path:
            found.append(f"{where}: sent to the login page")
            continue
        scan(page, where)
        if label in SUBMIT_EMPTY:
            # Truly empty: fields the form pre-fills (a plan's year) are cleared too, or the
            # submission may be valid on some days and there would be no errors to scan. The
            # browser's own required-field check is switched off, as an old browser would.
            page.evaluate(
                """() => {
                  const form = [...document.querySelectorAll('main form[method=post]')].pop();
                  form.noValidate = true;
                  form.querySelectorAll('input[type=text], input[type=number], input[type=date],'
                    + ' textarea').forEach((el) => { el.value = ''; });
                }"""
            )
            with page.expect_navigation():
                page.locator("main form[method=post] button[type=submit]").last.click()
            if page.locator("[data-error-summary]").count() == 0:
                found.append(f"{where}: an empty submission showed no error summary")
            scan(page, f"{where}, submitted empty")
    # The English interface: the page's language changes with it.
    english = role_pages("section")
    english.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    english.goto(f"{live_server.url}{reverse('core:home')}")
    assert english.locator("html").get_attribute("lang") == "en"
    scan(english, "core:home in English")
    assert found == [], "accessibility violations:\n" + "\n".join(found)
