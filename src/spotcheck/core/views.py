from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from spotcheck.core import access
from spotcheck.directory import options_cache
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.directory.selectors import in_scope_targets
from spotcheck.reports.todo import todo_counts, todo_list

log = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """待办 home: what waits for this person (reports.todo), then the directory counters."""
    counts = {}
    user = request.user
    scope = access.bureau_scope(user)
    if access.can_view_targets(user):
        # A count of the whole directory (~0.1 s at 10^6, ~1 s at 10^7) on every visit to
        # the home page: cached under the directory's generation instead, per bureau scope.
        key = "all" if scope is None else ",".join(map(str, sorted(scope)))
        counts["targets"] = options_cache.cached(
            f"target-count:{key}",
            lambda: in_scope_targets(user, Target.objects.all()).count(),
        )
    if access.can_view_items(user):
        items = access.scope_departments(user, CheckItem.objects.filter(active=True))
        counts["items"] = items.count()
        counts["inspectors"] = access.scope_departments(user, Inspector.objects.all()).count()
    todo = todo_list(user=request.user)
    return render(
        request,
        "core/home.html",
        {"counts": counts, "todo": todo, "todo_counts": todo_counts(todo)},
    )


@cache
def _favicon_bytes() -> bytes:
    return (Path(__file__).resolve().parent.parent / "static" / "img" / "favicon.ico").read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page that names none (Django admin, files opened
    directly); answering it keeps 404s out of the log."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Deliberately no database, so a supervisor does not restart
    healthy web workers while the database is briefly away."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers too (for a load balancer deciding where to send users)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("readiness check: database unavailable")
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")
