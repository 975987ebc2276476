"""Site-wide error pages are Chinese and never Django's English defaults."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client


@pytest.mark.django_db
def test_unknown_address_gets_the_chinese_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Not Found" not in body


def test_the_500_page_renders_without_a_request_context() -> None:
    # Django renders 500.html with an empty context: it must not need context processors.
    body = render_to_string("500.html")
    assert "系统暂时无法处理此请求" in body


@pytest.mark.django_db
def test_open_data_answers_head(client: Client) -> None:
    # Link checkers and caches probe with HEAD.
    assert client.head("/public/data/publications.csv").status_code == 200


@pytest.mark.django_db
def test_readiness_reports_an_unreachable_database(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError, connection

    assert client.get("/readyz").status_code == 200

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and b"database unavailable" in response.content
    # Liveness does not depend on the database.
    assert client.get("/healthz").status_code == 200
