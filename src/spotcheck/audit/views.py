"""The audit-log browser (执法全过程记录): auditors and admins only, read-only."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.audit import confidential, verification
from spotcheck.audit.labels import event_label, object_label
from spotcheck.audit.models import AuditEvent
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.jobs.models import JobState
from spotcheck.jobs.services import job_for

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


class _KnownCountPaginator(Paginator):
    """A paginator told its count, so the unfiltered log is not COUNT(*)-ed on every visit."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


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
    scope = access.bureau_scope(user)
    if scope is not None:
        # One chain serves the province; a bureau's auditor reads what its own staff did.
        qs = qs.filter(
            Q(actor__department__bureau_id__in=scope)
            | Q(actor__department=None, actor__bureau_id__in=scope)
        )
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
    unfiltered = not any(values.values()) and access.bureau_scope(request.user) is None
    paginator = (
        _KnownCountPaginator(qs, PAGE_SIZE, verification.log_size())
        if unfiltered
        else Paginator(qs, PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    # Work bounded by the checkpoint interval, never by the size of the whole log.
    check = verification.page_check(run=request.GET.get("verify") == "1")
    full_job = None
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            full_job = job_for(request.user, uuid.UUID(job_id))  # type: ignore[arg-type]
        except ValueError:
            full_job = None
        if full_job is not None and full_job.kind != verification.JOB_KIND:
            full_job = None
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
    params.pop("job", None)
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
        "check": check,
        "full_job": full_job,
        "full_finished": full_job is not None
        and full_job.state in (JobState.DONE, JobState.FAILED),
        "query": params.urlencode(),
    }
    return render(request, "audit/event_list.html", context)


@login_required
@require_POST
def full_verify(request: HttpRequest) -> HttpResponse:
    """Start re-hashing the whole log from its first event, as a job with a progress bar."""
    job = verification.full_verify_start(actor=request.user)  # type: ignore[arg-type]
    return redirect(f"{reverse('audit:event_list')}?job={job.pk}#chain-verification")
