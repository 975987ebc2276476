"""Public portal reads from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Only a request that :class:`PublicReadsMiddleware` marked (a GET or HEAD of the public portal,
open data or the public API) reads from the ``replica`` alias; every write, every staff page,
every job and management command, and any read inside a transaction go to ``default``. A
replica lags the primary by a moment, which the public pages can afford (what was published a
second ago shows a second later) but a clerk who has just saved a form cannot.

Without DATABASE_REPLICA_URL there is no ``replica`` alias and the router routes nothing.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

REPLICA = "replica"

# Per request (a contextvar rather than a thread-local, so it also holds under ASGI).
_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "spotcheck_public_read", default=False
)
# Set once a marked request actually read from the replica; the middleware reports it in a
# response header so operations (and tests/multihost) can see where a page came from.
_replica_used: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "spotcheck_replica_used", default=False
)

# Paths whose anonymous reads may be served from the replica (see config/urls.py).
PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")

# Never read from the replica, even on a public page: sessions and the logged-in user must
# reflect the latest login or logout, lockouts the latest failure, and the job queue its own
# latest state (a stale copy would show a logged-out user as logged in, and so on).
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_q", "jobs"})


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def public_reads() -> Iterator[None]:
    """Within this block, reads outside a transaction may go to the replica."""
    token = _public_read.set(True)
    used = _replica_used.set(False)
    try:
        yield
    finally:
        _public_read.reset(token)
        _replica_used.reset(used)


def replica_was_used() -> bool:
    return _replica_used.get()


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _public_read.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label == settings.AUTH_USER_MODEL:
            return None
        # A transaction on the primary (a public view that writes, or select_for_update)
        # must read its own writes.
        if connections["default"].in_atomic_block:
            return None
        _replica_used.set(True)
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        # Even an object read from the replica is saved to the primary: the replica is
        # read-only and would refuse the write anyway.
        return "default" if replica_configured() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data (the replica is a physical copy of the primary).
        dbs = {obj1._state.db, obj2._state.db}
        return True if dbs <= {"default", REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica gets its schema by streaming from the primary; it is never migrated.
        return False if db == REPLICA else None


class PublicReadsMiddleware:
    """Marks public GET/HEAD requests so the router may serve their reads from the replica."""

    header = "X-Spotcheck-Read-From"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not replica_configured()
            or request.method not in {"GET", "HEAD"}
            or not request.path_info.startswith(PUBLIC_PREFIXES)
        ):
            return self.get_response(request)
        with public_reads():
            response = self.get_response(request)
            response[self.header] = "replica" if replica_was_used() else "primary"
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            # A streamed body (the open-data CSV and JSON) queries as the server pulls it,
            # after this method returned: mark each pull, and only the pull.
            response.streaming_content = _pulled_with_public_reads(response.streaming_content)
        return response


def _pulled_with_public_reads(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # The mark is set around next() alone and reset before the chunk leaves: a server that
    # abandons the body half-way can never carry the mark into its next request.
    source = iter(chunks)
    while True:
        with public_reads():
            try:
                chunk = next(source)
            except StopIteration:
                return
        yield chunk
