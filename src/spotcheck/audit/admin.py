from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from spotcheck.audit import confidential
from spotcheck.audit.models import AuditCheckpoint, AuditEvent, AuditSigningKey


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit tables are append-only (the database refuses changes too)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_label", "event_type", "object_type", "object_id")
    list_filter = ("event_type",)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """The detail page shows a confidential event as the audit-log page does (Art. 18):
        without names for a reader who may not see that draw's lists. Only the in-memory
        object is changed for display; nothing can be saved from this admin."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            confidential.present([obj], request.user)
            obj.summary = obj.shown_summary
            obj.payload = obj.shown_payload
        return obj


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("tree_size", "created_at", "key_id", "head")


@admin.register(AuditSigningKey)
class AuditSigningKeyAdmin(ReadOnlyAdmin):
    list_display = ("key_id", "registered_at", "public_key")
