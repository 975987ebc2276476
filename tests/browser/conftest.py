"""Playwright (sync API) against Debian's Chromium, driving pytest-django's live_server.

Browser tests are marked ``browser`` and grouped on one xdist worker (``--dist loadgroup``) so
that two Chromiums do not compete for the two cores of the CI machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told that this is deliberate (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "pw-for-tests-1"  # tests/factories.py UserFactory


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # Fail loudly: CI installs it (scripts/ensure-chromium.sh); skipping would hide the gap.
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make browsers`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def is_csp_violation(text: str) -> bool:
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def csp_violations() -> list[str]:
    """Every Content-Security-Policy violation any page of the test reported (console)."""
    return []


@pytest.fixture
def new_page(
    browser: Browser, live_server: object, csp_violations: list[str]
) -> Iterator[Callable[[], Page]]:
    """A factory of fresh, isolated browser sessions (one per logged-in user).

    Every browser test also checks that no page broke the Content-Security-Policy: the
    browser silently drops a refused script or style, so the console is the only witness."""
    contexts: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                csp_violations.append(f"{page.url}: {msg.text}")
                if is_csp_violation(msg.text)
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert csp_violations == [], "pages broke the Content-Security-Policy"


def login(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    # Wherever the login lands (home or ?next=), it must have left the login page.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
