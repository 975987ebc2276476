"""Portal tests publish on the inspections' drawn scene (a task whose window is open)."""

from tests.inspections.conftest import scene  # noqa: F401
