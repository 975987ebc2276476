"""Generation numbers in the cache: a cached value is keyed on its generation, and a write
that may change it advances the generation instead of finding and deleting every key."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction


@dataclass(frozen=True)
class Generation:
    key: str

    def current(self) -> int:
        return int(cache.get_or_set(self.key, 0) or 0)

    def advance(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # evicted or never set
            cache.set(self.key, 1, timeout=None)

    def advance_on_commit(self) -> None:
        transaction.on_commit(self.advance)
