"""Public read-only endpoints over publications (一公开): no login, no session, no CSRF.

Every read goes through the public selectors of ``disclosure.selectors`` (``search_published``
for lists, ``public_record``/``public_versions`` for a record), which are the single gate of
what the public may see; these views only parse, paginate and serialise.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from spotcheck.api.pagination import ApiPagination
from spotcheck.api.schema import ApiAutoSchema
from spotcheck.api.serializers_public import (
    PublicationDetailSerializer,
    PublicationListSerializer,
)
from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import Publication, PublicationKind

# Larger ids cannot be rows (and would overflow the database's integer column).
MAX_ID = 2**31 - 1
TAG = "公开数据（无需登录）"  # the tag is an identifier in the schema; its text is data


class PublicRateThrottle(SimpleRateThrottle):
    """Per client address for everyone, logged in or not: the public endpoints have their own
    budget (``API_PUBLIC_RATE``) so that a scraper of open data cannot use up staff quotas and
    staff scripts cannot lift the public limit."""

    scope = "public"

    def get_rate(self) -> str | None:
        # Read at request time (not import time) so a changed setting takes effect.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return str(rate) if rate else None

    def get_ident(self, request: Request) -> str:
        # DRF's default takes a client-supplied X-Forwarded-For verbatim unless NUM_PROXIES is
        # set, so a scraper could send a new address with every request and never be limited.
        if api_settings.NUM_PROXIES is None:
            return str(request.META.get("REMOTE_ADDR", ""))
        return super().get_ident(request)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicView(generics.GenericAPIView[Publication]):
    schema = ApiAutoSchema()
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]


FILTER_PARAMS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=gettext_lazy("检查对象名称关键字，或完整的统一社会信用代码"),
    ),
    OpenApiParameter(
        "kind",
        OpenApiTypes.STR,
        enum=list(PublicationKind.values),
        description=format_lazy(
            "{}{}",
            gettext_lazy("公示类型："),
            lazy(
                lambda: gettext("；").join(
                    f"{value} {label}" for value, label in PublicationKind.choices
                ),
                str,
            )(),
        ),
    ),
    OpenApiParameter("department", OpenApiTypes.INT, description=gettext_lazy("公示部门编号")),
    OpenApiParameter("item", OpenApiTypes.STR, description=gettext_lazy("抽查事项编码")),
    OpenApiParameter(
        "date_from",
        OpenApiTypes.DATE,
        description=gettext_lazy("公示日期起（含，北京时间，YYYY-MM-DD）"),
    ),
    OpenApiParameter(
        "date_to",
        OpenApiTypes.DATE,
        description=gettext_lazy("公示日期止（含，北京时间，YYYY-MM-DD）"),
    ),
]


@extend_schema(
    tags=[TAG],
    summary=gettext_lazy("公示记录列表"),
    description=gettext_lazy(
        "公示记录列表（已公示的记录，最新的在前）。筛选参数与公示查询页面相同；"
        "分页参数 page、page_size（最大 200）。"
    ),
    parameters=FILTER_PARAMS,
    responses=PublicationListSerializer(many=True),
)
class PublicationList(PublicView, generics.ListAPIView[Publication]):
    serializer_class = PublicationListSerializer
    pagination_class = ApiPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Publication.objects.none()
        filters, errors = selectors.parse_public_filters(self.request.query_params)
        if errors:
            raise ValidationError({field: [message] for field, message in errors.items()})
        return selectors.search_published(filters)


@extend_schema(
    tags=[TAG],
    summary=gettext_lazy("公示记录详情"),
    description=gettext_lazy(
        "一条公示记录（含脱敏后的公示内容）及其版本历史。已更正的旧版本仍可查看，"
        "并标明已被哪个版本更正；已撤回的记录只给出标题、类型、部门、日期和撤回理由，不含公示内容。"
    ),
    parameters=[
        OpenApiParameter(
            "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=gettext_lazy("记录编号")
        )
    ],
    responses=PublicationDetailSerializer,
)
class PublicationDetail(PublicView):
    serializer_class = PublicationDetailSerializer

    def get(self, request: Request, pk: str) -> Response:
        # Any segment reaches here (see urls.py) so that a malformed id is a JSON 404 too.
        valid = pk.isascii() and pk.isdigit() and 0 < int(pk) <= MAX_ID
        record = selectors.public_record(int(pk)) if valid else None
        if record is None:
            raise NotFound(gettext("公示记录不存在或未公开"))
        context = {
            **self.get_serializer_context(),
            "versions": selectors.public_versions(record),
        }
        return Response(PublicationDetailSerializer(record, context=context).data)
