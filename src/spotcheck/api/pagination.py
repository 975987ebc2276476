from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

MAX_PAGE_SIZE = 200


class ApiPagination(PageNumberPagination):
    """Page numbers with an explicit cap. A too-large or malformed ``page_size`` is a 400 with
    a message rather than a silent cap, so a client never believes it has read everything."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        size = request.query_params.get(self.page_size_query_param)
        if size is not None:
            if not size.isdigit() or int(size) < 1:
                raise ValidationError({"page_size": [gettext("page_size 必须是正整数")]})
            if int(size) > MAX_PAGE_SIZE:
                raise ValidationError(
                    {"page_size": [gettext("page_size 不能超过 %(max)s") % {"max": MAX_PAGE_SIZE}]}
                )
        page = request.query_params.get(self.page_query_param)
        if page is not None and page != "last" and (not page.isdigit() or int(page) < 1):
            raise ValidationError({"page": [gettext("page 必须是正整数")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # The limits the checks above enforce, so that clients read them from the schema.
        params: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
                param["description"] = gettext("页码，从 1 开始")
            elif param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
                param["description"] = gettext("每页条数，默认 %(default)s，最大 %(max)s") % {
                    "default": self.page_size,
                    "max": MAX_PAGE_SIZE,
                }
        return params
