"""A generation number for what the public can see, so per-process caches of public data
(the portal's filter options) drop out of date the moment a record is published, corrected or
withdrawn in this process; other processes catch up when their short TTL runs out."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

KEY = "disclosure:public-generation"


def generation() -> int:
    return int(cache.get_or_set(KEY, 0) or 0)


def _advance() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # evicted or never set
        cache.set(KEY, 1, timeout=None)


def bump() -> None:
    """Call from services whenever a state change may alter what the public sees."""
    transaction.on_commit(_advance)
