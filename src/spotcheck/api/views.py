"""Read-only staff endpoints. Each one asks the same selector as the web page it mirrors, so
the selector's access check (NotAllowed → 403) and filtering apply to both alike."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from spotcheck.api import serializers
from spotcheck.api.pagination import ApiPagination
from spotcheck.api.schema import ApiAutoSchema
from spotcheck.core import access
from spotcheck.directory import selectors as directory
from spotcheck.directory.models import CheckItem, Inspector, InspectorStatus, Target
from spotcheck.draws import selectors as draws
from spotcheck.planning.models import SpotCheckTask
from spotcheck.reports.todo import todo_list

THROTTLES = [AnonRateThrottle, UserRateThrottle]
MAX_ID = 2**31 - 1


def _department_param(request: Request) -> int | None:
    raw = request.query_params.get("department", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(
            {"department": [gettext("监管部门的取值“%(value)s”无效") % {"value": raw}]}
        )
    return int(raw)


def _q(request: Request) -> str:
    return request.query_params.get("q", "").strip()[:100]


Q_PARAM = OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("名称、编码关键字"))
DEPT_PARAM = OpenApiParameter("department", OpenApiTypes.INT, description=gettext_lazy("部门 id"))


# Endpoint overviews in the docs reader's language.
ITEMS_DOC = gettext_lazy("随机抽查事项清单")
TARGETS_DOC = gettext_lazy("检查对象名录库（第八条筛选条件与页面相同）")
INSPECTORS_DOC = gettext_lazy("执法检查人员名录库")
TASKS_DOC = gettext_lazy("抽查任务（不含抽取结果：抽取结果在检查开始前保密）")


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    schema = ApiAutoSchema()
    pagination_class = ApiPagination
    throttle_classes = THROTTLES
    # Any path segment reaches the view, so a malformed id gets the API's JSON 404 rather
    # than the site's HTML one.
    lookup_value_regex = r"[^/]+"

    def selected(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_object(self) -> Any:
        raw = str(self.kwargs.get(self.lookup_field, ""))
        # Not a row id: answered before any query, the same way for every resource.
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_ID:
            raise NotFound(gettext("记录不存在"))
        return super().get_object()

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            # Schema generation has no real user to ask the selectors about.
            return self.queryset.none() if self.queryset is not None else super().get_queryset()
        return self.selected()


@extend_schema_view(
    list=extend_schema(parameters=[Q_PARAM, DEPT_PARAM], description=ITEMS_DOC),
    retrieve=extend_schema(description=ITEMS_DOC),
)
class CheckItemViewSet(StaffViewSet):
    """The check-item list (随机抽查事项清单)."""

    queryset = CheckItem.objects.none()
    serializer_class = serializers.CheckItemSerializer

    def selected(self) -> QuerySet[Any]:
        return directory.item_list(
            user=self.request.user, q=_q(self.request), department=_department_param(self.request)
        )


TARGET_PARAMS = [
    Q_PARAM,
    DEPT_PARAM,
    *(
        OpenApiParameter(name, OpenApiTypes.STR)
        for name in (
            "industry",
            "region",
            "affiliation",
            "scale",
            "project_progress",
            "credit_class",
            "kind",
            "status",
        )
    ),
    OpenApiParameter(
        "flag",
        OpenApiTypes.STR,
        many=True,
        enum=sorted(directory.TARGET_FLAG_FILTERS),
        description=gettext_lazy(
            "可重复：key_industry, blacklisted, abnormal_list, serious_violation"
        ),
    ),
]


@extend_schema_view(
    list=extend_schema(parameters=TARGET_PARAMS, description=TARGETS_DOC),
    retrieve=extend_schema(description=TARGETS_DOC),
)
class TargetViewSet(StaffViewSet):
    """The target directory, with the Art. 8 filters of its page."""

    queryset = Target.objects.none()
    serializer_class = serializers.TargetSerializer

    def selected(self) -> QuerySet[Any]:
        filters, errors = directory.TargetFilter.from_params(self.request.query_params)
        if self.action != "list":
            # A record's own URL finds it whatever filters happen to be in the query string.
            filters, errors = directory.TargetFilter(), []
        # Access first: an inspector gets 403 whatever the filters say.
        qs = directory.target_list(user=self.request.user, filters=filters)
        if errors and self.action == "list":
            raise ValidationError({"filters": errors})
        return qs.prefetch_related("departments", "supervisions__department")


STATUS_PARAM = OpenApiParameter("status", OpenApiTypes.STR, enum=list(InspectorStatus.values))


@extend_schema_view(
    list=extend_schema(parameters=[Q_PARAM, DEPT_PARAM, STATUS_PARAM], description=INSPECTORS_DOC),
    retrieve=extend_schema(description=INSPECTORS_DOC),
)
class InspectorViewSet(StaffViewSet):
    """The inspector directory."""

    queryset = Inspector.objects.none()
    serializer_class = serializers.InspectorSerializer

    def selected(self) -> QuerySet[Any]:
        status = self.request.query_params.get("status", "").strip()
        if status and status not in InspectorStatus.values:
            raise ValidationError(
                {"status": [gettext("人员状态的取值“%(value)s”无效") % {"value": status}]}
            )
        return directory.inspector_list(
            user=self.request.user,
            q=_q(self.request),
            department=_department_param(self.request),
            status=status,
        )


@extend_schema_view(
    list=extend_schema(description=TASKS_DOC), retrieve=extend_schema(description=TASKS_DOC)
)
class SpotCheckTaskViewSet(StaffViewSet):
    """Spot-check tasks, without their drawn lists (secret until the window opens)."""

    queryset = SpotCheckTask.objects.none()
    serializer_class = serializers.SpotCheckTaskSerializer

    def selected(self) -> QuerySet[Any]:
        return (
            draws.task_list(user=self.request.user)
            .prefetch_related("departments", "items")
            .order_by("-id")
        )

    def get_object(self) -> SpotCheckTask:
        try:
            task: SpotCheckTask = super().get_object()
        except Http404:
            # The task page answers 403 for another department's task; say the same here.
            other = SpotCheckTask.objects.filter(pk=self.kwargs[self.lookup_field]).first()
            if other is not None and not access.can_view_task(self.request.user, other):
                raise PermissionDenied(gettext("无权查看该抽查任务")) from None
            raise
        return task


class SchemaView(SpectacularAPIView):
    """The schema is public (it describes, it contains no records) but throttled."""

    schema = ApiAutoSchema()
    permission_classes = [AllowAny]
    throttle_classes = THROTTLES


class TodoView(APIView):
    """What waits for the caller, most urgent first (the rows of the to-do home page)."""

    schema = ApiAutoSchema()
    throttle_classes = THROTTLES

    @extend_schema(
        responses=serializers.TodoSerializer,
        operation_id="todo_list",
        description=gettext_lazy(
            "待办：当前用户需要办理的事项，最紧急的在前（与登录后首页的列表相同）。"
        ),
    )
    def get(self, request: Request) -> Response:
        if not access.can_view_todo(request.user):
            raise PermissionDenied(gettext("无权查看待办"))
        items = todo_list(user=request.user)
        data = {"count": len(items), "results": [asdict(i) for i in items]}
        return Response(serializers.TodoSerializer(data).data)
