"""Open data downloads under /public/data/: no login, read-only, streamed.

Thin views: the filters are parsed by ``disclosure.selectors.parse_public_filters`` (the same
rules and Chinese messages as the portal search and the public API), the rows come from
``search_published``, and ``exports`` turns them into CSV or JSON line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from spotcheck.disclosure import selectors, selectors_audit
from spotcheck.disclosure.models import PublicationKind
from spotcheck.opendata import exports


def record_url(request: HttpRequest) -> Callable[[int], str]:
    """The stable, absolute URL of a record: it never changes, a correction gets its own."""
    # Reversed once: reversing per row cost a sixth of a 100k-row download.
    marker = 999999999
    head, tail = reverse("portal:detail", args=[marker]).split(str(marker))
    base = request.build_absolute_uri("/")[:-1] + head
    return lambda pk: f"{base}{pk}{tail}"


def _filters(request: HttpRequest) -> tuple[selectors.PublicFilters, dict[str, str]]:
    return selectors.parse_public_filters(request.GET)


def _errors_text(errors: Mapping[str, str]) -> str:
    return (
        str(_("参数错误："))
        + "\n"
        + "\n".join(f"{field}：{message}" for field, message in errors.items())
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "columns": DATASET_COLUMNS,
            "kinds": PublicationKind.choices,
        },
    )


@require_safe
def publications_csv(request: HttpRequest) -> HttpResponseBase:
    filters, errors = _filters(request)
    if errors:
        return HttpResponse(
            _errors_text(errors), status=400, content_type="text/plain; charset=utf-8"
        )
    rows = selectors.search_published(filters)
    response = StreamingHttpResponse(
        exports.csv_lines(rows, record_url(request)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="publications-{stamp}.csv"'
    return response


@require_safe
def publications_json(request: HttpRequest) -> HttpResponseBase:
    filters, errors = _filters(request)
    if errors:
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    rows = selectors.search_published(filters)
    meta = {
        "dataset": "spotcheck publications",
        "licence": str(LICENCE),
        "generated_at": timezone.localtime().isoformat(),
        "query": request.GET.dict(),
    }
    response = StreamingHttpResponse(
        exports.json_chunks(rows, record_url(request), meta),
        content_type="application/json; charset=utf-8",
    )
    return response


@require_safe
def audit_checkpoints_json(request: HttpRequest) -> HttpResponse:
    """Every signed checkpoint of the audit log and every public key that ever signed one.

    ``manage.py verify_audit --checkpoint <this URL>`` checks them all against the log."""
    data = {
        "dataset": "spotcheck audit checkpoints",
        "licence": str(LICENCE),
        "generated_at": timezone.localtime().isoformat(),
        "log": selectors_audit.log_id(),
        "signed_message": str(SIGNED_MESSAGE),
        "public_keys": [
            {
                "key_id": k.key_id,
                "algorithm": k.algorithm,
                "public_key": k.public_key,
                "registered_at": k.registered_at.isoformat(),
            }
            for k in selectors_audit.public_keys()
        ],
        "checkpoints": selectors_audit.all_checkpoints(),
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


SIGNED_MESSAGE = _(
    "签名内容：检查点中除 signature 外的各字段，按键名排序、无空格的 UTF-8 JSON；算法 Ed25519；"
    "key_id 为公钥 32 字节的 SHA-256（十六进制）。"
)

LICENCE = _(
    "公开数据可免费获取、复制和再利用，请注明来源并保持内容准确；个人信息已按规定脱敏，不得尝试还原。"
)

# (column, meaning) — shown on the index page; the CSV header uses the column names.
DATASET_COLUMNS = [
    ("id", _("公示记录编号（每个版本一个，永不复用）")),
    ("url", _("公示页面的固定网址")),
    ("kind", _("公示类型代码")),
    ("kind_display", _("公示类型名称")),
    ("title", _("标题")),
    ("department", _("公示部门")),
    ("subject_name", _("检查对象名称（抽查结果、行政处罚；个体工商户经营者姓名已脱敏）")),
    ("subject_credit_code", _("检查对象统一社会信用代码")),
    ("version", _("版本号（更正后加一）")),
    ("published_at", _("公示时间（北京时间，ISO 8601）")),
    # The values are codes, marked up as such (our own constant, so safe to render).
    (
        "status",
        mark_safe(
            _(
                "<code>published</code>＝已公示；<code>correction</code>＝对 <code>supersedes</code> 所指记录的更正"
            )
        ),
    ),
    ("supersedes", _("被本记录更正的原记录编号（原记录网址仍可访问，并标明已更正）")),
    ("bureau", _("公示部门所属机关（各区县都可能有同名部门）")),
]
