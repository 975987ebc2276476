"""Representations of publications for the public API.

Only what a publication already shows the public: its redacted payload and its public metadata.
Fields are listed one by one (no ModelSerializer ``__all__``) so that a new model field, such
as the author or the review comment, never becomes public by accident. A withdrawn version is
shown without its payload: what was withdrawn is no longer published (Art. 19).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.opendata.exports import public_subject

S = PublicationState

# How the public sees a version's state; drafts and reviews are never shown.
PUBLIC_STATUS: dict[str, str] = {
    S.PUBLISHED: "published",
    S.SCHEDULED: "published",
    S.CORRECTED: "corrected",
    S.WITHDRAWN: "withdrawn",
}
# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (the directory has "status" enums too).
PUBLIC_STATUSES = [
    ("published", gettext_lazy("已公示")),
    ("corrected", gettext_lazy("已更正（已被新版本取代）")),
    ("withdrawn", gettext_lazy("已撤回")),
]


def public_status(publication: Publication) -> str:
    return PUBLIC_STATUS.get(publication.state, "published")


def record_url(request: Any, pk: int) -> str:
    path = reverse("portal:detail", args=[pk])
    return request.build_absolute_uri(path) if request is not None else path


class DepartmentSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class SubjectSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(
        read_only=True, help_text=gettext_lazy("检查对象名称（个体工商户已脱敏）")
    )
    credit_code = serializers.CharField(read_only=True, help_text=gettext_lazy("统一社会信用代码"))


class PublicationListSerializer(serializers.Serializer[Publication]):
    id = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("公示记录编号（每个版本一个）")
    )
    url = serializers.SerializerMethodField(help_text=gettext_lazy("公示页面的固定网址"))
    kind = serializers.CharField(read_only=True, help_text=gettext_lazy("公示类型代码"))
    kind_display = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=gettext_lazy("公示类型")
    )
    title = serializers.CharField(read_only=True)
    department = DepartmentSerializer(read_only=True, help_text=gettext_lazy("公示部门"))
    subject = serializers.SerializerMethodField(help_text=gettext_lazy("检查对象（结果、处罚类）"))
    version = serializers.IntegerField(read_only=True, help_text=gettext_lazy("版本号，更正后加一"))
    supersedes = serializers.IntegerField(
        source="supersedes_id",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("更正的原记录编号"),
    )
    status = serializers.SerializerMethodField(help_text="published / corrected / withdrawn")
    published_at = serializers.DateTimeField(read_only=True, help_text=gettext_lazy("公示时间"))
    voided_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "抽取承诺：所属抽取经分管领导批准作废的时间（承诺继续公示）；其他为 null"
        ),
    )
    void_reason = serializers.CharField(
        read_only=True, help_text=gettext_lazy("抽取承诺：作废原因")
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Publication) -> str:
        return record_url(self.context.get("request"), obj.pk)

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, obj: Publication) -> dict[str, str]:
        return public_subject(obj)

    @extend_schema_field(serializers.ChoiceField(choices=PUBLIC_STATUSES))
    def get_status(self, obj: Publication) -> str:
        return public_status(obj)


class PublicationVersionSerializer(serializers.Serializer[Any]):
    """One entry of a record's public history (``selectors.PublicVersion``)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    url = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    public_since = serializers.DateField(read_only=True, help_text=gettext_lazy("公开日期"))
    correction_note = serializers.CharField(
        read_only=True, help_text=gettext_lazy("本版本的更正说明")
    )
    corrected_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=gettext_lazy("被新版本更正的日期")
    )
    withdrawn_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=gettext_lazy("撤回日期")
    )
    withdrawal_reason = serializers.CharField(read_only=True, help_text=gettext_lazy("撤回理由"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        return record_url(self.context.get("request"), obj.pk)

    @extend_schema_field(serializers.ChoiceField(choices=PUBLIC_STATUSES))
    def get_status(self, obj: Any) -> str:
        return PUBLIC_STATUS.get(obj.state, "published")


class PublicationDetailSerializer(PublicationListSerializer):
    payload = serializers.SerializerMethodField(
        help_text=gettext_lazy("公示内容（已按脱敏规则处理）；已撤回的记录为 null")
    )
    correction_note = serializers.CharField(read_only=True, help_text=gettext_lazy("更正说明"))
    withdrawn_at = serializers.SerializerMethodField(help_text=gettext_lazy("撤回时间"))
    withdrawal_reason = serializers.SerializerMethodField(help_text=gettext_lazy("撤回理由"))
    versions = serializers.SerializerMethodField(
        help_text=gettext_lazy("版本历史（从最早的版本起）")
    )

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_payload(self, obj: Publication) -> Any:
        return None if obj.state == S.WITHDRAWN else obj.payload

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_withdrawn_at(self, obj: Publication) -> str | None:
        if obj.state != S.WITHDRAWN or obj.withdrawn_at is None:
            return None
        return str(serializers.DateTimeField().to_representation(obj.withdrawn_at))

    def get_withdrawal_reason(self, obj: Publication) -> str:
        return obj.withdrawal_reason if obj.state == S.WITHDRAWN else ""

    @extend_schema_field(PublicationVersionSerializer(many=True))
    def get_versions(self, obj: Publication) -> list[dict[str, Any]]:
        versions = self.context.get("versions") or []
        return list(PublicationVersionSerializer(versions, many=True, context=self.context).data)
