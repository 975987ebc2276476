"""Open data tests reuse the inspections' drawn scene and publish records through services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.inspections.conftest import Scene, scene  # noqa: F401
from tests.opendata.builders import Records, build_records


@pytest.fixture
def records(scene: Scene) -> Records:  # noqa: F811
    return build_records(scene)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
