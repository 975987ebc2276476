"""The directory's region and industry lists, cached: computed from the whole target table
(a DISTINCT over every row, ~0.5 s at 10^6 targets) but shown on every directory and task
form page.

A generation number drops them out of date whenever a target is saved (a signal covers the
services, the admin and test factories) or an import writes targets in bulk. It advances at
once — so the writing process and the rest of its transaction see the change — and again when
the transaction commits, so a reader that cached the old lists in between is corrected. Other
processes with a per-process cache catch up within OPTIONS_TTL; with a shared cache
(CACHE_URL=redis://…) at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from spotcheck.core.generation import Generation
from spotcheck.directory.models import Target

KEY = "directory:options-generation"
OPTIONS_TTL = 60
T = TypeVar("T")


_GENERATION = Generation(KEY)


def generation() -> int:
    return _GENERATION.current()


def bump() -> None:
    """Call after writing targets without model saves (bulk imports)."""
    _GENERATION.advance()
    _GENERATION.advance_on_commit()


def cached(name: str, compute: Callable[[], T]) -> T:
    # The generation is read before computing: a change committed meanwhile has already
    # advanced it, so nothing older than the key can be stored under it.
    key = f"directory:options:{name}:{generation()}"
    value: Any = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, OPTIONS_TTL)
    return value


@receiver(post_save, sender=Target)
@receiver(post_delete, sender=Target)
def _target_changed(**kwargs: Any) -> None:
    bump()
