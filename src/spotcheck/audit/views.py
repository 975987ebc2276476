"""The audit-log browser (执法全过程记录): auditors and admins only, read-only."""

from __future__ import annotations

import datetime as dt
import json
from itertools import islice
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from spotcheck.audit import confidential
from spotcheck.audit.labels import event_label, object_label
from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed

PAGE_SIZE = 50
# Directory events name their model in the payload; link them to the record's page (and its
# change history) so an auditor can go from "who did it" to "what it looks like now".
RECORD_URLS = {
    "Target": "directory:target_detail",
    "CheckItem": "directory:item_detail",
    "Inspector": "directory:inspector_detail",
}


def record_url(event: AuditEvent) -> str:
    name = RECORD_URLS.get(str((event.payload or {}).get("model", "")))
    if name is None or not event.object_id.isdigit():
        return ""
    return reverse(name, args=[int(event.object_id)])


# Verifying re-hashes the whole chain; below this size it is cheap enough to do on every visit,
# above it the auditor asks for it with the button.
AUTO_VERIFY_MAX = 5000
MAX_PROBLEMS_SHOWN = 50


def _parse_date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(
            _("%(label)s“%(value)s”不是有效日期，应为 年-月-日（如 2026-01-31）")
            % {"label": label, "value": raw}
        )
        return None


def _filtered(
    params: Any, errors: list[str], user: Any
) -> tuple[QuerySet[AuditEvent], dict[str, str]]:
    values = {
        name: str(params.get(name, "") or "").strip()[:100]
        for name in ("event_type", "actor", "object", "date_from", "date_to")
    }
    qs = AuditEvent.objects.all()
    if values["event_type"]:
        qs = qs.filter(event_type=values["event_type"])
    if values["actor"]:
        qs = qs.filter(actor_label__icontains=values["actor"])
    if values["object"]:
        term = values["object"]
        qs = qs.filter(
            Q(object_id=term)
            | Q(object_type__iexact=term)
            | confidential.summary_search(user, term)
        )
    start = _parse_date(values["date_from"], _("开始日期"), errors)
    end = _parse_date(values["date_to"], _("结束日期"), errors)
    if start and end and end < start:
        errors.append(_("结束日期不能早于开始日期"))
    else:
        if start:
            qs = qs.filter(at__date__gte=start)
        if end:
            qs = qs.filter(at__date__lte=end)
    return qs.order_by("-seq"), values


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not access.can_view_audit(request.user):
        raise NotAllowed(_("只有纪检监督人员和系统管理员可以查看审计日志"))
    errors: list[str] = []
    qs, values = _filtered(request.GET, errors, request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    total = AuditEvent.objects.count()
    verification: dict[str, Any] | None = None
    if request.GET.get("verify") == "1" or total <= AUTO_VERIFY_MAX:
        problems = list(islice(verify_chain(), MAX_PROBLEMS_SHOWN + 1))
        verification = {
            "ok": not problems,
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "truncated": len(problems) > MAX_PROBLEMS_SHOWN,
            "total": total,
        }
    # Art. 18: names of drawn targets and teams only for readers who may see the lists.
    for ev in confidential.present(page.object_list, request.user):
        ev.payload_json = json.dumps(ev.shown_payload, ensure_ascii=False, indent=2, default=str)
        ev.type_label = event_label(ev.event_type)
        ev.object_label = object_label(ev.object_type)
        ev.model_label = object_label(str((ev.payload or {}).get("model", "")))
        ev.record_url = record_url(ev)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("verify", None)
    context = {
        "page": page,
        "page_range": page_range,
        "values": values,
        "errors": errors,
        "event_types": [
            (t, event_label(t))
            for t in AuditEvent.objects.values_list("event_type", flat=True)
            .distinct()
            .order_by("event_type")
        ],
        "verification": verification,
        "query": params.urlencode(),
    }
    return render(request, "audit/event_list.html", context)
