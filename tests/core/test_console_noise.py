"""What a newcomer sees in the `make run` console: no traceback for a refused request, no 404
for the browser's favicon request."""

from __future__ import annotations

import logging
import sys

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.core.logging import BriefClientErrors
from tests.conftest import Personas


@pytest.mark.django_db
def test_a_403_is_one_line_without_traceback(
    client: Client, personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(personas.inspector)  # an inspector may not open the audit log
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("audit:event_list")).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden") and record.exc_info is None
    assert "Traceback" not in caplog.text


def _record(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info)
    record.status_code = status
    return record


@pytest.mark.parametrize(("status", "keeps_traceback"), [(400, False), (404, False), (500, True)])
def test_only_server_errors_keep_their_traceback(status: int, keeps_traceback: bool) -> None:
    record = _record(status)
    assert BriefClientErrors().filter(record) is True
    assert (record.exc_info is not None) is keeps_traceback


@pytest.mark.django_db
def test_favicon_is_served_to_anyone(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/public/"])
def test_pages_name_their_icon(client: Client, url: str) -> None:
    assert 'rel="icon"' in client.get(url).content.decode()


def test_each_django_warning_is_printed_once_and_request_lines_keep_their_format() -> None:
    # Django's DEBUG console on "django" printed every warning a second time next to ours.
    django_logger = logging.getLogger("django")
    ours = [h for h in django_logger.handlers if not type(h).__module__.startswith("_pytest")]
    assert django_logger.propagate is False and len(ours) == 1
    server = [h.formatter for h in logging.getLogger("django.server").handlers if h.formatter]
    assert any("{server_time}" in (f._fmt or "") for f in server)
