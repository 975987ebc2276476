"""The public portal (一公开): no login, read-only, only what ``disclosure.selectors`` returns.

Pages touch neither the session nor CSRF, so they are cacheable by shared proxies for a few
minutes; ``Vary: Cookie`` keeps a visitor's language choice from leaking to another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from spotcheck.accounts.models import Bureau
from spotcheck.disclosure import portal_scope, public_cache, selectors, selectors_draws
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.engine import verify as engine_verify
from spotcheck.engine.canonical import canonical_bytes
from spotcheck.engine.hashing import EngineError
from spotcheck.portal import presenters, verifier_strings

K = PublicationKind
PAGE_SIZE = 20
# Fifty pages: further than anyone pages, and counting more would dominate the request time of
# broad searches (open data serves whoever needs every record).
COUNT_CAP = 1_000
# The filter drop-downs change only when a record is published; see disclosure.public_cache.
FILTER_OPTIONS_TTL = 60
LATEST_ON_HOME = 10
# Short enough that a correction or withdrawal reaches readers behind a proxy quickly.
MAX_AGE = 300

View = Callable[..., HttpResponse]


class _NotPublic(Exception):
    """Raised inside a portal view; answered with the portal's own Chinese 404 page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def public_page(view: View) -> View:
    """GET/HEAD only, cacheable, varying by the language cookie."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except _NotPublic as exc:
            response = render(
                request, "portal/not_found.html", {"message": exc.message}, status=404
            )
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapped


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows: an exact count of a broad search over 100k+
    records costs more than the page itself, and nobody pages past the first few hundred."""

    def __init__(self, rows: QuerySet[Publication], per_page: int) -> None:
        super().__init__(rows, per_page)
        self.rows = rows

    @cached_property
    def _counted(self) -> int:
        # One row past the cap tells "exactly COUNT_CAP" from "more than that"; unordered,
        # so the database may stop at any COUNT_CAP + 1 matches instead of sorting them all.
        return self.rows.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def true_count_exceeds_cap(self) -> bool:
        return self._counted > COUNT_CAP

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)


def _page(rows: QuerySet[Publication], request: HttpRequest) -> Page[Publication]:
    # get_page turns junk and out-of-range page numbers into the first/last page.
    return CappedPaginator(_light(rows), PAGE_SIZE).get_page(request.GET.get("page"))


@dataclass(frozen=True)
class _Department:
    pk: int
    name: str


def _filter_options(today: dt.date) -> tuple[list[_Department], list[selectors.PublicItem]]:
    """Departments and items for the filter drop-downs, cached per process: building them
    costs about as much as the search itself."""
    key = (
        f"portal:filter-options:{portal_scope.cache_tag()}:{today.isoformat()}:"
        f"{public_cache.generation()}"
    )
    options = cache.get(key)
    if options is None:
        departments = [
            _Department(d.pk, d.qualified_name()) for d in selectors.public_departments(today=today)
        ]
        options = (departments, selectors.public_items(today=today))
        cache.set(key, options, FILTER_OPTIONS_TTL)
    return options


def _light(rows: QuerySet[Publication]) -> QuerySet[Publication]:
    # Lists show titles and dates only; a draw proof's payload can be megabytes.
    return rows.defer("payload", "redactions", "withheld_fields")


