"""The audit log's signed checkpoints on the portal: anyone can keep a copy and later ask the
bureau (or its auditor) to show that the log still extends it; see docs/user-guide.zh.md."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from spotcheck.disclosure import selectors_audit
from spotcheck.portal.views import _NotPublic, public_page

PAGE_SIZE = 50


def _json(doc: object, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_page
def checkpoints(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors_audit.checkpoint_rows(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [selectors_audit.public(cp) for cp in page.object_list],
        "keys": selectors_audit.public_keys(),
        "log_id": selectors_audit.log_id(),
    }
    return render(request, "portal/audit_checkpoints.html", context)


@public_page
def checkpoint_json(request: HttpRequest, pk: int) -> HttpResponse:
    cp = selectors_audit.checkpoint(pk)
    if cp is None:
        raise _NotPublic(_("没有这个检查点。"))
    return _json(cp.document, f"audit-checkpoint-{cp.tree_size}.json")


@public_page
def latest_json(request: HttpRequest) -> HttpResponse:
    cp = selectors_audit.latest_checkpoint()
    if cp is None:
        raise _NotPublic(_("还没有签署过检查点。"))
    return _json(cp.document, f"audit-checkpoint-{cp.tree_size}.json")
