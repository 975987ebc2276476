from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from spotcheck.audit import confidential
from spotcheck.audit.labels import event_label, object_label
from spotcheck.audit.models import AuditCheckpoint, AuditEvent, AuditSigningKey


class ReadOnlyAdmin(admin.ModelAdmin):
    """The audit tables are append-only (the database refuses changes too)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class EventTypeFilter(admin.SimpleListFilter):
    """The event types by name (the stock filter would list their codes)."""

    title = _("事件类型")
    parameter_name = "event_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        types = AuditEvent.objects.values_list("event_type", flat=True).distinct()
        return sorted(((t, event_label(t)) for t in types), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(event_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "at", "actor_label", "type_label", "object_label", "object_id")
    list_filter = (EventTypeFilter,)

    @admin.display(description=_("事件类型"), ordering="event_type")
    def type_label(self, obj: AuditEvent) -> str:
        return event_label(obj.event_type)

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_label(self, obj: AuditEvent) -> str:
        return object_label(obj.object_type)

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
