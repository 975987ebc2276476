# The workflow fixtures moved to tests/workflow_fixtures.py; kept importable from here.
from tests.workflow_fixtures import World

__all__ = ["World"]
