"""OpenAPI description of our own authentication class (drf-spectacular extension) and of the
error answers every endpoint can give."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "spotcheck.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": gettext("个人接口令牌，格式：Token <令牌>（在“接口令牌”页面创建）"),
        }


# Every error answer is a JSON object: {"detail": "…"} or {field: ["…", …]} (Chinese text).
_ERROR = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}
_ERROR_DESCRIPTIONS = {
    "400": gettext_lazy("参数错误：字段名 → 中文说明列表"),
    "401": gettext_lazy("未登录或令牌无效"),
    "403": gettext_lazy("无权访问"),
    "404": gettext_lazy("记录不存在（或页码超出范围）"),
    "429": gettext_lazy("请求过于频繁，请稍后再试（见 Retry-After 响应头）"),
}


class ApiAutoSchema(AutoSchema):
    """Documents the error answers every endpoint can give, so that clients (and the schema
    tests) know them: 400 for bad list parameters, 401/403 where a login is needed, 404 for
    unknown ids and pages, 429 when throttled."""

    def _error_codes(self) -> list[str]:
        codes = ["429"]
        if self._is_list_view() and getattr(self.view, "pagination_class", None):
            codes += ["400", "404"]
        if "{" in self.path:
            codes.append("404")
        if not any(p is AllowAny for p in getattr(self.view, "permission_classes", [])):
            codes += ["401", "403"]
        return sorted(set(codes))

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(
                code,
                {
                    "description": _ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": _ERROR}},
                },
            )
        return responses
