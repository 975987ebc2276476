"""Publication tests reuse the inspections' drawn scene (a task whose window is open)."""

from tests.inspections.conftest import scene  # noqa: F401
