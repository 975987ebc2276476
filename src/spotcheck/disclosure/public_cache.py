"""A generation number for what the public can see, so per-process caches of public data
(the portal's filter options) drop out of date the moment a record is published, corrected or
withdrawn in this process; other processes catch up when their short TTL runs out."""

from __future__ import annotations

from spotcheck.core.generation import Generation

KEY = "disclosure:public-generation"
_GENERATION = Generation(KEY)


def generation() -> int:
    return _GENERATION.current()


def bump() -> None:
    """Call from services whenever a state change may alter what the public sees."""
    _GENERATION.advance_on_commit()
