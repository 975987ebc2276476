"""The browser's own requests (stylesheets, scripts, the favicon) all find something: a newcomer
watching the `make run` console sees no 404 on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Response

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_no_page_load_asks_for_something_missing(
    new_page: Callable[[], Page], live_server: Any
) -> None:
    page = new_page()
    failed: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", check)
    for url in ("/accounts/login/", "/public/", "/admin/login/"):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
    assert page.request.get(f"{live_server.url}/favicon.ico").status == 200
    assert failed == []
