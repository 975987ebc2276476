"""HTML pages of the API app: the personal token page and the offline docs page."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods
from drf_spectacular.generators import SchemaGenerator

from spotcheck.api import selectors, services

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@login_required
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    raw: str | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        current = selectors.active_token(user=request.user)
        if action == "create":
            _, raw = services.token_create(actor=request.user)
        elif action == "revoke" and current is not None:
            services.token_revoke(actor=request.user, token=current)
            messages.success(request, gettext("接口令牌已撤销"))
            return redirect("api:token")
        else:
            messages.error(request, gettext("未执行任何操作"))
            return redirect("api:token")
    # The raw token is rendered once, in the POST response, and never stored or shown again.
    return render(
        request,
        "api/token.html",
        {"token": selectors.active_token(user=request.user), "raw": raw},
    )


@functools.cache
def _endpoints() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    # The schema only changes with the code: build it once per process.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    rows = []
    for path, operations in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            op = operations.get(method)
            if op is None:
                continue
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": (op.get("description") or "").strip().splitlines()[:1],
                    "parameters": [
                        p["name"] for p in op.get("parameters", []) if p.get("in") == "query"
                    ],
                    "auth": [name for req in op.get("security", []) for name in req],
                }
            )
    return schema.get("info", {}), rows


def docs_page(request: HttpRequest) -> HttpResponse:
    """Rendered on the server from the OpenAPI schema: no CDN, works on an offline intranet."""
    info, rows = _endpoints()
    return render(request, "api/docs.html", {"info": info, "endpoints": rows})
