"""Which bureaus' records a public page shows: a bureau's own portal (``/b/<code>/public/``)
shows that bureau and those below it; the plain ``/public/`` is the whole deployment's
(the province's) portal.

Set once per request by ``core.middleware.BureauPortalMiddleware`` and read by
``disclosure.selectors.published``, so every public list, search, filter drop-down and feed
built on it is narrowed the same way without each view passing the bureau along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class PortalScope:
    code: str
    name: str
    bureau_ids: frozenset[int]


_current: ContextVar[PortalScope | None] = ContextVar("portal_scope", default=None)


def current() -> PortalScope | None:
    return _current.get()


def cache_tag() -> str:
    """Part of every cache key of a public page's data: each portal has its own."""
    scope = _current.get()
    return "all" if scope is None else scope.code


@contextmanager
def narrowed(scope: PortalScope | None) -> Iterator[None]:
    token = _current.set(scope)
    try:
        yield
    finally:
        _current.reset(token)
