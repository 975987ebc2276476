"""With CACHE_URL set, rate limits are counted in a cache every worker shares: a client that
has used its budget through one worker is refused by the next."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings
from rest_framework.test import APIClient

from spotcheck.config.env import cache_from_url

pytestmark = pytest.mark.django_db
LIST = "/api/v1/public/publications/"


def _rates(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "2/minute",
        },
    }


# Another worker process: a separate interpreter reading the throttle's history for this
# client from the cache named by CACHE_URL.
OTHER_WORKER = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "spotcheck.config.settings"
django.setup()
from django.core.cache import cache
print(len(cache.get("throttle_public_127.0.0.1") or []))
"""


def _seen_by_another_worker(cache_url: str, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setenv("CACHE_URL", cache_url)
    with override_settings(CACHES={"default": cache_from_url("CACHE_URL")}):
        caches["default"].clear()
        statuses: list[object] = [APIClient().get(LIST).status_code for _ in range(3)]
        other = subprocess.run(
            [sys.executable, "-c", OTHER_WORKER],
            env={**os.environ, "DEBUG": "1", "PYTHONPATH": "src"},
            capture_output=True,
            text=True,
            check=False,
        )
        caches["default"].clear()
    assert other.returncode == 0, other.stderr
    return [*statuses, int(other.stdout.strip())]


def test_a_file_cache_shares_the_count(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the per-process default the other worker would count 0.
    _rates(settings)
    assert _seen_by_another_worker(f"file://{tmp_path}", monkeypatch) == [200, 200, 429, 2]


def test_a_redis_cache_shares_the_count(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    _rates(settings)
    assert _seen_by_another_worker("redis://127.0.0.1:6379/15", monkeypatch) == [200, 200, 429, 2]