def _listing(
    request: HttpRequest,
    template: str,
    *,
    kinds: Sequence[str] = (),
    fields: Sequence[str] = ("q", "department", "date_from", "date_to"),
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A filtered, paginated list of public records (search and the per-kind sections)."""
    today = timezone.localdate()
    filters, errors = selectors.parse_public_filters(request.GET)
    rows = selectors.search_published(filters, today=today, kinds=kinds)
    departments, items = _filter_options(today)
    context = {
        "filters": filters,
        "errors": errors,
        "page": _page(rows, request),
        "fields": set(fields),
        "kinds": [(k, label) for k, label in K.choices if not kinds or k in kinds],
        "departments": departments,
        "items": items if "item" in fields else [],
        "searched": bool(filters.as_params()),
        "action": request.path,
        **(extra or {}),
    }
    return render(request, template, context)


@dataclass(frozen=True)
class _BureauPortal:
    code: str
    name: str
    depth: int
    current: bool


def _bureau_portals() -> list[_BureauPortal]:
    """The bureaus whose own portals this one contains (none in a one-bureau deployment)."""
    key = f"portal:bureaus:{portal_scope.cache_tag()}"
    rows = cache.get(key)
    if rows is None:
        scope = portal_scope.current()
        bureaus = Bureau.objects.order_by("path")
        if scope is not None:
            bureaus = bureaus.filter(pk__in=scope.bureau_ids)
        found = list(bureaus)
        top = min((b.depth() for b in found), default=0)
        rows = (
            [
                _BureauPortal(
                    b.code, b.name, b.depth() - top, scope is not None and b.code == scope.code
                )
                for b in found
            ]
            if len(found) > 1
            else []
        )
        cache.set(key, rows, FILTER_OPTIONS_TTL)
    return rows


def _portal_root(request: HttpRequest) -> str:
    """The deployment's own prefix (not a bureau portal's), e.g. "" behind no sub-path."""
    return str(request.META.get("SCRIPT_NAME", "")).rstrip("/")


@public_page
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = selectors.search_published(selectors.PublicFilters(), today=today)
    return render(
        request,
        "portal/home.html",
        {
            "latest": _light(latest)[:LATEST_ON_HOME],
            "kinds": K.choices,
            "departments": _filter_options(today)[0],
            "bureaus": _bureau_portals(),
            "portal_root": _portal_root(request),
        },
    )


@public_page
def search(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        "portal/search.html",
        fields=("q", "kind", "department", "item", "date_from", "date_to"),
    )


@public_page
def penalties(request: HttpRequest) -> HttpResponse:
    return _listing(request, "portal/penalties.html", kinds=[K.PENALTY_DECISION])


@public_page
def draws(request: HttpRequest) -> HttpResponse:
    return _listing(request, "portal/draws.html", kinds=list(presenters.DRAW_KINDS))


@public_page
def draw_history(request: HttpRequest, task_id: int) -> HttpResponse:
    """Every draw of a task, re-draws included: each commitment with its 作废 mark, in order,
    chained by digest, and each proof once Art. 18 allows it."""
    history = selectors_draws.task_draw_history(task_id, today=timezone.localdate())
    if history is None:
        raise _NotPublic(_("没有该任务的公开抽取记录。"))
    return render(request, "portal/draw_history.html", {"history": history})


@public_page
def tasks(request: HttpRequest) -> HttpResponse:
    plans = selectors.search_published(
        selectors.PublicFilters(kind=K.ANNUAL_PLAN), today=timezone.localdate()
    )
    return _listing(
        request,
        "portal/tasks.html",
        kinds=[K.TASK_ANNOUNCEMENT],
        extra={"plans": _light(plans)[:50]},
    )


@public_page
def items(request: HttpRequest) -> HttpResponse:
    lists = selectors.latest_per_department(K.ITEM_LIST, today=timezone.localdate())
    return render(request, "portal/items.html", {"lists": lists})


@public_page
def inspectors(request: HttpRequest) -> HttpResponse:
    lists = selectors.latest_per_department(K.INSPECTOR_LIST, today=timezone.localdate())
    return render(request, "portal/inspectors.html", {"lists": lists})


def _verifier_context(**extra: Any) -> dict[str, Any]:
    return {
        "verifier_strings": verifier_strings.strings(),
        "source_url": settings.SPOTCHECK_SOURCE_URL,
        **extra,
    }


@public_page
def verify(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/verify.html", _verifier_context())


def _published_commitment(payload: dict[str, Any]) -> Publication | None:
    """The commitment the portal published for the same draw (before the randomness)."""
    task_id, draw_id = payload.get("task_id"), payload.get("draw_id")
    if not isinstance(task_id, int) or not isinstance(draw_id, int):
        return None
    history = selectors_draws.task_draw_history(task_id, today=timezone.localdate())
    if history is None:
        return None
    return next((d.commitment for d in history.draws if d.draw_id == draw_id), None)


@public_page
def verify_browser(request: HttpRequest) -> HttpResponse:
    """The browser verifier. With ``?record=<pk>`` of a published draw proof the page fetches
    that proof and the draw's published commitment and checks them in the browser; without
    it, the visitor chooses the files. The server computes nothing."""
    record = request.GET.get("record", "")
    if not record:
        return render(request, "portal/verify_browser.html", _verifier_context())
    publication = _record_or_404(int(record)) if record.isdigit() and len(record) < 12 else None
    if publication is None or publication.kind != K.DRAW_PROOF:
        raise _NotPublic(_("没有这份抽取证明，或它尚未公开。"))
    payload = presenters.as_dict(publication.payload)
    commitment = _published_commitment(payload)
    config: dict[str, Any] = {
        "proof_url": reverse("portal:proof", args=[publication.pk]),
        "proof_name": presenters.proof_filename(publication.kind, payload, publication.pk),
    }
    if commitment is not None:
        config |= {
            "commitment_url": reverse("portal:proof", args=[commitment.pk]),
            "commitment_name": presenters.proof_filename(
                commitment.kind, presenters.as_dict(commitment.payload), commitment.pk
            ),
            "commitment_published_at": (
                timezone.localtime(commitment.published_at).strftime("%Y-%m-%d %H:%M:%S")
                if commitment.published_at
                else ""
            ),
        }
    return render(
        request,
        "portal/verify_browser.html",
        _verifier_context(
            record=publication,
            draw_id=payload.get("draw_id"),
            commitment=commitment,
            verifier_config=config,
        ),
    )


@public_page
def verifier_download(request: HttpRequest) -> HttpResponse:
    """The standalone verifier, one file that needs only Python: the very module the staff
    side and CI run (spotcheck/engine/verify.py), served as is."""
    body = Path(engine_verify.__file__).read_bytes()
    response = HttpResponse(body, content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spotcheck_verify.py"'
    return response


_TASK_KINDS = {K.TASK_ANNOUNCEMENT, K.INSPECTION_RESULT, *presenters.DRAW_KINDS}


def _record_or_404(pk: int) -> Publication:
    publication = selectors.public_record(pk, today=timezone.localdate())
    if publication is None:
        raise _NotPublic(_("没有这条公示记录，或它尚未公开。"))
    return publication


@public_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _record_or_404(pk)
    versions = selectors.public_versions(publication, today=timezone.localdate())
    latest = versions[-1] if versions else None
    this = next((v for v in versions if v.pk == publication.pk), None)
    payload = presenters.as_dict(publication.payload)
    task_name = (
        str(payload.get("task") or payload.get("name") or "")
        if publication.kind in _TASK_KINDS
        else ""
    )
    context = {
        "pub": publication,
        "payload": payload,
        "target": presenters.as_dict(payload.get("target")),
        "versions": versions,
        "public_since": this.public_since if this else publication.published_at,
        "latest": latest if latest and latest.pk != publication.pk else None,
        "withdrawn": publication.state == PublicationState.WITHDRAWN,
        "corrected": publication.state == PublicationState.CORRECTED,
        "kind_template": presenters.KIND_TEMPLATES[publication.kind],
        "withheld": presenters.withheld_labels(list(publication.withheld_fields or [])),
        "draw": presenters.draw_summary(publication.kind, payload),
        # Draw records link to their task's whole draw history (re-draws included); other
        # task records find it by the task's name.
        "task_draws_url": (
            reverse("portal:draw_history", args=[payload["task_id"]])
            if publication.kind in presenters.DRAW_KINDS and isinstance(payload.get("task_id"), int)
            else f"{reverse('portal:draws')}?{urlencode({'q': task_name[: selectors.Q_MAX]})}"
            if task_name
            else ""
        ),
        "voided": publication.voided_at is not None,
        "aborted": presenters.as_dict(payload.get("aborted")),
    }
    return render(request, "portal/detail.html", context)


@public_page
@gzip_page
def proof(request: HttpRequest, pk: int) -> HttpResponse:
    """The commitment or proof exactly as recorded, in canonical JSON: the bytes the
    verifier reads and the commitment digest is computed over.

    Sent gzip-compressed to clients that accept it (a 10^6-line proof: 87 MB → 13 MB); the
    browser and curl --compressed store the canonical bytes, and both verifiers also take
    the .gz file itself. Nothing on this public, cookie-free response is secret, so
    compression cannot leak anything (BREACH needs a secret in the body)."""
    publication = _record_or_404(pk)
    payload = presenters.as_dict(publication.payload)
    document = payload.get("document")
    if publication.kind not in presenters.DRAW_KINDS or not isinstance(document, dict):
        raise _NotPublic(_("该公示记录没有可下载的抽取文件。"))
    try:
        body = canonical_bytes(document)
    except EngineError as exc:
        raise _NotPublic(_("抽取文件无法导出。")) from exc
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = presenters.proof_filename(publication.kind, payload, publication.pk)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
