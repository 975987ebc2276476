"""Read-only representations. Fields are listed explicitly so that adding a model field never
silently publishes it (e.g. inspectors' phone numbers stay out)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from spotcheck.directory.models import (
    CheckItem,
    Inspector,
    ProjectProgress,
    Scale,
    Supervision,
    Target,
)
from spotcheck.planning.models import SpotCheckTask


class CheckItemSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = CheckItem
        fields = [
            "id",
            "code",
            "name",
            "legal_basis",
            "department",
            "content",
            "disclosure_channel",
            "target_kinds",
            "category",
            "active",
        ]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer):
    """One department's supervision of a target: its own grade and key-industry flag (null:
    it follows the entity's) and the values that apply for it."""

    department: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    effective_grade = serializers.IntegerField(read_only=True)
    effective_key_industry = serializers.BooleanField(read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "department",
            "supervision_grade",
            "key_industry",
            "effective_grade",
            "effective_key_industry",
        ]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    # Declared so the schema admits "" (not recorded): read-only model fields lose allow_blank.
    scale = serializers.ChoiceField(choices=Scale.choices, allow_blank=True, read_only=True)
    project_progress = serializers.ChoiceField(
        choices=ProjectProgress.choices, allow_blank=True, read_only=True
    )
    departments: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    supervisions = SupervisionSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "credit_code",
            "name",
            "kind",
            "industry_code",
            "industry_name",
            "region",
            "affiliation",
            "scale",
            "project_progress",
            "credit_class",
            "supervision_grade",
            "key_industry",
            "blacklisted",
            "abnormal_list",
            "serious_violation",
            "status",
            "departments",
            "supervisions",
            "updated_at",
        ]
        read_only_fields = fields


class InspectorSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Inspector
        fields = [
            "id",
            "cert_no",
            "name",
            "department",
            "cert_valid_from",
            "cert_valid_to",
            "status",
        ]
        read_only_fields = fields


class SpotCheckTaskSerializer(serializers.ModelSerializer):
    lead_department = serializers.CharField(source="lead_department.name", read_only=True)
    departments: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    items: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = SpotCheckTask
        fields = [
            "id",
            "name",
            "mode",
            "state",
            "lead_department",
            "departments",
            "items",
            "window_start",
            "window_end",
            "team_size",
            "created_at",
        ]
        read_only_fields = fields


class TodoItemSerializer(serializers.Serializer[Any]):
    """One thing waiting for the caller (the same rows as the to-do home page)."""

    kind = serializers.CharField(
        help_text=gettext_lazy("待办类型代码，如 task_approval、legal_review")
    )
    kind_label = serializers.CharField(help_text=gettext_lazy("待办类型名称（随界面语言）"))
    title = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("办理页面的站内路径"))
    due_on = serializers.DateField(allow_null=True, help_text=gettext_lazy("期限（如有）"))
    urgency = serializers.IntegerField(help_text=gettext_lazy("0 已逾期，1 七日内到期，2 待办理"))
    overdue = serializers.BooleanField()


class TodoSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = TodoItemSerializer(many=True)
